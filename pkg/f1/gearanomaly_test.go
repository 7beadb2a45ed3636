package f1

import (
	"testing"
)

// observeAll feeds samples to a as given and returns alerts and events.
func observeAll(a *Analyzer, in []Telemetry) ([]Alert, []Event, []Derived) {
	var alerts []Alert
	var ds []Derived
	for i := range in {
		var d Derived
		d, alerts = a.Observe(&in[i], alerts)
		ds = append(ds, d)
	}
	a.Flush()
	return alerts, a.Events(nil), ds
}

func TestOverRev(t *testing.T) {
	in := []Telemetry{
		clean(0, 6, 12000, 100), clean(250, 6, 12600, 100), clean(500, 6, 12800, 100),
		clean(750, 6, 12400, 100),
	}
	alerts, events, ds := observeAll(NewAnalyzer(DefaultRules()), in)
	if len(alerts) != 1 || alerts[0].Kind != AlertGearAnomaly || alerts[0].Severity != SeverityHigh ||
		alerts[0].Ts != 250 || alerts[0].Value != 12600 {
		t.Fatalf("alerts = %+v, want one high over-rev at 250 (value 12600 at onset)", alerts)
	}
	if len(events) != 1 {
		t.Fatalf("events = %+v, want 1", events)
	}
	e := events[0]
	if e.Anomaly != AnomalyOverRev || e.StartTs != 250 || e.EndTs != 500 || e.Peak != 12800 || e.Samples != 2 {
		t.Fatalf("event = %+v, want over-rev 250–500 peaking at 12800", e)
	}
	if ds[1].Anomaly != AnomalyOverRev || ds[2].Anomaly != AnomalyOverRev || ds[3].Anomaly != "" {
		t.Fatalf("Derived.Anomaly = %q %q %q", ds[1].Anomaly, ds[2].Anomaly, ds[3].Anomaly)
	}
	if e.Title() != "VER over-rev" || e.Message() != "VER over-rev: 12800 rpm in gear 6 at 284 km/h" {
		t.Fatalf("title %q message %q", e.Title(), e.Message())
	}
}

func TestLugging(t *testing.T) {
	in := []Telemetry{
		clean(0, 5, 8000, 100),
		clean(250, 5, 6800, 95), clean(500, 5, 6500, 95), clean(750, 5, 6700, 95),
		clean(1000, 5, 7200, 95),
		// not lugging: part throttle, low gear, one sample only
		clean(1250, 5, 6500, 80), clean(1500, 5, 6500, 80),
		clean(1750, 2, 6500, 100), clean(2000, 2, 6500, 100),
		clean(2250, 3, 6500, 100), clean(2500, 3, 9000, 100),
	}
	alerts, events, _ := observeAll(NewAnalyzer(DefaultRules()), in)
	if len(alerts) != 1 || alerts[0].Ts != 250 || alerts[0].Severity != SeverityMedium {
		t.Fatalf("alerts = %+v, want one medium lugging alert at 250", alerts)
	}
	if len(events) != 1 || events[0].Anomaly != AnomalyLugging || events[0].StartTs != 250 ||
		events[0].EndTs != 750 || events[0].RPM != 6500 || events[0].Samples != 3 {
		t.Fatalf("events = %+v, want lugging 250–750 with lowest rpm 6500", events)
	}
}

func TestGearMismatch(t *testing.T) {
	// Reported gear 5, but speed/rpm are gear 6's for 1 s at full throttle.
	in := []Telemetry{clean(0, 5, 10000, 100), clean(250, 5, 10000, 100)}
	for ts := int64(500); ts <= 1500; ts += 250 {
		in = append(in, sample(ts, 5, 10000, 10*redBullK[6], 100))
	}
	in = append(in, clean(1750, 5, 10000, 100))
	alerts, events, _ := observeAll(NewAnalyzer(DefaultRules()), in)
	if len(alerts) != 1 || alerts[0].Ts != 500 || alerts[0].Value != 6 {
		t.Fatalf("alerts = %+v, want one mismatch alert at 500 implying gear 6", alerts)
	}
	want := "VER gear mismatch: gear 5 reported, but 222 km/h at 10000 rpm means gear 6"
	if len(events) != 1 || events[0].StartTs != 500 || events[0].EndTs != 1500 || events[0].OtherGear != 6 ||
		events[0].Message() != want {
		t.Fatalf("events = %+v, want mismatch 500–1500 (%q)", events, want)
	}
}

