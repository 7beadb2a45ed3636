package table

import (
	"fmt"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// drivers builds a labelled table of n series of one number column, each
// sampled every `every` from its own offset (as cars are), over [from, to).
func drivers(t *testing.T, grid bool, n int, from, to int64, every time.Duration) *Table {
	t.Helper()
	names := codec.NewNames(0)
	tb := New(Options{Labels: true, Grid: grid}, nil)
	for ts := from; ts < to; ts += every.Nanoseconds() {
		for k := 0; k < n; k++ {
			at := ts + int64(k)*int64(7*time.Millisecond)
			if at >= to {
				continue
			}
			tb.AddRow(at, fmt.Sprintf("driver=D%02d", k))
			tb.SetField(names, numField(names, "speed", float64((at/int64(time.Millisecond))%337)))
		}
	}
	return tb
}

// series returns each series' times and speeds of a labels-layout frame.
func series(t *testing.T, f *data.Frame) (times map[string][]int64, speeds map[string][]float64) {
	t.Helper()
	times, speeds = map[string][]int64{}, map[string][]float64{}
	for i := 0; i < f.Rows(); i++ {
		l := f.Fields[0].At(i).(string)
		times[l] = append(times[l], f.Fields[1].At(i).(time.Time).UnixNano())
		speeds[l] = append(speeds[l], *f.Fields[2].At(i).(*float64))
	}
	return times, speeds
}

// TestOnGridSharesTimesAcrossSeries: twenty drivers over five minutes,
// decimated to 800 points each. Without the grid their 16,000 points have
// as many times (what Grafana joined into 16,000 mostly empty rows); on it
// they share at most 800, and each series keeps the very same points (the
// same values in the same order), each moved by less than a bucket.
func TestOnGridSharesTimesAcrossSeries(t *testing.T) {
	const maxPoints = 800
	from := time.Date(2026, 5, 1, 14, 0, 0, 0, time.UTC).UnixNano()
	to := from + int64(5*time.Minute)
	bucket := (to - from) / (maxPoints / 2)

	plain := drivers(t, false, 20, from, to, 25*time.Millisecond).Take("t", nil, true, maxPoints, from, to)
	gridded := drivers(t, true, 20, from, to, 25*time.Millisecond).Take("t", nil, true, maxPoints, from, to)

	distinct := func(f *data.Frame) int {
		seen := map[int64]bool{}
		for i := 0; i < f.Rows(); i++ {
			seen[f.Fields[1].At(i).(time.Time).UnixNano()] = true
		}
		return len(seen)
	}
	if n := distinct(plain); n < 10*maxPoints {
		t.Fatalf("the drivers' own times: %d distinct; the test wants them apart", n)
	}
	if n := distinct(gridded); n > maxPoints || n == 0 {
		t.Fatalf("on the grid: %d distinct times in %d rows, want at most %d", n, gridded.Rows(), maxPoints)
	}
	pt, ps := series(t, plain)
	gt, gs := series(t, gridded)
	if len(gt) != 20 {
		t.Fatalf("%d series", len(gt))
	}
	for l := range pt {
		if fmt.Sprint(ps[l]) != fmt.Sprint(gs[l]) {
			t.Fatalf("%s: the grid changed which points are kept", l)
		}
		for i := range gt[l] {
			if i > 0 && gt[l][i] <= gt[l][i-1] {
				t.Fatalf("%s: times not increasing at %d", l, i)
			}
			if d := pt[l][i] - gt[l][i]; d < -bucket || d > bucket {
				t.Fatalf("%s: point %d moved by %v, more than a bucket (%v)", l, i, time.Duration(d), time.Duration(bucket))
			}
		}
	}
	for i := 1; i < gridded.Rows(); i++ {
		if gridded.Fields[1].At(i).(time.Time).Before(gridded.Fields[1].At(i - 1).(time.Time)) {
			t.Fatalf("rows not in time order at %d", i)
		}
	}
}

// TestOnGridLeavesWhatItCannotPlace: a series with more rows in a bucket
// than a decimation keeps there (a short, dense, undecimated one) and a
// row outside the span keep their own times; another series is placed.
func TestOnGridLeavesWhatItCannotPlace(t *testing.T) {
	names := codec.NewNames(0)
	tb := New(Options{Labels: true}, nil)
	add := func(ns int64, l string) {
		tb.AddRow(ns, l)
		tb.SetField(names, numField(names, "v", float64(ns%7)))
	}
	// Span [0, 1000] for 10 points: 5 buckets of ~200 ns, 2 places each.
	add(10, "dense")
	add(20, "dense")
	add(30, "dense") // a third row in bucket 0
	add(-5, "early") // before the span
	add(150, "early")
	add(130, "placed") // falls in place 1 of bucket 0 (100..200)
	add(330, "placed") // place 1 of bucket 1
	tb.SortByTime()
	tb.OnGrid(10, 0, 1000)
	got := map[string][]int64{}
	for i, ns := range tb.times {
		got[tb.labels[i]] = append(got[tb.labels[i]], ns)
	}
	if fmt.Sprint(got["dense"]) != "[10 20 30]" || fmt.Sprint(got["early"]) != "[-5 150]" {
		t.Fatalf("moved what it cannot place: %v", got)
	}
	if fmt.Sprint(got["placed"]) != "[100 300]" {
		t.Fatalf("placed: %v, want the places' times [100 300]", got["placed"])
	}
}
