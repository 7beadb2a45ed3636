package plugin

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// gridRecords makes n telemetry-like JSON records per driver, keyed by the
// driver, on partition i%parts of driver i, with ts growing by 10 ms.
func gridRecords(drivers []string, parts int32, base, n int) []rec {
	var out []rec
	for s := base; s < base+n; s++ {
		for i, d := range drivers {
			ts := int64(1_725_000_000_000 + s*10)
			out = append(out, rec{int32(i) % parts, d, ts,
				[]byte(fmt.Sprintf(`{"ts":%d,"driver":%q,"seq":%d,"speed_kph":%d,"rpm":%d}`, ts, d, s, 200+s%100, 10000+s))})
		}
	}
	return out
}

// recordsRead is the plugin's count of records streams read from topic.
func recordsRead(topic string) float64 {
	return testutil.ToFloat64(pipeline.MetricRecordsRead(topic, "stream"))
}

// Many streams over one topic share one consumer and one decode of each
// record; each gets exactly the records of its own query (drivers, fields,
// query type), in time order. Their channels name no resolution (no v=), so
// the telemetry streams get every record, not a thinning for drawing
// (TestTelemetryStreamKeepsTheWindowWithinMaxDataPoints).
func TestSharedConsumerFeedsManyStreamsOneDecode(t *testing.T) {
	drivers := []string{"VER", "PER", "HAM", "RUS", "LEC", "SAI"}
	c := testCluster(t, map[string]int32{"grid": 3})
	d := newTestDS(t, c, dsOpts{})
	type want struct {
		path    string
		drivers []string // nil: all
		col     string   // a column the stream must have
	}
	var streams []want
	for _, drv := range drivers {
		streams = append(streams,
			want{pathFor(t, fmt.Sprintf(`{"queryType":"telemetry","topic":"grid","drivers":[%q],"fields":["speed_kph"]}`, drv)), []string{drv}, "speed_kph"},
			want{pathFor(t, fmt.Sprintf(`{"queryType":"raw","topic":"grid","drivers":[%q],"fields":["driver","seq"]}`, drv)), []string{drv}, "seq"})
	}
	streams = append(streams,
		want{pathFor(t, `{"queryType":"telemetry","topic":"grid","fields":["rpm"]}`), nil, "rpm"},
		want{pathFor(t, `{"queryType":"telemetry","topic":"grid","drivers":["VER","HAM"],"fields":["rpm"],"flushMs":50}`), []string{"VER", "HAM"}, "rpm"})
	recs := make([]*recorder, len(streams))
	for i, s := range streams {
		recs[i] = newRecorder()
		startStream(t, d, s.path, recs[i])
	}
	waitFor(t, "every stream on one shared consumer", func() bool {
		feeds, members := d.SharedConsumers()
		return feeds == 1 && members == len(streams)
	})
	read0 := recordsRead("grid")
	const n = 50
	produce(t, c, "grid", gridRecords(drivers, 3, 0, n)...)
	expect := func(s want) int {
		if s.drivers == nil {
			return n * len(drivers)
		}
		return n * len(s.drivers)
	}
	waitFor(t, "every stream's records", func() bool {
		for i, s := range streams {
			if got, _ := streamRows(t, recs[i]); len(got) < expect(s) {
				return false
			}
		}
		return true
	})
	time.Sleep(100 * time.Millisecond) // nothing more may follow
	for i, s := range streams {
		got, _ := streamRows(t, recs[i])
		if len(got) != expect(s) {
			t.Fatalf("stream %s: %d rows, want %d", s.path, len(got), expect(s))
		}
		last := map[string]float64{}
		for _, row := range got {
			if _, ok := row[s.col]; !ok {
				t.Fatalf("stream %s: a row without %s: %v", s.path, s.col, row)
			}
			drv := fmt.Sprint(row["driver"])
			if l, ok := row["labels"]; ok {
				drv = strings.TrimPrefix(fmt.Sprint(l), "driver=")
			}
			if s.drivers != nil && !strings.Contains(strings.Join(s.drivers, ","), drv) {
				t.Fatalf("stream %s got driver %s", s.path, drv)
			}
			tm := row["time"].(float64)
			if tm <= last[drv] {
				t.Fatalf("stream %s: %s went back in time (%v after %v)", s.path, drv, tm, last[drv])
			}
			last[drv] = tm
		}
	}
	if read := recordsRead("grid") - read0; read != float64(n*len(drivers)) {
		t.Errorf("%d streams read %.0f records of %d: the consumer or its decode is not shared", len(streams), read, n*len(drivers))
	}
	// A bad record is counted once in the metrics, and named to every stream.
	bad0 := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues("invalid_json"))
	// (Notices ride on frames: a good record follows.)
	produce(t, c, "grid", rec{0, "VER", 1_725_000_100_000, []byte(`{"driver":`)})
	produce(t, c, "grid", gridRecords(drivers[:1], 3, n, 1)...)
	waitFor(t, "the bad record's notice", func() bool {
		_, raw := recs[0].snapshot()
		return len(raw) > 0 && strings.Contains(raw[len(raw)-1], "invalid_json")
	})
	if bad := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues("invalid_json")) - bad0; bad != 1 {
		t.Errorf("one bad record counted %.0f times", bad)
	}
}

