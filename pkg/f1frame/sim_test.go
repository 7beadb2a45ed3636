package f1frame

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// detected is one event read back from a builder's events frame.
type detected struct {
	driver, anomaly string
	start, end      int64
}

func readEvents(t *testing.T, f *data.Frame, withAnomaly bool) []detected {
	t.Helper()
	var out []detected
	for i := 0; i < f.Rows(); i++ {
		d := detected{driver: field(t, f, "driver").At(i).(string)}
		d.start = field(t, f, "time").At(i).(time.Time).UnixMilli()
		d.end = d.start
		if v, ok := field(t, f, "timeEnd").ConcreteAt(i); ok {
			d.end = v.(time.Time).UnixMilli()
		}
		if withAnomaly {
			d.anomaly = field(t, f, "anomaly").At(i).(string)
		}
		out = append(out, d)
	}
	return out
}

// score matches detections and truths of one kind that overlap in time for
// the same driver (and anomaly): recall is the share of truths found,
// precision the share of detections that are true.
func score(truths []sim.Truth, dets []detected) (recall, precision float64, missed []sim.Truth) {
	overlap := func(tr sim.Truth, d detected) bool {
		return tr.Driver == d.driver && tr.Anomaly == d.anomaly && d.start <= tr.EndTs && d.end >= tr.StartTs
	}
	found := 0
	for _, tr := range truths {
		ok := false
		for _, d := range dets {
			ok = ok || overlap(tr, d)
		}
		if ok {
			found++
		} else {
			missed = append(missed, tr)
		}
	}
	right := 0
	for _, d := range dets {
		for _, tr := range truths {
			if overlap(tr, d) {
				right++
				break
			}
		}
	}
	recall, precision = 1, 1
	if len(truths) > 0 {
		recall = float64(found) / float64(len(truths))
	}
	if len(dets) > 0 {
		precision = float64(right) / float64(len(dets))
	}
	return recall, precision, missed
}

// Short seeded races of the simulator (6 laps, 6 cars, five races), with
// spins and gear anomalies injected often, through the wheelSpin and
// gearAnomalies builders (events views): detection is scored against the
// simulator's truth. Known miss: silverstone seed 11 has a gear mismatch the
// simulator cut to 3 samples (500 ms from first to last, 250 ms of them
// judgeable after the gear change), which Rules.MismatchMinMs (500 ms)
// rightly does not call an anomaly.
func TestDetectionAgainstSimulatorTruth(t *testing.T) {
	var spinTruth, gearTruth []sim.Truth
	var spins, gears []detected
	for _, race := range []struct {
		circuit string
		seed    uint64
	}{{"monaco", 3}, {"monaco", 11}, {"spa", 3}, {"silverstone", 11}, {"bahrain", 5}} {
		circuit, err := f1.CircuitByName(race.circuit)
		if err != nil {
			t.Fatal(err)
		}
		drivers, err := f1.ParseDrivers("VER,LEC,HAM,NOR,ALO,GAS")
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.New(sim.Config{Circuit: circuit, Laps: 6, Drivers: drivers, Seed: race.seed,
			SpinPerLap: 0.9, AnomalyPerLap: 0.2, HotBrakesPerRace: -1, NoIncidents: true})
		if err != nil {
			t.Fatal(err)
		}
		ws := mustNew(t, WheelSpin, Options{View: ViewEvents})
		ga := mustNew(t, GearAnomalies, Options{View: ViewEvents})
		for {
			ev, ok := s.Next()
			if !ok {
				break
			}
			switch ev.Type {
			case sim.TelemetryEvent:
				ws.AddTelemetry(ev.Telemetry)
				ga.AddTelemetry(ev.Telemetry)
			case sim.TruthEvent:
				switch ev.Truth.Kind {
				case f1.AlertWheelSpin:
					spinTruth = append(spinTruth, *ev.Truth)
				case f1.AlertGearAnomaly:
					gearTruth = append(gearTruth, *ev.Truth)
				}
			}
		}
		spins = append(spins, readEvents(t, ws.Frames()[0], false)...)
		gears = append(gears, readEvents(t, ga.Frames()[0], true)...)
	}
	if len(spinTruth) < 10 || len(gearTruth) < 3 {
		t.Fatalf("too few injections to judge: %d spins, %d gear anomalies", len(spinTruth), len(gearTruth))
	}
	sr, sp, sm := score(spinTruth, spins)
	gr, gp, gm := score(gearTruth, gears)
	t.Logf("wheel spin: %d injected, %d detected, recall %.3f, precision %.3f", len(spinTruth), len(spins), sr, sp)
	t.Logf("gear anomalies: %d injected, %d detected, recall %.3f, precision %.3f", len(gearTruth), len(gears), gr, gp)
	for _, m := range append(sm, gm...) {
		t.Logf("missed: %+v", m)
	}
	if sr < 0.95 || gr < 0.95 {
		t.Errorf("recall spin %.3f, gear %.3f; want ≥ 0.95", sr, gr)
	}
	if sp < 0.9 || gp < 0.9 {
		t.Errorf("precision spin %.3f, gear %.3f; want ≥ 0.9", sp, gp)
	}
}

