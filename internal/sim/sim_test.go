package sim

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// record is a value copy of one event, for comparing streams.
type record struct {
	Type  EventType
	Ts    int64
	Tel   f1.Telemetry
	Pos   f1.Position
	RC    f1.RaceControl
	Alert f1.Alert
	Truth Truth
}

func runAll(t testing.TB, cfg Config) []record {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	for {
		ev, ok := s.Next()
		if !ok {
			break
		}
		r := record{Type: ev.Type, Ts: ev.Ts}
		switch ev.Type {
		case TelemetryEvent:
			r.Tel = *ev.Telemetry
		case PositionEvent:
			r.Pos = *ev.Position
		case RaceControlEvent:
			r.RC = *ev.RaceControl
		case AlertEvent:
			r.Alert = *ev.Alert
		case TruthEvent:
			r.Truth = *ev.Truth
		}
		out = append(out, r)
	}
	if !s.Status().Finished {
		t.Fatal("Next stopped but the race is not finished")
	}
	return out
}

func circuit(t testing.TB, name string) f1.Circuit {
	t.Helper()
	c, err := f1.CircuitByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSameSeedSameRace(t *testing.T) {
	cfg := Config{Circuit: circuit(t, "monza"), Laps: 6, Seed: 42, RaceID: "r1"}
	a := runAll(t, cfg)
	b := runAll(t, cfg)
	if len(a) < 10000 {
		t.Fatalf("only %d events in a 6-lap race", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		for i := range a {
			if i >= len(b) || !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("streams differ at event %d of %d/%d", i, len(a), len(b))
			}
		}
		t.Fatalf("streams differ in length: %d vs %d", len(a), len(b))
	}
	cfg.Seed = 43
	c := runAll(t, cfg)
	if reflect.DeepEqual(a, c) {
		t.Fatal("a different seed gave the same race")
	}
}

func TestStreamShape(t *testing.T) {
	c := circuit(t, "spa")
	const laps = 8
	evs := runAll(t, Config{Circuit: c, Laps: laps, Seed: 3, RateHz: 4, StartMs: 1_700_000_000_000, RaceID: "spa-test"})
	var last int64
	lastTel := map[string]int64{}
	types := map[string]int{}
	lapEvents := map[int]bool{}
	grid := 0
	for i, e := range evs {
		if e.Ts < last {
			t.Fatalf("event %d goes back in time: %d after %d", i, e.Ts, last)
		}
		last = e.Ts
		switch e.Type {
		case TelemetryEvent:
			x := e.Tel
			if x.RaceID != "spa-test" || x.Team == "" || x.DriverNumber == 0 || x.Ts != e.Ts {
				t.Fatalf("bad telemetry %+v", x)
			}
			if p, ok := lastTel[x.Driver]; ok && x.Ts-p != 250 {
				t.Fatalf("%s samples %d ms apart, want 250 at 4 Hz", x.Driver, x.Ts-p)
			}
			lastTel[x.Driver] = x.Ts
			if x.Lap < 1 || x.Lap > laps || x.DistanceM < 0 || x.DistanceM >= c.LengthM+0.1 {
				t.Fatalf("bad lap/distance %+v", x)
			}
		case RaceControlEvent:
			if i < 21 && e.RC.Type != f1.EventLightsOut && grid < 20 {
				t.Fatalf("race control before the grid is out: %+v", e.RC)
			}
			types[e.RC.Type]++
			if e.RC.Type == f1.EventLap {
				lapEvents[e.RC.Lap] = true
			}
			if e.RC.TotalLaps != laps {
				t.Fatalf("total laps %d in %+v", e.RC.TotalLaps, e.RC)
			}
		case PositionEvent:
			if e.Pos.Lap == 0 {
				grid++
			}
		}
	}
	if grid != 20 || evs[20].Type != RaceControlEvent || evs[20].RC.Type != f1.EventLightsOut {
		t.Fatalf("want 20 grid positions then LIGHTS_OUT, got %d grid rows, event 20 = %+v", grid, evs[20])
	}
	for lap := 2; lap <= laps; lap++ {
		if !lapEvents[lap] {
			t.Errorf("no LAP event for lap %d", lap)
		}
	}
	if types[f1.EventFinish] != 1 || types[f1.EventFastestLap] == 0 || types[f1.EventPit] == 0 {
		t.Errorf("race control types %v: want one FINISH, some FASTEST_LAP and PIT", types)
	}
	if evs[len(evs)-1].Ts-evs[0].Ts < int64(laps*100_000) {
		t.Errorf("an %d-lap Spa race lasted only %d ms", laps, evs[len(evs)-1].Ts-evs[0].Ts)
	}
	if len(lastTel) != 20 {
		t.Errorf("telemetry from %d cars", len(lastTel))
	}
}

// TestCleanSamplesObeyGearTable: outside injected windows, speed is exactly
// rpm/1000 × k[gear] of the car's team, and no spin or gear alert is raised.
func TestCleanRaceHasNoSpinOrGearAlerts(t *testing.T) {
	evs := runAll(t, Config{Circuit: circuit(t, "monaco"), Laps: 20, Seed: 11, SpinPerLap: -1, AnomalyPerLap: -1})
	var checked int
	for _, e := range evs {
		switch e.Type {
		case TruthEvent:
			if e.Truth.Kind != f1.AlertBrakeTemp && e.Truth.Kind != TruthPitStop {
				t.Fatalf("injection with injections off: %+v", e.Truth)
			}
		case AlertEvent:
			if e.Alert.Kind == f1.AlertWheelSpin || e.Alert.Kind == f1.AlertGearAnomaly {
				t.Fatalf("clean race raised %+v", e.Alert)
			}
		case TelemetryEvent:
			x := e.Tel
			if x.RPM > 12500 {
				t.Fatalf("over-rev on a clean sample: %+v", x)
			}
			if x.Gear < 1 || x.SpeedKph < 30 {
				continue
			}
			d, _ := f1.DriverByCode(x.Driver)
			k := f1.TeamOf(d).KPerGear[x.Gear]
			if math.Abs(x.SpeedKph-x.RPM/1000*k) > 1e-6 {
				t.Fatalf("speed %.4f but rpm %.0f in gear %d gives %.4f: %+v", x.SpeedKph, x.RPM, x.Gear, x.RPM/1000*k, x)
			}
			checked++
		}
	}
	if checked < 100000 {
		t.Fatalf("only %d samples checked", checked)
	}
}

// TestInjectedFaultsAreFound: every injected wheel spin and gear anomaly is
// found by f1.Analyzer, and nothing else is.
func TestInjectedFaultsAreFound(t *testing.T) {
	rules := f1.DefaultRules()
	evs := runAll(t, Config{Circuit: circuit(t, "bahrain"), Laps: 25, Seed: 5, SpinPerLap: 0.1, AnomalyPerLap: 0.05, Rules: rules})
	an := f1.NewAnalyzer(rules)
	var found []f1.Event
	var truths []Truth
	var published []f1.Alert
	for _, e := range evs {
		switch e.Type {
		case TelemetryEvent:
			x := e.Tel
			an.Observe(&x, nil)
			found = an.Events(found)
		case TruthEvent:
			truths = append(truths, e.Truth)
		case AlertEvent:
			published = append(published, e.Alert)
		}
	}
	an.Flush()
	found = an.Events(found)

	overlaps := func(tr Truth, start, end int64) bool { return start <= tr.EndTs && end >= tr.StartTs }
	kinds := map[string]int{}
	for _, tr := range truths {
		if tr.Kind == f1.AlertBrakeTemp || tr.Kind == TruthPitStop {
			continue
		}
		kinds[tr.Kind+"/"+tr.Anomaly]++
		ok := false
		for _, ev := range found {
			if ev.Driver == tr.Driver && ev.Kind == tr.Kind && ev.Anomaly == tr.Anomaly && overlaps(tr, ev.StartTs, ev.EndTs) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("injected %+v not detected", tr)
		}
	}
	if kinds[f1.AlertWheelSpin+"/"] < 10 || kinds[f1.AlertGearAnomaly+"/"+f1.AnomalyGearMismatch] < 2 {
		t.Errorf("too few injections to judge: %v", kinds)
	}
	for _, ev := range found {
		ok := false
		for _, tr := range truths {
			if ev.Driver == tr.Driver && ev.Kind == tr.Kind && overlaps(tr, ev.StartTs, ev.EndTs) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("detected %s %s %s at %d-%d, which was not injected", ev.Driver, ev.Kind, ev.Anomaly, ev.StartTs, ev.EndTs)
		}
	}
	// The published alerts are the analyzer's: each spin or gear alert
	// starts inside an injected window.
	var spinAlerts int
	for _, a := range published {
		if a.Kind != f1.AlertWheelSpin && a.Kind != f1.AlertGearAnomaly {
			continue
		}
		spinAlerts++
		ok := false
		for _, tr := range truths {
			if a.Driver == tr.Driver && a.Kind == tr.Kind && a.Ts >= tr.StartTs && a.Ts <= tr.EndTs {
				ok = true
			}
		}
		if !ok {
			t.Errorf("published alert %+v matches no injection", a)
		}
	}
	if spinAlerts == 0 {
		t.Error("no spin or gear alerts were published")
	}
}

func TestRaceHasOvertakesPitStopsDRSAndHotBrakes(t *testing.T) {
	c := circuit(t, "monza")
	evs := runAll(t, Config{Circuit: c, Laps: 30, Seed: 9, HotBrakesPerRace: 0.5})
	tyres := map[string]map[string]bool{}
	var overtakes, drsOpen, hot600, hot800 int
	var hotTruth []Truth
	lastPos := map[string]int{}
	neutral := false
	for _, e := range evs {
		switch e.Type {
		case RaceControlEvent:
			switch {
			case e.RC.Type == f1.EventSafetyCar && strings.Contains(e.RC.Message, "DEPLOYED"),
				e.RC.Type == f1.EventVSC && strings.Contains(e.RC.Message, "DEPLOYED"):
				neutral = true
			case e.RC.Type == f1.EventVSC && strings.Contains(e.RC.Message, "ENDING"),
				e.RC.Type == f1.EventFlag && strings.Contains(e.RC.Message, "GREEN"):
				neutral = false
			}
		case PositionEvent:
			p := e.Pos
			if tyres[p.Driver] == nil {
				tyres[p.Driver] = map[string]bool{}
			}
			tyres[p.Driver][p.Tyre] = true
			if old, ok := lastPos[p.Driver]; ok && p.Position < old && p.Lap >= 2 && p.Status == f1.StatusRunning {
				overtakes++
			}
			lastPos[p.Driver] = p.Position
		case TelemetryEvent:
			x := e.Tel
			if f1.DRSOpen(x.DRS) {
				drsOpen++
				if in, _ := c.InDRSZone(x.DistanceM / c.LengthM); !in || x.Lap < 3 || neutral {
					t.Fatalf("DRS open outside a zone, before lap 3 or under a safety car: %+v", x)
				}
			}
			if x.BrakeTempC > 600 {
				hot600++
			}
			if x.BrakeTempC > 800 {
				hot800++
			}
			px, py := c.XY(x.DistanceM / c.LengthM)
			if math.Hypot(px-x.X, py-x.Y) > 1 {
				t.Fatalf("x/y %v,%v off the outline at %.1f m", x.X, x.Y, x.DistanceM)
			}
		case TruthEvent:
			if e.Truth.Kind == f1.AlertBrakeTemp {
				hotTruth = append(hotTruth, e.Truth)
			}
		case AlertEvent:
			if e.Alert.Kind == f1.AlertBrakeTemp {
				ok := false
				for _, h := range hotTruth {
					if h.Driver == e.Alert.Driver {
						ok = true
					}
				}
				if !ok && !pendingHot(evs, e.Alert) {
					t.Errorf("brake alert without a brake problem: %+v", e.Alert)
				}
			}
		}
	}
	changed := 0
	for _, set := range tyres {
		if len(set) >= 2 {
			changed++
		}
	}
	if changed < 15 {
		t.Errorf("only %d drivers changed compound", changed)
	}
	if overtakes < 5 {
		t.Errorf("only %d overtakes", overtakes)
	}
	if drsOpen == 0 || hot600 == 0 || hot800 == 0 {
		t.Errorf("DRS open samples %d, brakes above 600 °C %d, above 800 °C %d", drsOpen, hot600, hot800)
	}
}

// pendingHot reports whether a later truth explains a brake alert.
func pendingHot(evs []record, a f1.Alert) bool {
	for _, e := range evs {
		if e.Type == TruthEvent && e.Truth.Kind == f1.AlertBrakeTemp && e.Truth.Driver == a.Driver &&
			a.Ts >= e.Truth.StartTs && a.Ts <= e.Truth.EndTs+60_000 {
			return true
		}
	}
	return false
}

func TestLapTimesFollowTheModel(t *testing.T) {
	c := circuit(t, "silverstone")
	evs := runAll(t, Config{Circuit: c, Seed: 2, NoIncidents: true})
	var sum float64
	var n int
	for _, e := range evs {
		p := e.Pos
		if e.Type != PositionEvent || p.Lap < 2 || p.Status != f1.StatusRunning || p.LastLapS == 0 || p.Lap == p.PitStops {
			continue
		}
		if p.LastLapS < c.TypicalLapS*0.9 || p.LastLapS > c.TypicalLapS*1.35 {
			t.Errorf("lap %d of %s: %.3f s", p.Lap, p.Driver, p.LastLapS)
		}
		sum += p.LastLapS
		n++
	}
	if avg := sum / float64(n); math.Abs(avg-c.TypicalLapS)/c.TypicalLapS > 0.04 {
		t.Errorf("average green lap %.2f s, typical %.2f s", avg, c.TypicalLapS)
	}
}

func TestConfigErrors(t *testing.T) {
	c := circuit(t, "monza")
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no circuit"},
		{Config{Circuit: c, Laps: -1}, "laps"},
		{Config{Circuit: c, RateHz: 1000}, "rate"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error %v, want %q", tc.cfg.Laps, err, tc.want)
		}
	}
}

func TestStatusAndAbort(t *testing.T) {
	s, err := New(Config{Circuit: circuit(t, "monaco"), Laps: 3, Seed: 1, Drivers: []f1.Driver{mustDriver(t, "VER"), mustDriver(t, "HAM")}})
	if err != nil {
		t.Fatal(err)
	}
	var lastTs int64
	for i := 0; i < 2000; i++ {
		ev, ok := s.Next()
		if !ok {
			t.Fatal("race over too soon")
		}
		lastTs = ev.Ts
	}
	st := s.Status()
	if st.Lap < 1 || st.TotalLaps != 3 || (st.Leader != "VER" && st.Leader != "HAM") || st.Finished || st.VirtualMs <= 0 {
		t.Fatalf("status %+v", st)
	}
	ab := s.Aborted(lastTs, "stopped by user")
	if ab.Type != f1.EventAborted || ab.TotalLaps != 3 || !strings.Contains(ab.Message, "stopped by user") {
		t.Fatalf("aborted record %+v", ab)
	}
}

func mustDriver(t *testing.T, code string) f1.Driver {
	d, ok := f1.DriverByCode(code)
	if !ok {
		t.Fatalf("no driver %s", code)
	}
	return d
}