// Streams that start at different places — the end, the beginning, the last
// N, a saved resume point — while records keep coming, each get every
// record from their start, once, in offset order, and all end up on the
// shared consumer.
func TestSharedConsumerJoinsStreamsFromAnyOffset(t *testing.T) {
	const parts = 2
	c := testCluster(t, map[string]int32{"laps": parts})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "laps", seqRecords(parts, 0, 1500)...)

	cols := `"columns":["partition","offset"],"fields":["seq"]`
	latest := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	startStreamWith(t, d, pathFor(t, `{"topic":"laps",`+cols+`}`), latest)
	waitFor(t, "the first stream on a shared consumer", func() bool { _, m := d.SharedConsumers(); return m == 1 })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var produced atomic.Int64
	produced.Store(1500)
	done := make(chan struct{})
	go func() { // records keep coming while the others join
		defer close(done)
		for b := 0; b < 40 && ctx.Err() == nil; b++ {
			produce(t, c, "laps", seqRecords(parts, int(produced.Load()), 25)...)
			produced.Add(25)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	time.Sleep(50 * time.Millisecond)
	earliest := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	startStreamWith(t, d, pathFor(t, `{"topic":"laps","offset":"earliest",`+cols+`}`), earliest)
	lastN := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	startStreamWith(t, d, pathFor(t, `{"topic":"laps","offset":"lastN","lastN":300,`+cols+`,"flushMs":20}`), lastN)
	resumed := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	rpath := pathFor(t, `{"topic":"laps","offset":"latest","columns":["partition","offset"]}`)
	d.resume.Save(rpath, kafka.Offsets{"laps": {0: 700, 1: 900}})
	startStreamWith(t, d, rpath, resumed)
	<-done

	end := produced.Load()
	waitFor(t, "every stream to reach the end", func() bool {
		return earliest.total() == parts*end && resumed.total() == 2*end-700-900 && lastN.total() >= parts*300
	})
	waitFor(t, "all four on the shared consumer", func() bool {
		feeds, members := d.SharedConsumers()
		return feeds == 1 && members == 4
	})
	time.Sleep(100 * time.Millisecond)
	all := map[int64]int64{0: end, 1: end}
	earliest.verify(t, all, map[int64]int64{0: 0, 1: 0})
	resumed.verify(t, map[int64]int64{0: end - 700, 1: end - 900}, map[int64]int64{0: 700, 1: 900})
	for _, chk := range []*seqChecker{latest, lastN} {
		chk.mu.Lock()
		first := map[int64]int64{0: chk.first[0], 1: chk.first[1]}
		chk.mu.Unlock()
		chk.verify(t, map[int64]int64{0: end - first[0], 1: end - first[1]}, nil)
	}
	if latest.first[0] < 1500 || lastN.first[0] < 1200 {
		t.Errorf("starts: latest %v, lastN %v", latest.first, lastN.first)
	}
}

// A stream whose viewer cannot keep up does not hold the others: it leaves
// the shared consumer (counted, and said in its frames), reads on its own,
// and still gets every record once, in order, in bounded frames.
func TestSharedConsumerSlowStreamLeavesWithoutLoss(t *testing.T) {
	c := testCluster(t, map[string]int32{"flood": 1})
	d := newTestDS(t, c, dsOpts{})
	cols := `"columns":["partition","offset"]`
	fast := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	slow := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	slow.delay = 400 * time.Millisecond
	slow.keepRaw = true
	// The slow viewer's sends are held until the fast stream has every
	// record: however quick or slow the machine and broker, the fast stream
	// is done while the slow one is still behind (a 400 ms delay alone let
	// a loaded machine finish both together).
	held := newHeldSender(slow, false)
	startStreamWith(t, d, pathFor(t, `{"topic":"flood",`+cols+`}`), fast)
	startStreamWith(t, d, pathFor(t, `{"topic":"flood",`+cols+`,"flushMs":10}`), held)
	t.Cleanup(held.release) // before startStreamWith's cleanups: a held Send must return
	waitFor(t, "both on the shared consumer", func() bool { _, m := d.SharedConsumers(); return m == 2 })
	detached0 := testutil.ToFloat64(pipeline.MetricStreamsDetached(d.uid))

	const total = 30000
	produce(t, c, "flood", seqRecords(1, 0, total)...)
	waitFor(t, "the fast stream, while the slow one's sends are held", func() bool { return fast.total() == total })
	held.release()
	waitFor(t, "the slow stream", func() bool { return slow.total() == total })
	fast.verify(t, map[int64]int64{0: total}, nil)
	slow.verify(t, map[int64]int64{0: total}, nil)
	if n := testutil.ToFloat64(pipeline.MetricStreamsDetached(d.uid)) - detached0; n < 1 {
		t.Errorf("the slow stream never left the shared consumer (detached %v)", n)
	}
	slow.mu.Lock()
	said, maxRows := strings.Contains(strings.Join(slow.raw, ""), "could not keep up with the shared consumer"), slow.maxRows
	slow.mu.Unlock()
	if !said {
		t.Error("the slow stream's frames do not say it fell behind")
	}
	if maxRows > pipeline.MaxStreamRows {
		t.Errorf("a frame of %d rows > %d", maxRows, pipeline.MaxStreamRows)
	}
	// Caught up again, it rejoins (after its backoff).
	waitFor(t, "the slow stream back on the shared consumer", func() bool { _, m := d.SharedConsumers(); return m == 2 })
}

// Streams end one by one; the others go on, and the shared consumer stops
// with the last.
func TestSharedConsumerStreamsEndIndependently(t *testing.T) {
	c := testCluster(t, map[string]int32{"pits": 1})
	d := newTestDS(t, c, dsOpts{})
	var stops []func() error
	var recs []*recorder
	for i := 0; i < 3; i++ {
		r := newRecorder()
		stop, _ := startStream(t, d, pathFor(t, fmt.Sprintf(`{"topic":"pits","fields":["seq"],"flushMs":%d}`, 10+i)), r)
		stops, recs = append(stops, stop), append(recs, r)
	}
	waitFor(t, "three streams on one consumer", func() bool { f, m := d.SharedConsumers(); return f == 1 && m == 3 })
	if err := stops[0](); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two left", func() bool { _, m := d.SharedConsumers(); return m == 2 })
	produce(t, c, "pits", seqRecords(1, 0, 10)...)
	waitFor(t, "the others' records", func() bool {
		a, _ := streamRows(t, recs[1])
		b, _ := streamRows(t, recs[2])
		return len(a) == 10 && len(b) == 10
	})
	if got, _ := streamRows(t, recs[0]); len(got) != 0 {
		t.Errorf("the stopped stream got %d rows", len(got))
	}
	for _, stop := range stops[1:] {
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the shared consumer to stop", func() bool { f, _ := d.SharedConsumers(); return f == 0 })
}

// Off, every stream reads on its own consumer (the bench's baseline).
func TestSharedConsumersCanBeTurnedOff(t *testing.T) {
	c := testCluster(t, map[string]int32{"solo": 1})
	d := newTestDS(t, c, dsOpts{})
	d.ShareConsumers(false)
	a, b := newRecorder(), newRecorder()
	startStream(t, d, pathFor(t, `{"topic":"solo","fields":["seq"]}`), a)
	startStream(t, d, pathFor(t, `{"topic":"solo","fields":["p"]}`), b)
	// Both streams start at the end, which each looks up in its own time
	// (no fixed sleep is long enough on a loaded machine and broker):
	// probe records (seq and p -1) go until both streams show one.
	waitFor(t, "both streams reading", func() bool {
		x, _ := streamRows(t, a)
		y, _ := streamRows(t, b)
		if len(x) > 0 && len(y) > 0 {
			return true
		}
		produce(t, c, "solo", rec{0, "k0", 999_999, []byte(`{"seq":-1,"p":-1}`)})
		return false
	})
	produce(t, c, "solo", seqRecords(1, 0, 5)...)
	// notProbe keeps the rows whose column col is not a probe's -1.
	notProbe := func(r *recorder, col string) []string {
		rows, _ := streamRows(t, r)
		var out []string
		for _, row := range rows {
			if row[col] != -1.0 {
				out = append(out, fmt.Sprint(row[col]))
			}
		}
		return out
	}
	waitFor(t, "both streams", func() bool { return len(notProbe(a, "seq")) >= 5 && len(notProbe(b, "p")) >= 5 })
	if x, y := strings.Join(notProbe(a, "seq"), ","), strings.Join(notProbe(b, "p"), ","); x != "0,1,2,3,4" || y != "0,0,0,0,0" {
		t.Errorf("stream seq got %s, stream p got %s; want seq 0-4 and five p 0", x, y)
	}
	if f, m := d.SharedConsumers(); f != 0 || m != 0 {
		t.Errorf("sharing off, yet %d shared consumers feed %d streams", f, m)
	}
}

// A stream that starts behind the end (earliest) reads its backlog on its
// own: it neither starts a shared consumer at its start, which would hold
// every stream that joins later until the backlog is read, nor joins one
// before it has caught up; so a slow reader of history is never detached,
// and a live stream started meanwhile gets its records at once.
func TestSharedConsumerBacklogIsReadOnItsOwn(t *testing.T) {
	c := testCluster(t, map[string]int32{"hist": 1})
	d := newTestDS(t, c, dsOpts{})
	const backlog = 30000
	produce(t, c, "hist", seqRecords(1, 0, backlog)...)
	cols := `"columns":["partition","offset"]`
	detached0 := testutil.ToFloat64(pipeline.MetricStreamsDetached(d.uid))
	history := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	history.delay = 300 * time.Millisecond // 5,000 rows a frame: over 2 s for the backlog
	// After its first rows the history stream's sends are held until the
	// live stream has its records, so that the live stream provably gets
	// them while the backlog is still being read (the delay alone let a
	// loaded machine read the whole backlog first).
	held := newHeldSender(history, true)
	startStreamWith(t, d, pathFor(t, `{"topic":"hist","offset":"earliest",`+cols+`}`), held)
	t.Cleanup(held.release) // before startStreamWith's cleanup: a held Send must return
	waitFor(t, "the history stream's first rows", func() bool { return history.total() > 0 })
	if f, m := d.SharedConsumers(); f != 0 || m != 0 {
		t.Fatalf("a stream behind the end is on a shared consumer (%d feeding %d)", f, m)
	}
	live := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	startStreamWith(t, d, pathFor(t, `{"topic":"hist",`+cols+`}`), live)
	waitFor(t, "the live stream on a shared consumer", func() bool { f, m := d.SharedConsumers(); return f == 1 && m == 1 })
	produce(t, c, "hist", seqRecords(1, backlog, 10)...)
	waitFor(t, "the live stream's records, while the history stream's sends are held", func() bool { return live.total() == 10 })
	held.release()
	waitFor(t, "the backlog", func() bool { return history.total() == backlog+10 })
	waitFor(t, "both streams on the shared consumer", func() bool { f, m := d.SharedConsumers(); return f == 1 && m == 2 })
	history.verify(t, map[int64]int64{0: backlog + 10}, map[int64]int64{0: 0})
	live.verify(t, map[int64]int64{0: 10}, map[int64]int64{0: backlog})
	if n := testutil.ToFloat64(pipeline.MetricStreamsDetached(d.uid)) - detached0; n != 0 {
		t.Errorf("%v streams left the shared consumer: the backlog went through it", n)
	}
}
