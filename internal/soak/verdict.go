package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// sample is one measurement of the plugin side.
type sample struct {
	At         time.Duration // since the start
	RSS        float64       // bytes
	Heap       float64       // bytes in use
	Goroutines float64
	Lag        float64 // records the streams' partitions hold beyond what they read
	Records    float64 // records read by the streams so far
	Packets    float64 // packets sent to the (simulated) Live so far
	Errors     int     // RunStream errors so far
}

// slope fits y = a + b·x by least squares and returns b (per second of x)
// and the fit's residual standard deviation.
func slope(xs, ys []float64) (b, resid float64) {
	n := float64(len(xs))
	if len(xs) < 2 {
		return 0, 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx, sy = sx+xs[i], sy+ys[i]
		sxx, sxy = sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, 0
	}
	b = (n*sxy - sx*sy) / den
	a := (sy - b*sx) / n
	var ss float64
	for i := range xs {
		d := ys[i] - (a + b*xs[i])
		ss += d * d
	}
	return b, math.Sqrt(ss / n)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// trend is one quantity's fit over the second half of a run.
type trend struct {
	Name      string
	PerMinute float64 // fitted change per minute
	OverHalf  float64 // fitted change over the second half
	Tolerance float64 // the most OverHalf may be for "flat"
	Unit      string
}

func (t trend) growing() bool { return t.OverHalf > t.Tolerance }

func (t trend) String() string {
	state := "flat"
	if t.growing() {
		state = "GROWING"
	}
	return fmt.Sprintf("%-10s %+9.2f %s/min (%+.1f %s over the second half; tolerance %.1f): %s",
		t.Name, t.PerMinute, t.Unit, t.OverHalf, t.Unit, t.Tolerance, state)
}

// judge fits RSS, goroutines and lag over the second half of the samples
// (the first half is warm-up: caches, buffers and the GC's target settle)
// and calls each flat when its fitted growth over that half stays within a
// tolerance: RSS max(8 MB, 10 % of its median), goroutines 3, lag
// max(2000 records, 2 s of the streams' throughput).
func judge(samples []sample) (trends []trend, verdict string) {
	if len(samples) < 6 {
		return nil, "too few samples for a verdict (need 6; run longer)"
	}
	half := samples[len(samples)/2:]
	span := (half[len(half)-1].At - half[0].At).Seconds()
	xs := make([]float64, len(half))
	col := func(f func(sample) float64) []float64 {
		out := make([]float64, len(half))
		for i, s := range half {
			out[i] = f(s)
		}
		return out
	}
	for i, s := range half {
		xs[i] = s.At.Seconds()
	}
	rate := 0.0
	if span > 0 {
		rate = (half[len(half)-1].Records - half[0].Records) / span
	}
	mk := func(name, unit string, ys []float64, tol float64) trend {
		b, _ := slope(xs, ys)
		return trend{Name: name, PerMinute: b * 60, OverHalf: b * span, Tolerance: tol, Unit: unit}
	}
	rss := col(func(s sample) float64 { return s.RSS / (1 << 20) })
	trends = []trend{
		mk("rss", "MB", rss, math.Max(8, 0.10*median(rss))),
		mk("goroutines", "", col(func(s sample) float64 { return s.Goroutines }), 3),
		mk("lag", "records", col(func(s sample) float64 { return s.Lag }), math.Max(2000, 2*rate)),
	}
	var grow []string
	for _, t := range trends {
		if t.growing() {
			grow = append(grow, t.Name)
		}
	}
	if len(grow) > 0 {
		return trends, "growing (" + strings.Join(grow, ", ") + ")"
	}
	return trends, "flat"
}