// TestGearMismatchLagIgnored: FastF1's gear channel lags the rpm at an
// upshift by a sample or two, and keeps the old gear for a few samples
// under braking while the driver downshifts. Neither is an anomaly.
func TestGearMismatchLagIgnored(t *testing.T) {
	in := []Telemetry{
		clean(0, 5, 11500, 100), clean(250, 5, 11700, 100),
		// rpm dropped to gear 6's, nGear still 5 for two samples (< 500 ms)
		sample(500, 5, 10300, 10.3*redBullK[6], 100), sample(750, 5, 10500, 10.5*redBullK[6], 100),
		clean(1000, 6, 10700, 100), clean(1250, 6, 10900, 100),
	}
	// braking in "gear 6" while rpm says 5, 4, then 3
	brk := []Telemetry{
		sample(1500, 6, 10000, 192, 0), sample(1750, 6, 10000, 175, 0), sample(2000, 6, 10200, 162, 0),
		sample(2250, 6, 10300, 136, 0), sample(2500, 3, 10000, 132, 0),
	}
	for i := range brk {
		brk[i].Brake = 100
	}
	in = append(in, brk...)
	alerts, events, _ := observeAll(NewAnalyzer(DefaultRules()), in)
	if len(alerts) != 0 || len(events) != 0 {
		t.Fatalf("gear-channel lag flagged: alerts %+v events %+v", alerts, events)
	}
}

func TestUpshiftSkip(t *testing.T) {
	in := []Telemetry{
		clean(0, 3, 11000, 100), clean(250, 5, 9000, 100), // 3 -> 5: skip
		clean(500, 6, 9500, 100),                           // 5 -> 6: normal
		clean(750, 3, 9000, 0),                             // 6 -> 3: downshift skip, normal at 4 Hz
		clean(1000, 2, 9000, 0), clean(3500, 4, 9000, 100), // 2 -> 4 after a 2.5 s gap: not judged
		clean(3750, 4, 9000, 100), clean(4000, 6, 9000, 100), // 4 -> 6 within 5 s of the first: cooled down
	}
	alerts, events, ds := observeAll(NewAnalyzer(DefaultRules()), in)
	if len(events) != 2 {
		t.Fatalf("events = %+v, want 2 upshift skips", events)
	}
	e := events[0]
	if e.Anomaly != AnomalyUpshiftSkip || e.StartTs != 0 || e.EndTs != 250 || e.OtherGear != 3 || e.Gear != 5 ||
		e.Severity != SeverityLow || e.Message() != "VER upshift skipped a gear: 3 to 5 at 173 km/h" {
		t.Fatalf("event = %+v (%q)", e, e.Message())
	}
	if events[1].StartTs != 3750 || events[1].OtherGear != 4 || events[1].Gear != 6 {
		t.Fatalf("second event = %+v, want 4 to 6 at 3750", events[1])
	}
	if len(alerts) != 1 || alerts[0].Ts != 0 {
		t.Fatalf("alerts = %+v, want one (the second is within the 5 s cooldown)", alerts)
	}
	if ds[1].Anomaly != AnomalyUpshiftSkip || ds[2].Anomaly != "" {
		t.Fatalf("Derived.Anomaly = %q, %q", ds[1].Anomaly, ds[2].Anomaly)
	}
}

func TestGearDistribution(t *testing.T) {
	var g GearDistribution
	steps := []struct {
		gear int
		ts   int64
	}{{3, 0}, {3, 250}, {4, 500}, {4, 1500}, {5, 1750}, {5, 5000}, {9, 5100}, {5, 5200}}
	for _, s := range steps {
		g.Add(s.gear, s.ts)
	}
	// 3: 0–500 (500); 4: 500–1750 (1250); 5: 1750–5000 is a 3.25 s gap (0)
	if g.TimeMs[3] != 500 || g.TimeMs[4] != 1250 || g.TimeMs[5] != 0 {
		t.Fatalf("time per gear = %v", g.TimeMs)
	}
	if g.Samples[3] != 2 || g.Samples[4] != 2 || g.Samples[5] != 3 || g.Invalid != 1 {
		t.Fatalf("samples per gear = %v invalid %d", g.Samples, g.Invalid)
	}
	sh := g.TimeShares()
	if sh[3] != 500.0/1750 || sh[4] != 1250.0/1750 {
		t.Fatalf("time shares = %v", sh)
	}
	ss := g.SampleShares()
	if ss[5] != 3.0/7 {
		t.Fatalf("sample shares = %v", ss)
	}
}
