package f1

import (
	"testing"
)

// Benchmarks of each transform at a full grid: the real Monza car samples
// of VER lap 43, given to the 20 drivers of the 2024 grid (speed scaled to
// each team's gear table, each car 0–1.9 s apart), interleaved in time
// order and repeated for 10 laps with increasing timestamps. One op is one
// record.

const benchLaps = 10

func gridStream(b *testing.B) []Telemetry {
	b.Helper()
	lap := carRows(loadRealLap(b, realLaps()[0]))
	grid := Grid()
	lapMs := lap[len(lap)-1].Ts - lap[0].Ts + 250
	out := make([]Telemetry, 0, benchLaps*len(lap)*len(grid))
	for l := 0; l < benchLaps; l++ {
		for i := range lap {
			for d, drv := range grid {
				s := lap[i].Telemetry
				tm := TeamOf(drv)
				s.Driver, s.DriverNumber, s.Team, s.RaceID = drv.Code, drv.Number, tm.Name, "bench"
				s.Ts += int64(l)*lapMs + int64(d)*100
				s.SpeedKph *= tm.Ratio
				s.Lap = l + 1
				out = append(out, s)
			}
		}
	}
	return out
}

// benchObserve runs fn over the stream b.N times (one record per op) after
// one warm-up pass, and fails on allocations in steady state.
func benchRecords(b *testing.B, stream []Telemetry, fn func(t *Telemetry)) {
	for i := range stream {
		fn(&stream[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := len(stream)
	for i := 0; i < b.N; i++ {
		fn(&stream[i%n])
	}
}

func BenchmarkWheelSpin(b *testing.B) {
	stream := gridStream(b)
	a := NewAnalyzer(DefaultRules())
	out := make([]Alert, 0, 16)
	benchRecords(b, stream, func(t *Telemetry) {
		s := a.state(t)
		dt := t.Ts - s.prevTs
		gap := !s.hasPrev || dt < 0 || dt > a.rules.MaxGapMs
		steady := !gap && t.Gear == s.prevGear
		var d Derived
		s.calibrate(t, steady, &a.rules)
		d.SlipPct, d.ExpectedKph, d.SlipValid = slip(t, &s.calib.K, steady)
		out = a.detectSpin(s, t, &d, gap, out[:0])
		s.hasPrev, s.prevGear, s.prevTs = true, t.Gear, t.Ts
	})
}

func BenchmarkGearAnomalies(b *testing.B) {
	stream := gridStream(b)
	a := NewAnalyzer(DefaultRules())
	out := make([]Alert, 0, 16)
	benchRecords(b, stream, func(t *Telemetry) {
		s := a.state(t)
		dt := t.Ts - s.prevTs
		gap := !s.hasPrev || dt < 0 || dt > a.rules.MaxGapMs
		steady := !gap && t.Gear == s.prevGear
		var d Derived
		out = a.detectAnomalies(s, t, steady, gap, &d, out[:0])
		s.gears.Add(t.Gear, t.Ts)
		s.hasPrev, s.prevGear, s.prevTs = true, t.Gear, t.Ts
	})
}

func BenchmarkAlertRules(b *testing.B) {
	stream := gridStream(b)
	a := NewAnalyzer(DefaultRules())
	out := make([]Alert, 0, 16)
	benchRecords(b, stream, func(t *Telemetry) {
		out = a.checkAlerts(a.state(t), t, out[:0])
	})
}

func BenchmarkAvgSpeed(b *testing.B) {
	stream := gridStream(b)
	agg := NewAvgSpeed()
	benchRecords(b, stream, func(t *Telemetry) { agg.Add(t) })
}

func BenchmarkAnalyzerObserve(b *testing.B) {
	stream := gridStream(b)
	a := NewAnalyzer(DefaultRules())
	out := make([]Alert, 0, 16)
	var evs []Event
	benchRecords(b, stream, func(t *Telemetry) {
		_, out = a.Observe(t, out[:0])
		if len(a.events) > 0 {
			evs = a.Events(evs[:0])
		}
	})
}

// BenchmarkLeaderboardApplyTelemetry: the average-speed feed of the board.
func BenchmarkLeaderboardApplyTelemetry(b *testing.B) {
	stream := gridStream(b)
	lb := NewLeaderboard()
	benchRecords(b, stream, func(t *Telemetry) { lb.ApplyTelemetry(t) })
}
