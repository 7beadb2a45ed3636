package main

import (
	"math"
	"testing"
	"time"
)

func TestSummarizeUsesNearestRank(t *testing.T) {
	var s []float64
	for i := 100; i >= 1; i-- { // unsorted on purpose
		s = append(s, float64(i))
	}
	l := summarize(s)
	if l.N != 100 || l.P50 != 50 || l.P99 != 99 || l.Max != 100 || l.Min != 1 {
		t.Fatalf("got %+v, want n=100 p50=50 p99=99 max=100 min=1", l)
	}
	one := summarize([]float64{7})
	if one.P50 != 7 || one.P99 != 7 || one.Max != 7 {
		t.Fatalf("one sample: %+v", one)
	}
	if e := summarize(nil); e.N != 0 || !math.IsNaN(e.P99) {
		t.Fatalf("no samples must give NaN percentiles, got %+v", e)
	}
}

func TestMedianOfDurations(t *testing.T) {
	if m := median([]time.Duration{5, 1, 3}); m != 3 {
		t.Fatalf("odd: %v", m)
	}
	if m := median([]time.Duration{4, 1, 3, 2}); m != 2 {
		t.Fatalf("even: %v (want the mean of 2 and 3, rounded down)", m)
	}
	if m := median(nil); m != 0 {
		t.Fatalf("empty: %v", m)
	}
}

func TestRoundDropsNaN(t *testing.T) {
	if v := round(math.NaN(), 1); v != nil {
		t.Fatalf("NaN must become null in the JSON, got %v", v)
	}
	if v := round(12.345, 1); v != 12.3 {
		t.Fatalf("got %v", v)
	}
}
