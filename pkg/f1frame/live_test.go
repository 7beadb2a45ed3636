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

// A lagging partition: HAM's samples come in late. A push waits for HAM
// while he is within the allowance, but only for LiveHoldMs of wall time;
// then the others go out, and HAM's samples follow in later pushes, behind
// newer points of VER but in HAM's own time order. Nothing is lost but a
// sample older than what its own series already pushed.
func TestLiveHoldBoundsTheWaitAndKeepsEachSeriesInOrder(t *testing.T) {
	b := mustNew(t, WheelSpin, Options{Live: true, LateAllowanceMs: 1000, MaxPointsPerFlush: 100, LiveHoldMs: 40})
	add := func(driver string, from, to int64) {
		for ts := from; ts <= to; ts += 250 {
			s := steady(driver, ts)
			b.AddTelemetry(&s)
		}
	}
	clock := time.Unix(1_000_000, 0)
	lastBy := map[string]int64{}
	var last int64
	pushed, backwards := 0, 0
	push := func(after time.Duration) int {
		clock = clock.Add(after)
		f, ok := b.FlushAt(clock)
		if !ok {
			return 0
		}
		keys, ts := liveTimes(t, f)
		for i, x := range ts {
			if x < lastBy[keys[i]] {
				t.Fatalf("%s went back in time: %d after %d", keys[i], x, lastBy[keys[i]])
			}
			if i > 0 && x < ts[i-1] {
				t.Fatalf("a push is not in time order: %v", ts)
			}
			if x < last {
				backwards++
			}
			lastBy[keys[i]], last = x, max(last, x)
		}
		pushed += len(ts)
		return len(ts)
	}
	add("VER", 1000, 3000)
	add("HAM", 1000, 2500) // 500 ms behind: waited for, for 40 ms
	push(100 * time.Millisecond)
	if last != 2500 {
		t.Fatalf("pushed up to %d while HAM was at 2500, want 2500", last)
	}
	if due := b.Due(); !due.Equal(clock.Add(40 * time.Millisecond)) {
		t.Fatalf("held points are due at %v, want %v", due, clock.Add(40*time.Millisecond))
	}
	if n := push(10 * time.Millisecond); n != 0 {
		t.Fatalf("pushed %d points before the hold ended", n)
	}
	if n := push(30 * time.Millisecond); n != 2 || last != 3000 {
		t.Fatalf("after the hold pushed %d points up to %d, want VER's 2750 and 3000", n, last)
	}
	if !b.Due().IsZero() {
		t.Fatalf("points still held: due %v", b.Due())
	}
	add("HAM", 2750, 3000) // HAM's next samples: after VER's 3000 went out
	if n := push(100 * time.Millisecond); n != 2 || backwards != 1 {
		t.Fatalf("HAM's late samples: pushed %d, %d behind newer points; want 2 and 1 (2750)", n, backwards)
	}
	// HAM stalls; VER runs 5 s ahead: VER is pushed without waiting.
	add("VER", 3250, 8000)
	push(100 * time.Millisecond)
	if last != 8000 {
		t.Fatalf("VER held back by a stalled HAM: pushed up to %d", last)
	}
	// HAM's samples of that time come now: drawn, in HAM's order.
	add("HAM", 3250, 4000)
	if n := push(100 * time.Millisecond); n != 4 {
		t.Fatalf("pushed %d of HAM's 4 late samples", n)
	}
	if st := b.Stats(); st.Late != 0 || st.Records != 9+7+2+20+4 {
		t.Errorf("late = %d, records = %d", st.Late, st.Records)
	}
	// Every sample with a slip (all but each driver's first) was drawn.
	if pushed != 9+7+2+20+4-2 {
		t.Errorf("pushed %d points, want %d", pushed, 9+7+2+20+4-2)
	}
}

