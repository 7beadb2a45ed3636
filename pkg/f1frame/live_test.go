package f1frame

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// steady is a clean sample of driver at ts: 5th gear, full throttle, no slip.
func steady(driver string, ts int64) f1.Telemetry {
	d, _ := f1.DriverByCode(driver)
	tm := f1.TeamOf(d)
	return f1.Telemetry{Ts: ts, RaceID: "r1", Driver: driver, Team: tm.Name, Gear: 5, RPM: 11000,
		SpeedKph: 11 * tm.KPerGear[5], ThrottlePct: 100}
}

// liveTimes reads a Live labels frame's keys and times.
func liveTimes(t *testing.T, f *data.Frame) ([]string, []int64) {
	t.Helper()
	if f.Fields[0].Name != "labels" || f.Fields[1].Name != "time" {
		t.Fatalf("not the Live labels layout: %s, %s", f.Fields[0].Name, f.Fields[1].Name)
	}
	var keys []string
	var ts []int64
	for i := 0; i < f.Rows(); i++ {
		keys = append(keys, f.Fields[0].At(i).(string))
		ts = append(ts, f.Fields[1].At(i).(time.Time).UnixMilli())
	}
	return keys, ts
}

// A lagging partition: HAM's samples come in late. Pushes wait for HAM
// while he is within the allowance, so every push is in time order and
// nothing is lost; once he is further behind, the others go on without him
// and his old samples are counted late.
func TestLiveWatermarkKeepsPushesInTimeOrder(t *testing.T) {
	b := mustNew(t, WheelSpin, Options{Live: true, LateAllowanceMs: 1000, MaxPointsPerFlush: 100})
	add := func(driver string, from, to int64) {
		for ts := from; ts <= to; ts += 250 {
			s := steady(driver, ts)
			b.AddTelemetry(&s)
		}
	}
	var last int64
	pushed := 0
	push := func() int {
		f, ok := b.Flush()
		if !ok {
			return 0
		}
		_, ts := liveTimes(t, f)
		for _, x := range ts {
			if x < last {
				t.Fatalf("push went back in time: %d after %d", x, last)
			}
			last = x
		}
		pushed += len(ts)
		return len(ts)
	}
	add("VER", 1000, 3000)
	add("HAM", 1000, 2500) // 500 ms behind: waited for
	push()
	if last > 2500 {
		t.Fatalf("pushed up to %d while HAM was at 2500", last)
	}
	add("HAM", 2750, 3000)
	push()
	if last != 3000 {
		t.Fatalf("after HAM caught up, pushed up to %d, want 3000", last)
	}
	// HAM stalls; VER runs 5 s ahead: VER is pushed without waiting.
	add("VER", 3250, 8000)
	push()
	if last != 8000 {
		t.Fatalf("VER held back by a stalled HAM: pushed up to %d", last)
	}
	// HAM's stale samples now arrive: not drawn, counted late.
	add("HAM", 3250, 4000)
	if n := push(); n != 0 {
		t.Fatalf("pushed %d stale HAM samples", n)
	}
	if st := b.Stats(); st.Late != 4 {
		t.Errorf("late = %d, want 4 (HAM 3250–4000)", st.Late)
	}
	// Detection still ran on every record.
	if st := b.Stats(); st.Records != int64(9+7+2+20+4) {
		t.Errorf("records = %d", st.Records)
	}
	if pushed == 0 {
		t.Fatal("nothing pushed")
	}
}

func TestLiveFlushThinsAndKeepsPeaks(t *testing.T) {
	b := mustNew(t, WheelSpin, Options{Live: true, MaxPointsPerFlush: 4})
	for i := int64(0); i < 40; i++ {
		s := steady("VER", 1000+i*250)
		if i == 20 || i == 21 {
			s.SpeedKph *= 0.8 // a 20 % spin
		}
		b.AddTelemetry(&s)
	}
	f, ok := b.Flush()
	if !ok {
		t.Fatal("nothing pushed")
	}
	if f.Rows() > 4 {
		t.Fatalf("pushed %d rows for one driver, cap 4", f.Rows())
	}
	peak := 0.0
	for i := 0; i < f.Rows(); i++ {
		peak = max(peak, f.Fields[2].At(i).(float64))
	}
	if peak < 19 {
		t.Errorf("the spin peak was thinned away: max pushed slip %.2f", peak)
	}
	if st := b.Stats(); st.Decimated == 0 {
		t.Error("no points counted as decimated")
	}
	// The threshold line rides on the field config of every push.
	th := f.Fields[2].Config.Thresholds
	if th == nil || len(th.Steps) != 2 || float64(th.Steps[1].Value) != 8 {
		t.Errorf("slip_pct thresholds = %+v, want a step at 8", th)
	}
}

// A replay of an older race after a newer one starts a new timeline rather
// than calling every sample late.
func TestLiveNewTimeline(t *testing.T) {
	b := mustNew(t, AverageSpeed, Options{Live: true})
	s := steady("VER", t0+3_600_000)
	b.AddTelemetry(&s)
	if _, ok := b.Flush(); !ok {
		t.Fatal("first push missing")
	}
	old := steady("VER", t0)
	old.RaceID = "r0"
	b.AddTelemetry(&old)
	f, ok := b.Flush()
	if !ok || f.Rows() != 1 {
		t.Fatalf("the older race's sample was not pushed (ok %v)", ok)
	}
	if st := b.Stats(); st.Late != 0 {
		t.Errorf("late = %d after a timeline change", st.Late)
	}
	keys, _ := liveTimes(t, f)
	if keys[0] != "driver=VER,race_id=r0" {
		t.Errorf("labels %q", keys[0])
	}
}

// Snapshot kinds push only on change, and say so in meta.custom.snapshot.
func TestLiveSnapshotOnlyOnChange(t *testing.T) {
	b := mustNew(t, Leaderboard, Options{Live: true})
	if _, ok := b.Flush(); !ok {
		t.Fatal("the empty board is not pushed first")
	}
	if _, ok := b.Flush(); ok {
		t.Fatal("pushed an unchanged board")
	}
	p := &f1.Position{Ts: t0, RaceID: "r1", Driver: "VER", Position: 1, Lap: 1, Tyre: f1.TyreSoft, Status: f1.StatusRunning}
	b.AddPosition(p)
	f, ok := b.Flush()
	if !ok {
		t.Fatal("a new position was not pushed")
	}
	custom, _ := f.Meta.Custom.(map[string]any)
	if custom["snapshot"] != true {
		t.Errorf("meta.custom = %v, want snapshot: true", f.Meta.Custom)
	}
	b.AddPosition(p) // the same record again
	if _, ok := b.Flush(); ok {
		t.Error("re-applying the same record pushed a snapshot")
	}
	// DRS opening is a change; a sample that changes nothing is not.
	s := steady("VER", t0+100)
	b.AddTelemetry(&s)
	b.Flush()
	s.Ts += 250
	s.DRS = 12
	b.AddTelemetry(&s)
	f, ok = b.Flush()
	if !ok || !field(t, f, "drs_open").At(0).(bool) {
		t.Error("DRS opening was not pushed")
	}
}
