package f1

import (
	"math"
	"testing"
)

// TestAvgSpeedRealLaps: the running average over each real lap equals the
// plain mean of its Speed column (SQL AVG), grouped by driver and race.
func TestAvgSpeedRealLaps(t *testing.T) {
	agg := NewAvgSpeed()
	want := map[[2]string]float64{}
	counts := map[[2]string]int64{}
	for _, l := range realLaps() {
		set := loadRealLap(t, l)
		var sum float64
		for i := range set {
			agg.Add(&set[i].Telemetry)
			sum += set[i].SpeedKph
		}
		k := [2]string{l.driver, l.race}
		want[k] = sum / float64(len(set))
		counts[k] = int64(len(set))
	}
	rows := agg.Rows(nil)
	if len(rows) != 3 {
		t.Fatalf("%d groups, want 3 (VER monza2024, PER spa2022, VER spa2022)", len(rows))
	}
	order := []string{"VER/monza2024", "PER/spa2022", "VER/spa2022"}
	for i, r := range rows {
		if got := r.Driver + "/" + r.RaceID; got != order[i] {
			t.Fatalf("row %d is %s, want %s", i, got, order[i])
		}
		k := [2]string{r.Driver, r.RaceID}
		if math.Abs(r.AvgSpeedKph-want[k]) > 1e-9 || r.Samples != counts[k] {
			t.Errorf("%s: avg %.6f over %d, want %.6f over %d", order[i], r.AvgSpeedKph, r.Samples, want[k], counts[k])
		}
	}
	// Spa VER lap 32: 7.004 km in 109.354 s is 230.6 km/h; the sample mean
	// of car data (evenly spaced) lands close to it.
	if r, ok := agg.Get("VER", "spa2022"); !ok || math.Abs(r.AvgSpeedKph-230.6) > 5 {
		t.Errorf("VER spa avg = %+v", r)
	}
}

func TestAvgSpeedSkipsNaN(t *testing.T) {
	agg := NewAvgSpeed()
	for i, v := range []float64{100, math.NaN(), 200, 300} {
		got := agg.Add(&Telemetry{Ts: int64(i), Driver: "HAM", RaceID: "r", SpeedKph: v})
		if i == 1 && got != 100 {
			t.Fatalf("NaN changed the average to %v", got)
		}
	}
	r, ok := agg.Get("HAM", "r")
	if !ok || r.AvgSpeedKph != 200 || r.Samples != 3 || r.LastTs != 3 {
		t.Fatalf("row %+v", r)
	}
	if _, ok := agg.Get("HAM", "other"); ok {
		t.Fatal("unknown group found")
	}
	if allocs := testing.AllocsPerRun(100, func() {
		agg.Add(&Telemetry{Driver: "HAM", RaceID: "r", SpeedKph: 250})
	}); allocs != 0 {
		t.Fatalf("Add allocates %.1f per sample", allocs)
	}
}
