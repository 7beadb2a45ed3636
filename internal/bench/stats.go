package main

import (
	"math"
	"sort"
	"time"
)

// Latency summarises latency samples in milliseconds.
type Latency struct {
	N             int
	P50, P99, Max float64
	Min           float64
}

// summarize sorts samples (ms) and returns their percentiles: the
// nearest-rank method, so p99 of 100 samples is the 99th smallest.
func summarize(samples []float64) Latency {
	if len(samples) == 0 {
		return Latency{P50: math.NaN(), P99: math.NaN(), Max: math.NaN(), Min: math.NaN()}
	}
	sort.Float64s(samples)
	return Latency{N: len(samples), P50: rank(samples, 0.50), P99: rank(samples, 0.99),
		Max: samples[len(samples)-1], Min: samples[0]}
}

// rank is the nearest-rank percentile of sorted samples.
func rank(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// median of durations (it sorts them).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
