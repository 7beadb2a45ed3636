package f1frame

import (
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Benchmarks at a full grid: the real Monza car samples of VER's lap 43
// given to the 20 drivers of the 2024 grid (speed scaled to each team's
// gear table, cars 100 ms apart), interleaved in time order, 5 laps. One op
// is one record. When the stream wraps, its times move on by its length, so
// time never goes backwards.

func gridStream(b *testing.B) []f1.Telemetry {
	b.Helper()
	lap := loadLap(b, realLaps()[0])
	span := lap[len(lap)-1].Ts - lap[0].Ts + 250
	var out []f1.Telemetry
	for l := 0; l < 5; l++ {
		for i := range lap {
			for d, drv := range f1.Grid() {
				tm := f1.TeamOf(drv)
				s := lap[i]
				s.Driver, s.DriverNumber, s.Team, s.RaceID = drv.Code, drv.Number, tm.Name, "bench"
				s.Ts += int64(l)*span + int64(d)*100
				s.SpeedKph *= tm.Ratio
				s.Lap = l + 1
				s.BrakeTempC = 400 + s.Brake*3
				out = append(out, s)
			}
		}
	}
	return out
}

// runStream feeds b.N records; every flushEvery records it calls flush (a
// Live push about once a second of race time at a full grid).
func runStream(b *testing.B, stream []f1.Telemetry, add func(*f1.Telemetry), flushEvery int, flush func()) {
	span := stream[len(stream)-1].Ts - stream[0].Ts + 250
	for i := range stream { // warm-up: every driver known, buffers grown
		add(&stream[i])
	}
	shift := func() {
		for i := range stream {
			stream[i].Ts += span
		}
	}
	shift()
	b.ReportAllocs()
	b.ResetTimer()
	n := len(stream)
	for i := 0; i < b.N; i++ {
		j := i % n
		if j == 0 && i > 0 {
			b.StopTimer()
			shift()
			b.StartTimer()
		}
		add(&stream[j])
		if flush != nil && i%flushEvery == flushEvery-1 {
			flush()
		}
	}
}

func benchKind(b *testing.B, k QueryType, o Options) {
	stream := gridStream(b)
	bl := mustNew(b, k, o)
	var flush func()
	if o.Live {
		flush = func() { bl.Flush() }
	}
	runStream(b, stream, bl.AddTelemetry, 80, flush)
}

func BenchmarkWheelSpinRange(b *testing.B)     { benchKind(b, WheelSpin, Options{}) }
func BenchmarkWheelSpinLive(b *testing.B)      { benchKind(b, WheelSpin, Options{Live: true}) }
func BenchmarkGearAnomaliesRange(b *testing.B) { benchKind(b, GearAnomalies, Options{}) }
func BenchmarkGearAnomaliesLive(b *testing.B) {
	benchKind(b, GearAnomalies, Options{Live: true, View: ViewDistribution})
}
func BenchmarkAlertsRange(b *testing.B)       { benchKind(b, Alerts, Options{}) }
func BenchmarkAlertsLive(b *testing.B)        { benchKind(b, Alerts, Options{Live: true}) }
func BenchmarkAverageSpeedRange(b *testing.B) { benchKind(b, AverageSpeed, Options{}) }
func BenchmarkAverageSpeedLive(b *testing.B)  { benchKind(b, AverageSpeed, Options{Live: true}) }
func BenchmarkLeaderboardLive(b *testing.B)   { benchKind(b, Leaderboard, Options{Live: true}) }

// BenchmarkFilteredOneDriver: a query for one driver skips the other 19
// before any analysis.
func BenchmarkFilteredOneDriver(b *testing.B) {
	benchKind(b, WheelSpin, Options{Live: true, Drivers: []string{"VER"}})
}

// BenchmarkLeaderboardPositions: timing records (one per driver per flush).
func BenchmarkLeaderboardPositions(b *testing.B) {
	bl := mustNew(b, Leaderboard, Options{Live: true})
	grid := f1.Grid()
	recs := make([]f1.Position, 0, 20*60)
	for lap := 1; lap <= 60; lap++ {
		for i, d := range grid {
			recs = append(recs, f1.Position{Ts: t0 + int64(lap)*90_000 + int64(i)*400, RaceID: "bench", Driver: d.Code,
				Position: 1 + (i+lap)%20, Lap: lap, GapToLeaderS: float64(i) * 0.4, IntervalS: 0.4,
				LastLapS: 90 + float64(i%7)/10, BestLapS: 89.5, Tyre: f1.TyreMedium, TyreAgeLaps: lap, Status: f1.StatusRunning})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := recs[i%len(recs)]
		p.Ts += int64(i/len(recs)) * 60 * 90_000
		bl.AddPosition(&p)
		if i%20 == 19 {
			bl.Flush()
		}
	}
}

// typicalFlushes builds the frames of a typical one-second Live push at a
// full grid (4 samples per driver) and of a time-range result.
func typicalFrames(b *testing.B) map[string]*data.Frame {
	stream := gridStream(b)
	out := map[string]*data.Frame{}
	ws := mustNew(b, WheelSpin, Options{Live: true})
	feed(ws, stream[:20*40], nil)
	ws.Flush()
	feed(ws, stream[20*40:20*44], nil)
	out["wheelSpinPush"], _ = ws.Flush()
	lb := mustNew(b, Leaderboard, Options{})
	feed(lb, stream[:2000], synthTiming())
	out["leaderboard"] = lb.Frames()[0]
	rng := mustNew(b, WheelSpin, Options{MaxDataPoints: 1000})
	feed(rng, stream, nil)
	out["wheelSpinRangeVER"] = rng.Frames()[0]
	return out
}

func BenchmarkFrameEncode(b *testing.B) {
	for name, f := range typicalFrames(b) {
		b.Run(name+"/json", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := data.FrameToJSON(f, data.IncludeAll); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/arrow", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := f.MarshalArrow(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildFrames: building the frames themselves (a Live push of 80
// points; a leaderboard snapshot of 20 rows; a 20-driver range result).
func BenchmarkBuildFrames(b *testing.B) {
	stream := gridStream(b)
	b.Run("wheelSpinPush", func(b *testing.B) {
		ws := mustNew(b, WheelSpin, Options{Live: true})
		feed(ws, stream[:2000], nil)
		ws.Flush()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for j := 0; j < 80; j++ {
				s := stream[2000+j]
				s.Ts += int64(i+1) * 1_000_000
				ws.AddTelemetry(&s)
			}
			b.StartTimer()
			ws.Flush()
		}
	})
	b.Run("leaderboardSnapshot", func(b *testing.B) {
		lb := mustNew(b, Leaderboard, Options{})
		feed(lb, stream[:2000], synthTiming())
		for _, d := range f1.Grid() {
			lb.AddPosition(&f1.Position{Ts: t0 + 400_000, RaceID: "monza-7", Driver: d.Code, Position: d.Number%20 + 1, Lap: 3})
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			lb.Frames()
		}
	})
	b.Run("wheelSpinRange20Drivers", func(b *testing.B) {
		ws := mustNew(b, WheelSpin, Options{})
		feed(ws, stream, nil)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ws.Frames()
		}
	})
}

// BenchmarkRaceControlLive: race events (a few per lap) pushed each 10.
func BenchmarkRaceControlLive(b *testing.B) {
	bl := mustNew(b, RaceControl, Options{Live: true})
	recs := synthTiming()
	var rcs []f1.RaceControl
	for _, r := range recs {
		if rc, ok := r.(*f1.RaceControl); ok {
			rcs = append(rcs, *rc)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rc := rcs[i%len(rcs)]
		rc.Ts += int64(i/len(rcs)) * 300_000
		bl.AddRaceControl(&rc)
		if i%10 == 9 {
			bl.Flush()
		}
	}
}
