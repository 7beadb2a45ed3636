package f1

import (
	"math"
	"testing"
)

// sample builds a Red Bull (VER) sample at ts ms.
func sample(ts int64, gear int, rpm, speed, throttle float64) Telemetry {
	return Telemetry{Ts: ts, RaceID: "r1", Driver: "VER", Team: "Red Bull Racing",
		Gear: gear, RPM: rpm, SpeedKph: speed, ThrottlePct: throttle}
}

// clean is a sample whose speed matches Red Bull's gear table exactly.
func clean(ts int64, gear int, rpm, throttle float64) Telemetry {
	return sample(ts, gear, rpm, rpm/1000*redBullK[gear], throttle)
}

func TestMedianWindow(t *testing.T) {
	var w medianWindow
	for i, c := range []struct{ v, want float64 }{
		{5, 5}, {1, 3}, {3, 3}, {9, 4}, {7, 5},
		// window of 5 is full: 5 leaves, then 1, then 3
		{2, 3}, {8, 7}, {4, 7},
	} {
		w.push(c.v, 5)
		if got := w.median(); got != c.want {
			t.Fatalf("step %d: push %v: median %v, want %v (sorted %v)", i, c.v, got, c.want, w.sorted[:w.n])
		}
	}
	if w.n != 5 {
		t.Fatalf("window holds %d values, want 5", w.n)
	}
	want := []float64{2, 4, 7, 8, 9}
	for i, v := range want {
		if w.sorted[i] != v {
			t.Fatalf("sorted window %v, want %v", w.sorted[:w.n], want)
		}
	}
}

func TestSlipExactValues(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	s0 := clean(0, 4, 10000, 100) // first sample: after a gap, not steady
	d, _ := a.Observe(&s0, nil)
	if d.SlipValid {
		t.Fatalf("first sample must not be valid (no previous gear): %+v", d)
	}
	s1 := sample(250, 4, 10000, 145.8, 100) // 16.2 × 10 = 162 expected; 10 % slow
	d, _ = a.Observe(&s1, nil)
	if !d.SlipValid || math.Abs(d.SlipPct-10) > 1e-9 || d.ExpectedKph != 162 || d.K != 16.2 {
		t.Fatalf("slip = %+v, want 10 %% of 162 km/h with k 16.2", d)
	}
	s2 := sample(500, 5, 10000, 192, 100) // gear change: skipped
	d, _ = a.Observe(&s2, nil)
	if d.SlipValid {
		t.Fatalf("sample right after a gear change must be skipped: %+v", d)
	}
	s3 := sample(750, 5, 10000, 192, 100)
	d, _ = a.Observe(&s3, nil)
	if !d.SlipValid || d.SlipPct != 0 {
		t.Fatalf("steady clean sample: %+v, want valid 0 %%", d)
	}
	s4 := sample(3750, 5, 10000, 192, 100) // 3 s gap > MaxGapMs
	d, _ = a.Observe(&s4, nil)
	if d.SlipValid {
		t.Fatalf("sample after a 3 s gap must be skipped: %+v", d)
	}
}

// TestSpinEvent checks one spin from onset to end: the alert at the second
// slipping sample with the first one's ts, then the event with both ends.
func TestSpinEvent(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	var spin []bool
	feed := func(s Telemetry) {
		var d Derived
		d, alerts = a.Observe(&s, alerts)
		spin = append(spin, d.Spin)
	}
	for i := int64(0); i < 4; i++ {
		feed(clean(i*250, 3, 10000, 100))
	}
	// 132.5 expected; 12 %, 15 %, 9 % slow
	feed(sample(1000, 3, 10000, 132.5*0.88, 100))
	feed(sample(1250, 3, 10000, 132.5*0.85, 100))
	feed(sample(1500, 3, 10000, 132.5*0.91, 100))
	feed(clean(1750, 3, 10000, 100))
	feed(clean(2000, 3, 10000, 100))

	wantSpin := []bool{false, false, false, false, false, true, true, false, false}
	for i := range wantSpin {
		if spin[i] != wantSpin[i] {
			t.Fatalf("Derived.Spin per sample = %v, want %v", spin, wantSpin)
		}
	}
	if len(alerts) != 1 {
		t.Fatalf("got %d alerts, want 1: %+v", len(alerts), alerts)
	}
	al := alerts[0]
	if al.Kind != AlertWheelSpin || al.Ts != 1000 || al.Driver != "VER" || al.RaceID != "r1" ||
		al.Severity != SeverityMedium || math.Abs(al.Value-15) > 1e-9 {
		t.Fatalf("alert = %+v, want wheel_spin at ts 1000, medium, value 15", al)
	}
	if al.Message != "VER wheel spin: 15.0 % slip in gear 3 at 113 km/h" {
		t.Fatalf("message = %q", al.Message)
	}
	ev := a.Events(nil)
	if len(ev) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(ev), ev)
	}
	e := ev[0]
	if e.Kind != AlertWheelSpin || e.StartTs != 1000 || e.EndTs != 1500 || e.Samples != 3 ||
		math.Abs(e.Peak-15) > 1e-9 || e.Gear != 3 || e.DurationMs() != 500 || e.RPM != 10000 {
		t.Fatalf("event = %+v, want 1000–1500, 3 samples, peak 15", e)
	}
	if e.Message() != al.Message || e.Title() != "VER wheel spin" || e.Alert() != al {
		t.Fatalf("event text %q / %q / %+v, want the onset alert's", e.Title(), e.Message(), e.Alert())
	}
	if got := a.Events(nil); len(got) != 0 {
		t.Fatalf("Events must forget what it returned; got %d again", len(got))
	}
}

