package f1

import (
	"reflect"
	"testing"
)

func kinds(alerts []Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.Kind+"/"+a.Severity)
	}
	return out
}

func TestOverspeedTransitions(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	speeds := []struct {
		ts int64
		v  float64
	}{
		{0, 290}, {250, 305}, {500, 310}, // enters: 1 alert
		{750, 295}, {1000, 305}, // 295 is within the 10 km/h hysteresis: no re-arm
		{1250, 280}, {1500, 303}, // re-armed but within the 5 s cooldown: suppressed
		{6000, 280}, {7000, 301}, // re-armed, cooled down: alert
	}
	for _, s := range speeds {
		x := Telemetry{Ts: s.ts, RaceID: "r", Driver: "HAM", SpeedKph: s.v}
		_, alerts = a.Observe(&x, alerts)
	}
	if len(alerts) != 2 || alerts[0].Ts != 250 || alerts[1].Ts != 7000 || alerts[1].Value != 301 {
		t.Fatalf("alerts = %+v, want overspeed at 250 and 7000", alerts)
	}
	if alerts[0].Message != "HAM overspeed: 305 km/h (limit 300)" || alerts[0].Severity != SeverityMedium {
		t.Fatalf("alert = %+v", alerts[0])
	}
	if a.SuppressedAlerts() != 1 {
		t.Fatalf("suppressed = %d, want 1", a.SuppressedAlerts())
	}
	// A settable threshold: 320 km/h never fires on these speeds.
	r := DefaultRules()
	r.OverspeedKph = 320
	b := NewAnalyzer(r)
	var none []Alert
	for _, s := range speeds {
		x := Telemetry{Ts: s.ts, RaceID: "r", Driver: "HAM", SpeedKph: s.v}
		_, none = b.Observe(&x, none)
	}
	if len(none) != 0 {
		t.Fatalf("threshold 320: alerts %+v", none)
	}
}

func TestDRSAlerts(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	for i, code := range []int{0, 8, 12, 12, 14, 8, 1, 0, 10, 10} {
		x := Telemetry{Ts: int64(i) * 100, RaceID: "r", Driver: "NOR", DRS: code}
		_, alerts = a.Observe(&x, alerts)
	}
	var got []string
	for _, al := range alerts {
		if al.Kind != AlertDRS || al.Severity != SeverityLow {
			t.Fatalf("alert %+v, want low DRS", al)
		}
		got = append(got, al.Message)
	}
	want := []string{"NOR DRS opened", "NOR DRS closed", "NOR DRS opened"}
	if !reflect.DeepEqual(got, want) || alerts[0].Ts != 200 || alerts[1].Ts != 500 || alerts[2].Ts != 800 {
		t.Fatalf("DRS alerts = %v at %+v, want %v at 200, 500, 800", got, alerts, want)
	}
	if !DRSOpen(10) || !DRSOpen(12) || !DRSOpen(14) || DRSOpen(0) || DRSOpen(1) || DRSOpen(8) {
		t.Fatal("DRSOpen codes wrong")
	}
}