// A point older than what its own series already pushed would draw a line
// back: it is not pushed, and counted late.
func TestLiveOlderThanItsSeriesIsLate(t *testing.T) {
	b := mustNew(t, AverageSpeed, Options{Live: true})
	clock := time.Unix(1_000_000, 0)
	for _, ts := range []int64{1000, 1250, 1500} {
		s := steady("VER", ts)
		b.AddTelemetry(&s)
	}
	if f, ok := b.FlushAt(clock); !ok || f.Rows() != 1 {
		t.Fatalf("first push: %v", ok)
	}
	old := steady("VER", 1250)
	b.AddTelemetry(&old)
	if f, ok := b.FlushAt(clock.Add(time.Second)); ok {
		t.Fatalf("pushed %d rows older than VER's last point", f.Rows())
	}
	if st := b.Stats(); st.Late != 1 {
		t.Errorf("late = %d, want 1", st.Late)
	}
}

// Flushing more often than every 100 ms draws no more points a second: each
// Flush gets its share of MaxPointsPerFlush.
func TestLivePointBudgetIsPerTime(t *testing.T) {
	b := mustNew(t, WheelSpin, Options{Live: true, MaxPointsPerFlush: 16})
	clock := time.Unix(1_000_000, 0)
	ts := int64(1000)
	rows := func(after time.Duration) int {
		for i := 0; i < 100; i++ {
			s := steady("VER", ts)
			s.SpeedKph *= 1 - float64(i%7)/100 // slip varies: extremes to keep
			b.AddTelemetry(&s)
			ts += 10
		}
		clock = clock.Add(after)
		f, ok := b.FlushAt(clock)
		if !ok {
			return 0
		}
		return f.Rows()
	}
	if n := rows(0); n != 16 {
		t.Fatalf("first flush: %d rows, want 16", n)
	}
	if n := rows(100 * time.Millisecond); n != 16 {
		t.Fatalf("flush after 100 ms: %d rows, want 16", n)
	}
	if n := rows(25 * time.Millisecond); n != 4 {
		t.Fatalf("flush after 25 ms: %d rows, want 4", n)
	}
	if n := rows(5 * time.Millisecond); n != 2 {
		t.Fatalf("flush after 5 ms: %d rows, want the floor of 2", n)
	}
	// At 30 flushes a second (an adaptive stream under load) the shares add
	// up to the budget: 16 points per 100 ms, not 4 per flush (12 per 100 ms,
	// the fractions of 16 x 33/100 lost to rounding and to pairs).
	rows(100 * time.Millisecond)
	n := 0
	for i := 0; i < 9; i++ {
		n += rows(time.Second / 30)
	}
	if n < 44 || n > 48 {
		t.Fatalf("9 flushes 33 ms apart: %d rows, want the budget of 300 ms, 48 (at least 44)", n)
	}
	// At 60 flushes a second (the adaptive bound since issue 18) the
	// budget holds too: 16 points per 100 ms, not the floor of 2 per flush
	// (36 in 300 ms) nor more than the budget.
	rows(100 * time.Millisecond)
	n = 0
	for i := 0; i < 18; i++ {
		n += rows(time.Second / 60)
	}
	if n < 44 || n > 48 {
		t.Fatalf("18 flushes 17 ms apart: %d rows, want the budget of 300 ms, 48 (at least 44)", n)
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
	// A board with no car is never pushed: it would replace the panel's
	// snapshot (QueryData's board) with nothing, as a stream's first flush
	// before its lookback was read did.
	if f, ok := b.Flush(); ok {
		t.Fatalf("an empty board was pushed: %d rows", f.Rows())
	}
	rc := &f1.RaceControl{Ts: t0, RaceID: "r1", Type: f1.EventLightsOut, Lap: 1, TotalLaps: 5, Message: "Lights out"}
	b.AddRaceControl(rc)
	if f, ok := b.Flush(); ok {
		t.Fatalf("a board with a race but no car was pushed: %d rows", f.Rows())
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