func TestSpinNeedsPowerAndTwoSamples(t *testing.T) {
	cases := []struct {
		name     string
		throttle float64
		brake    float64
		slipping int
	}{
		{"part throttle", 70, 0, 4},
		{"brake on", 100, 100, 4},
		{"single sample", 100, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := NewAnalyzer(DefaultRules())
			var alerts []Alert
			ts := int64(0)
			for i := 0; i < 4; i++ {
				s := clean(ts, 4, 10000, 100)
				_, alerts = a.Observe(&s, alerts)
				ts += 250
			}
			for i := 0; i < c.slipping; i++ {
				// 12 % slow: spin territory, and not another gear's ratio
				// (a gear-4 car 20 % slow would read as gear 3 at part
				// throttle, a gear mismatch).
				s := sample(ts, 4, 10000, 162*0.88, c.throttle)
				s.Brake = c.brake
				_, alerts = a.Observe(&s, alerts)
				ts += 250
			}
			s := clean(ts, 4, 10000, 100)
			_, alerts = a.Observe(&s, alerts)
			a.Flush()
			if len(alerts) != 0 || len(a.Events(nil)) != 0 {
				t.Fatalf("want no spin, got alerts %+v", alerts)
			}
		})
	}
}

// TestSpinSeverityHigh: slip at twice the threshold or more is high.
func TestSpinSeverityHigh(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	for i, v := range []float64{132.5, 132.5, 132.5 * 0.8, 132.5 * 0.8} {
		s := sample(int64(i)*250, 3, 10000, v, 100)
		_, alerts = a.Observe(&s, alerts)
	}
	if len(alerts) != 1 || alerts[0].Severity != SeverityHigh {
		t.Fatalf("alerts = %+v, want one high wheel spin", alerts)
	}
}

// TestCalibrationPerTeam feeds a car whose real gearing is 3.5 % longer
// than its team's table: the calibration converges to it, so the car shows
// no spin even though the team default would read −3.5 % slip, and a
// 10 % spin is still found against the calibrated table.
func TestCalibrationPerTeam(t *testing.T) {
	ferrari, _ := TeamByName("Ferrari")
	trueK := ferrari.KPerGear[5] * 1.035
	a := NewAnalyzer(DefaultRules())
	ts := int64(0)
	var alerts []Alert
	var last Derived
	for i := 0; i < 40; i++ {
		rpm := 9000 + float64(i%10)*250
		s := Telemetry{Ts: ts, RaceID: "r1", Driver: "LEC", Team: "Ferrari", Gear: 5, RPM: rpm,
			SpeedKph: rpm / 1000 * trueK, ThrottlePct: 100}
		last, alerts = a.Observe(&s, alerts)
		ts += 250
	}
	c, ok := a.Calibration("LEC")
	if !ok {
		t.Fatal("no calibration for LEC")
	}
	if c.Default != ferrari.KPerGear {
		t.Fatalf("calibration started from %v, want Ferrari's %v", c.Default, ferrari.KPerGear)
	}
	if math.Abs(c.K[5]-trueK) > 1e-9 {
		t.Fatalf("k[5] = %.4f, want %.4f", c.K[5], trueK)
	}
	if c.K[4] != ferrari.KPerGear[4] {
		t.Fatalf("k[4] moved without samples: %v", c.K[4])
	}
	if math.Abs(last.SlipPct) > 1e-9 || len(alerts) != 0 {
		t.Fatalf("calibrated car shows slip %.3f %% and alerts %+v", last.SlipPct, alerts)
	}
	// 10 % spin against the calibrated table.
	for i := 0; i < 2; i++ {
		s := Telemetry{Ts: ts, RaceID: "r1", Driver: "LEC", Team: "Ferrari", Gear: 5, RPM: 10000,
			SpeedKph: 10 * trueK * 0.9, ThrottlePct: 100}
		last, alerts = a.Observe(&s, alerts)
		ts += 250
	}
	if len(alerts) != 1 || alerts[0].Kind != AlertWheelSpin || math.Abs(alerts[0].Value-10) > 1e-6 {
		t.Fatalf("alerts = %+v, want one 10 %% wheel spin", alerts)
	}
	// Spin samples are outside CalibMaxDriftPct: the table did not move.
	c, _ = a.Calibration("LEC")
	if math.Abs(c.K[5]-trueK) > 1e-9 {
		t.Fatalf("spin samples moved k[5] to %.4f", c.K[5])
	}
}

// TestCalibrationBounded: a car reporting a ratio 12 % off the table never
// drags its k there; a driver of an unknown team starts from the default.
func TestCalibrationBounded(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	for i := 0; i < 30; i++ {
		s := Telemetry{Ts: int64(i) * 250, RaceID: "r1", Driver: "XXX", Team: "Unknown GP", Gear: 6,
			RPM: 10000, SpeedKph: 10 * redBullK[6] * 1.12, ThrottlePct: 100}
		a.Observe(&s, nil)
	}
	c, _ := a.Calibration("XXX")
	if c.Default != DefaultKPerGear() || c.K != DefaultKPerGear() || c.Samples(6) != 0 {
		t.Fatalf("calibration = %+v, want the untouched default table", c)
	}
}