func TestBrakeTempAlerts(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	temps := []struct {
		ts int64
		c  float64
	}{
		{0, 0},      // no sensor
		{1000, 550}, // fine
		{2000, 610}, // medium
		{3000, 650},
		{9000, 820},  // high
		{10000, 790}, // still high band (hysteresis 25)
		{11000, 810}, // no new alert
		{12000, 570}, // back under 575: level 0
		{20000, 620}, // medium again
	}
	for _, s := range temps {
		x := Telemetry{Ts: s.ts, RaceID: "r", Driver: "LEC", BrakeTempC: s.c}
		_, alerts = a.Observe(&x, alerts)
	}
	if got, want := kinds(alerts), []string{"brake_temp/medium", "brake_temp/high", "brake_temp/medium"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	if alerts[0].Ts != 2000 || alerts[1].Ts != 9000 || alerts[2].Ts != 20000 {
		t.Fatalf("alert times %+v", alerts)
	}
	if alerts[1].Message != "LEC brake temperature 820 °C (above 800 °C)" {
		t.Fatalf("message %q", alerts[1].Message)
	}
}

// TestRaceChangeResets: a new race id starts the driver over (DRS state,
// calibration, runs), and an open spin of the old race becomes an event.
func TestRaceChangeResets(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	seq := []Telemetry{clean(0, 3, 10000, 100), clean(250, 3, 10000, 100),
		sample(500, 3, 10000, 110, 100), sample(750, 3, 10000, 110, 100)}
	for i := range seq {
		_, alerts = a.Observe(&seq[i], alerts)
	}
	next := clean(1000, 3, 10000, 100)
	next.RaceID = "r2"
	d, alerts := a.Observe(&next, alerts)
	if d.SlipValid {
		t.Fatal("first sample of a new race must start over (no previous gear)")
	}
	ev := a.Events(nil)
	if len(ev) != 1 || ev[0].RaceID != "r1" || ev[0].EndTs != 750 {
		t.Fatalf("events = %+v, want the r1 spin closed at 750", ev)
	}
	if len(alerts) != 1 || alerts[0].RaceID != "r1" {
		t.Fatalf("alerts = %+v", alerts)
	}
}

func TestMergeAlerts(t *testing.T) {
	stored := []Alert{
		{Ts: 1000, RaceID: "r", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "stored"},
		{Ts: 2000, RaceID: "r", Driver: "VER", Kind: AlertDRS, Severity: SeverityLow, Value: 12, Message: "open"},
	}
	derived := []Alert{
		{Ts: 1500, RaceID: "r", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "dup"},
		{Ts: 2500, RaceID: "r", Driver: "VER", Kind: AlertDRS, Severity: SeverityLow, Value: 8, Message: "closed"},
		{Ts: 2600, RaceID: "r", Driver: "VER", Kind: AlertDRS, Severity: SeverityLow, Value: 14, Message: "dup open"},
		{Ts: 1000, RaceID: "r", Driver: "HAM", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "ham"},
		{Ts: 9000, RaceID: "r", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "later"},
		{Ts: 9100, RaceID: "r", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "dup later"},
		{Ts: 1200, RaceID: "other", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityMedium, Message: "other race"},
		{Ts: 1100, RaceID: "r", Driver: "VER", Kind: AlertOverspeed, Severity: SeverityHigh, Message: "other severity"},
	}
	got := MergeAlerts(stored, derived, 2000)
	var msgs []string
	for _, a := range got {
		msgs = append(msgs, a.Message)
	}
	want := []string{"stored", "ham", "other severity", "other race", "open", "closed", "later"}
	if !reflect.DeepEqual(msgs, want) {
		t.Fatalf("merged = %v, want %v", msgs, want)
	}
	if len(stored) != 2 || stored[0].Message != "stored" || derived[0].Message != "dup" {
		t.Fatal("inputs modified")
	}
	if got := MergeAlerts(nil, nil, 2000); len(got) != 0 {
		t.Fatalf("empty merge = %v", got)
	}
}

// TestObserveNoAllocs: a known driver, no alert raised, no allocation.
func TestObserveNoAllocs(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	out := make([]Alert, 0, 8)
	ts := int64(0)
	s := clean(0, 4, 10000, 100)
	a.Observe(&s, out)
	allocs := testing.AllocsPerRun(1000, func() {
		ts += 250
		s.Ts = ts
		_, out = a.Observe(&s, out[:0])
	})
	if allocs != 0 {
		t.Fatalf("Observe allocates %.1f times per sample in steady state", allocs)
	}
}

func TestRulesValidate(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	r := DefaultRules()
	r.BrakeTempHighC = 500
	if err := r.Validate(); err == nil {
		t.Fatal("high < medium brake temperature accepted")
	}
	r = DefaultRules()
	r.CalibWindow = 100
	if err := r.Validate(); err == nil {
		t.Fatal("CalibWindow 100 accepted")
	}
	// A zero Rules works as the defaults.
	if got := (Rules{}).sanitized(); got != DefaultRules() {
		t.Fatalf("zero rules sanitized to %+v", got)
	}
}

// TestBrakeEscalationPassesCooldown: a high brake alert seconds after a
// medium one is an escalation, so the kind's cooldown must not swallow it.
func TestBrakeEscalationPassesCooldown(t *testing.T) {
	a := NewAnalyzer(DefaultRules())
	var alerts []Alert
	for _, s := range []struct {
		ts int64
		c  float64
	}{{1000, 610}, {2000, 700}, {3000, 850}, {3500, 900}} {
		x := Telemetry{Ts: s.ts, RaceID: "r", Driver: "VER", BrakeTempC: s.c}
		_, alerts = a.Observe(&x, alerts)
	}
	if got, want := kinds(alerts), []string{"brake_temp/medium", "brake_temp/high"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	if alerts[1].Ts != 3000 {
		t.Fatalf("high alert at %d, want 3000", alerts[1].Ts)
	}
}

// SameAlert is the one duplicate rule of MergeAlerts and the live alerts.
func TestSameAlert(t *testing.T) {
	base := Alert{Ts: 1000, RaceID: "r1", Driver: "VER", Severity: SeverityHigh, Kind: AlertOverspeed, Value: 330}
	for name, tc := range map[string]struct {
		change func(a *Alert)
		same   bool
	}{
		"identical":           {func(a *Alert) {}, true},
		"within the window":   {func(a *Alert) { a.Ts += 500 }, true},
		"outside the window":  {func(a *Alert) { a.Ts += 501 }, false},
		"other driver":        {func(a *Alert) { a.Driver = "LEC" }, false},
		"other kind":          {func(a *Alert) { a.Kind = AlertBrakeTemp }, false},
		"other severity":      {func(a *Alert) { a.Severity = SeverityLow }, false},
		"other race":          {func(a *Alert) { a.RaceID = "r2" }, false},
		"no race id":          {func(a *Alert) { a.RaceID = "" }, true},
		"other value":         {func(a *Alert) { a.Value = 345 }, true},
		"DRS opening/closing": {func(a *Alert) { a.Kind, a.Value = AlertDRS, 12 }, false},
	} {
		y := base
		tc.change(&y)
		x := base
		if name == "DRS opening/closing" {
			x.Kind, x.Value = AlertDRS, 8
		}
		if got := SameAlert(&x, &y, 500); got != tc.same || SameAlert(&y, &x, 500) != tc.same {
			t.Errorf("%s: SameAlert = %v, want %v", name, got, tc.same)
		}
	}
}