// A simulated race fed live (pushed once per second of race time) and as a
// time range give the same alerts, once each: the simulator publishes its
// own analyzer's alerts (the f1-alerts copies), which must merge with the
// derived ones in both modes; and every wheel-spin push is in time order.
func TestLiveMatchesRangeOnSimulatedRace(t *testing.T) {
	circuit, err := f1.CircuitByName("monza")
	if err != nil {
		t.Fatal(err)
	}
	drivers, err := f1.ParseDrivers("VER,LEC,HAM,NOR")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Config{Circuit: circuit, Laps: 3, Drivers: drivers, Seed: 7, SpinPerLap: 0.5, AnomalyPerLap: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	rng := mustNew(t, Alerts, Options{})
	live := mustNew(t, Alerts, Options{Live: true})
	slip := mustNew(t, WheelSpin, Options{Live: true})
	type key struct {
		driver, kind, severity string
		ts                     int64
	}
	got := map[key]int{}
	collect := func(f *data.Frame) {
		for i := 0; i < f.Rows(); i++ {
			k := key{field(t, f, "driver").At(i).(string), field(t, f, "kind").At(i).(string),
				field(t, f, "alert_severity").At(i).(string), field(t, f, "timestamp").At(i).(time.Time).UnixMilli()}
			got[k]++
		}
	}
	var lastPush, lastSlip int64
	published := 0
	for {
		ev, ok := s.Next()
		if !ok {
			break
		}
		switch ev.Type {
		case sim.TelemetryEvent:
			rng.AddTelemetry(ev.Telemetry)
			live.AddTelemetry(ev.Telemetry)
			slip.AddTelemetry(ev.Telemetry)
		case sim.AlertEvent:
			published++
			rng.AddAlert(ev.Alert)
			live.AddAlert(ev.Alert)
		}
		if ev.Ts-lastPush >= 1000 {
			lastPush = ev.Ts
			if f, ok := live.Flush(); ok {
				collect(f)
			}
			if f, ok := slip.Flush(); ok {
				_, ts := liveTimes(t, f)
				for _, x := range ts {
					if x < lastSlip {
						t.Fatalf("slip push went back in time: %d after %d", x, lastSlip)
					}
					lastSlip = x
				}
			}
		}
	}
	if f, ok := live.Flush(); ok {
		collect(f)
	}
	want := map[key]int{}
	rf := rng.Frames()[0]
	for i := 0; i < rf.Rows(); i++ {
		k := key{field(t, rf, "driver").At(i).(string), field(t, rf, "kind").At(i).(string),
			field(t, rf, "alert_severity").At(i).(string), field(t, rf, "timestamp").At(i).(time.Time).UnixMilli()}
		want[k]++
	}
	t.Logf("%d alerts published by the simulator, %d in the range result, %d pushed live", published, rf.Rows(), len(got))
	if published == 0 || len(want) == 0 {
		t.Fatal("no alerts to compare")
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%+v: %d live, %d in the range", k, got[k], n)
		}
	}
	for k, n := range got {
		if want[k] != n {
			t.Errorf("%+v: %d live, %d in the range", k, n, want[k])
		}
	}
	if st := slip.Stats(); st.Late != 0 {
		t.Errorf("%d slip points late on an in-order stream", st.Late)
	}
}
