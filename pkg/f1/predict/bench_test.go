package predict

import (
	"math"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// BenchmarkPredictorRace runs a 53-lap, 20-car race (1 060 lap ends, 4 240
// predictions) through a Predictor: the producer's cost per race.
func BenchmarkPredictorRace(b *testing.B) {
	var drivers []string
	for i := 0; i < 20; i++ {
		drivers = append(drivers, string([]byte{'A' + byte(i), 'B', 'C'}))
	}
	stops := map[string]int{}
	for i, d := range drivers {
		stops[d] = 15 + i%10
	}
	r := newRace(53, drivers, stops, 0.06)
	b.ReportAllocs()
	var buf []f1.Prediction
	for b.Loop() {
		p := New(Config{PitLossS: 24, TotalLaps: 53})
		for i := range r.pos {
			buf = p.Observe(&r.pos[i], buf)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(r.pos)), "ns/record")
}

// FuzzObserve feeds arbitrary records: the predictor must not panic and
// every probability must be a probability.
func FuzzObserve(f *testing.F) {
	f.Add("VER", 3, 85.2, 12, 0, "MEDIUM", "RUNNING", 1.5)
	f.Add("", -1, math.NaN(), -5, 3, "X", "PIT", math.Inf(1))
	f.Fuzz(func(t *testing.T, d string, lap int, lapS float64, age, stops int, tyre, status string, gap float64) {
		p := New(Config{PitLossS: 22, TotalLaps: 60})
		for k := 0; k < 3; k++ {
			pos := f1.Position{Driver: d, Lap: lap + k, LastLapS: lapS, TyreAgeLaps: age + k, PitStops: stops,
				Tyre: tyre, Status: status, GapToLeaderS: gap}
			for _, pr := range p.Observe(&pos, nil) {
				if !(pr.Probability >= 0 && pr.Probability <= 1) {
					t.Fatalf("probability %v for %+v", pr.Probability, pos)
				}
			}
		}
	})
}
