package f1frame

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func TestNewRejectsWhatCannotWork(t *testing.T) {
	bad := f1.DefaultRules()
	bad.SpinMinSamples = -1
	for _, c := range []struct {
		name string
		kind QueryType
		opts Options
		want string
	}{
		{"unknown kind", "lapChart", Options{}, `unknown query type "lapChart"`},
		{"view of another kind", Leaderboard, Options{View: ViewDistribution}, `no view "distribution"`},
		{"streamed annotations", Alerts, Options{View: ViewAnnotations, Live: true}, "not streamed"},
		{"negative threshold", WheelSpin, Options{SpinThresholdPct: -3}, "cannot be negative"},
		{"broken rules", WheelSpin, Options{Rules: bad}, "rules:"},
	} {
		_, err := New(c.kind, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if _, err := ParseQueryType("wheelSpin"); err != nil {
		t.Error(err)
	}
	if _, err := ParseQueryType("raw"); err == nil {
		t.Error("raw is not an F1 frame kind")
	}
}

func TestTopicsPerKind(t *testing.T) {
	want := map[QueryType][]string{
		WheelSpin:     {f1.TopicTelemetry},
		GearAnomalies: {f1.TopicTelemetry},
		Alerts:        {f1.TopicAlerts, f1.TopicTelemetry},
		Leaderboard:   {f1.TopicPositions, f1.TopicTelemetry, f1.TopicRaceControl},
		AverageSpeed:  {f1.TopicTelemetry},
		RaceControl:   {f1.TopicRaceControl},
	}
	for k, w := range want {
		if got := k.Topics(); !slices.Equal(got, w) {
			t.Errorf("%s topics %v, want %v", k, got, w)
		}
	}
}

func TestAddCountsAndRejects(t *testing.T) {
	b := mustNew(t, RaceControl, Options{})
	s := steady("VER", t0)
	b.AddTelemetry(&s)
	if err := b.Add(f1.RaceControl{Ts: t0, Type: f1.EventLightsOut}); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("LAP 3"); err == nil || !strings.Contains(err.Error(), "string") {
		t.Errorf("a string record: err = %v", err)
	}
	b.AddRaceControl(&f1.RaceControl{Type: f1.EventLap}) // no time
	st := b.Stats()
	if st.Records != 3 || st.Ignored != 1 || st.Invalid != 1 {
		t.Errorf("stats %+v, want 3 records, 1 ignored, 1 invalid", st)
	}
}

// The driver filter: case-insensitive, "all" means all; race control keeps
// race-wide events and drops other drivers' own.
func TestDriverFilter(t *testing.T) {
	f := newDriverFilter([]string{" ver", "Lec"})
	if !f.has("VER") || !f.has("LEC") || f.has("HAM") || !f.has("ver") {
		t.Errorf("filter %+v", f)
	}
	if all := newDriverFilter([]string{"VER", "All"}); !all.has("HAM") {
		t.Error(`"All" does not mean all`)
	}
	b := mustNew(t, RaceControl, Options{Drivers: []string{"VER"}})
	for _, rc := range []f1.RaceControl{
		{Ts: t0, Type: f1.EventPit, Driver: "HAM"},
		{Ts: t0 + 1, Type: f1.EventPit, Driver: "VER"},
		{Ts: t0 + 2, Type: f1.EventLap, Driver: "HAM", Lap: 3},
		{Ts: t0 + 3, Type: f1.EventFlag, Message: "RED FLAG"},
	} {
		b.AddRaceControl(&rc)
	}
	fr := b.Frames()[0]
	if fr.Rows() != 3 || b.Stats().Filtered != 1 {
		t.Errorf("kept %d events (filtered %d), want 3 and 1", fr.Rows(), b.Stats().Filtered)
	}
	if lvl := field(t, fr, "severity").At(2); lvl != levelError {
		t.Errorf("red flag log level %v", lvl)
	}
}

// Live alerts: one copy of each alert, whichever of the derived and the
// stored copy comes first; the topic's own repeats stay; a DRS opening is
// not a duplicate of a closing.
func TestLiveAlertDedup(t *testing.T) {
	b := mustNew(t, Alerts, Options{Live: true})
	over := func(ts int64) f1.Telemetry {
		s := steady("VER", ts)
		s.Gear, s.RPM, s.SpeedKph = 8, 11500, 320
		return s
	}
	stored := f1.Alert{Ts: t0 + 500, RaceID: "r1", Driver: "VER", Severity: f1.SeverityMedium, Kind: f1.AlertOverspeed, Value: 320, Message: "VER overspeed"}
	// Derived first (from telemetry), then the stored copy: dropped.
	s := over(t0)
	b.AddTelemetry(&s)
	b.AddAlert(&stored)
	// A stored alert first, then a derived copy: the derived one dropped.
	bt := f1.Alert{Ts: t0 + 600, RaceID: "r1", Driver: "VER", Severity: f1.SeverityMedium, Kind: f1.AlertBrakeTemp, Value: 640}
	b.AddAlert(&bt)
	hot := over(t0 + 700)
	hot.BrakeTempC = 640
	b.AddTelemetry(&hot)
	// The topic repeating itself is kept.
	bt2 := bt
	bt2.Ts += 100
	b.AddAlert(&bt2)
	// DRS open then closed within the window: two alerts.
	drs := over(t0 + 900)
	drs.DRS = 12
	b.AddTelemetry(&drs)
	drs.Ts, drs.DRS = t0+1100, 0
	b.AddTelemetry(&drs)

	f, ok := b.Flush()
	if !ok {
		t.Fatal("no alerts pushed")
	}
	var got []string
	for i := 0; i < f.Rows(); i++ {
		got = append(got, field(t, f, "kind").At(i).(string)+"/"+field(t, f, "source").At(i).(string))
	}
	want := []string{"overspeed/derived", "brake_temp/topic", "brake_temp/topic", "drs/derived", "drs/derived"}
	if !slices.Equal(got, want) {
		t.Errorf("pushed %v, want %v", got, want)
	}
}

// Range alerts: f1.MergeAlerts, and timeEnd from the event of a spin that
// lasted (a second or more): a fleeting one is an instant, so that alert
// annotations draw regions only for what lasts.
func TestAlertsRangeMergeAndTimeEnd(t *testing.T) {
	b := mustNew(t, Alerts, Options{})
	feed(b, interleave(
		synthLap{driver: "VER", race: "monza-7", spinAt: 8, spinLen: 8, overRevAt: 20, skipUpshift: true}.samples(), // 2 s
		synthLap{driver: "LEC", race: "monza-7", offsetMs: 100, spinAt: 8}.samples(),                                // 0.75 s
	), nil)
	for _, a := range storedAlerts() {
		b.AddAlert(a)
	}
	f := b.Frames()[0]
	over := 0
	spinEnd := map[string]bool{}
	for i := 0; i < f.Rows(); i++ {
		kind, drv := field(t, f, "kind").At(i).(string), field(t, f, "driver").At(i).(string)
		if kind == f1.AlertOverspeed && drv == "VER" {
			over++
		}
		if kind == f1.AlertWheelSpin {
			end, ok := field(t, f, "timeEnd").ConcreteAt(i)
			spinEnd[drv] = ok && end != nil
		}
	}
	if over != 1 {
		t.Errorf("VER overspeed appears %d times, want 1 (stored and derived merged)", over)
	}
	if got, want := spinEnd, map[string]bool{"VER": true, "LEC": false}; !maps.Equal(got, want) {
		t.Errorf("wheel spins with a timeEnd: %v, want %v (a region for the 2 s spin only)", got, want)
	}
}

// MinSeverity keeps only alerts of that severity or higher, in range reads
// and annotations as in Live pushes.
func TestAlertsMinSeverity(t *testing.T) {
	sevs := func(f *data.Frame, name string) map[string]int {
		out := map[string]int{}
		for i := 0; i < f.Rows(); i++ {
			out[field(t, f, name).At(i).(string)]++
		}
		return out
	}
	all := mustNew(t, Alerts, Options{})
	high := mustNew(t, Alerts, Options{MinSeverity: f1.SeverityHigh})
	medium := mustNew(t, Alerts, Options{MinSeverity: f1.SeverityMedium, View: ViewAnnotations})
	for _, b := range []*Builder{all, high, medium} {
		feed(b, synthRace(), nil)
		for _, a := range storedAlerts() {
			b.AddAlert(a)
		}
	}
	every := sevs(all.Frames()[0], "alert_severity")
	if every[f1.SeverityLow] == 0 || every[f1.SeverityMedium] == 0 || every[f1.SeverityHigh] == 0 {
		t.Fatalf("the test race needs alerts of every severity: %v", every)
	}
	if got := sevs(high.Frames()[0], "alert_severity"); len(got) != 1 || got[f1.SeverityHigh] != every[f1.SeverityHigh] {
		t.Errorf("minSeverity high kept %v of %v", got, every)
	}
	tags := map[string]int{}
	anno := medium.Frames()[0]
	for i := 0; i < anno.Rows(); i++ {
		var tg []string
		_ = json.Unmarshal(field(t, anno, "tags").At(i).(json.RawMessage), &tg)
		tags[tg[2]]++
	}
	if tags[f1.SeverityLow] != 0 || tags[f1.SeverityMedium] != every[f1.SeverityMedium] || tags[f1.SeverityHigh] != every[f1.SeverityHigh] {
		t.Errorf("medium annotations by severity %v; all alerts %v", tags, every)
	}

	live := mustNew(t, Alerts, Options{Live: true, MinSeverity: f1.SeverityHigh})
	feed(live, synthRace(), nil)
	for _, a := range storedAlerts() {
		live.AddAlert(a)
	}
	// The first frame of a stream holds what came so far.
	if got := sevs(live.Frames()[0], "alert_severity"); len(got) != 1 || got[f1.SeverityHigh] == 0 {
		t.Errorf("Live minSeverity high pushed %v", got)
	}

	if _, err := New(Alerts, Options{MinSeverity: "urgent"}); err == nil || !strings.Contains(err.Error(), `minSeverity "urgent" is not low, medium or high`) {
		t.Errorf("a bad minSeverity: %v", err)
	}
}

// The leaderboard names its circuit from the race id, shows laps down from
// the gap, and filters rows but not the race.
func TestLeaderboardDetails(t *testing.T) {
	b := mustNew(t, Leaderboard, Options{Drivers: []string{"SAR"}})
	b.AddPosition(&f1.Position{Ts: t0, RaceID: "spa-3", Driver: "VER", Position: 1, Lap: 10, LastLapS: 106})
	b.AddPosition(&f1.Position{Ts: t0 + 10, RaceID: "spa-3", Driver: "SAR", Position: 20, Lap: 9, GapToLeaderS: 130})
	f := b.Frames()[0]
	if f.Rows() != 1 || field(t, f, "driver").At(0) != "SAR" {
		t.Fatalf("filtered board has %d rows", f.Rows())
	}
	if c := field(t, f, "circuit").At(0); c != "spa" {
		t.Errorf("circuit %v, want spa", c)
	}
	if ld := field(t, f, "laps_down").At(0); ld != int64(1) {
		t.Errorf("laps_down %v, want 1 (130 s behind on 106 s laps)", ld)
	}
	if rl := field(t, f, "race_lap").At(0); rl != int64(10) {
		t.Errorf("race_lap %v, want the leader's 10", rl)
	}
}

func TestSetParams(t *testing.T) {
	var o Options
	err := o.SetParams(map[string]string{"view": "annotations", "spinThresholdPct": "12.5", "overspeedKph": "310", "circuit": "Spa", "other": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if o.View != ViewAnnotations || o.SpinThresholdPct != 12.5 || o.OverspeedKph != 310 || o.Circuit != "spa" {
		t.Errorf("options %+v", o)
	}
	if err := o.SetParams(map[string]string{"overspeedKph": "fast"}); err == nil || !strings.Contains(err.Error(), "overspeedKph") {
		t.Errorf("bad number: err = %v", err)
	}
	if _, err := New(WheelSpin, Options{View: "bogus"}); err == nil {
		t.Error("an unknown view from params was accepted")
	}
}

// A new race id starts new series: a range holding two races labels them
// with race_id, and the detectors start over.
func TestRaceIDChangeStartsOver(t *testing.T) {
	b := mustNew(t, WheelSpin, Options{})
	first := synthLap{driver: "VER", race: "monza-7"}.samples()
	second := synthLap{driver: "VER", race: "monza-8", offsetMs: 3_600_000}.samples()
	feed(b, append(first, second...), nil)
	fs := b.Frames()
	if len(fs) != 2 {
		t.Fatalf("%d frames for one driver in two races, want 2", len(fs))
	}
	for i, race := range []string{"monza-7", "monza-8"} {
		f := fs[i].Fields[1]
		if f.Labels["race_id"] != race || f.Config.DisplayNameFromDS != "VER "+race {
			t.Errorf("frame %d: labels %v display %q", i, f.Labels, f.Config.DisplayNameFromDS)
		}
	}
	one := mustNew(t, WheelSpin, Options{})
	feed(one, first, nil)
	if l := one.Frames()[0].Fields[1].Labels; len(l) != 1 || l["driver"] != "VER" {
		t.Errorf("single race labels %v, want only driver", l)
	}
}
