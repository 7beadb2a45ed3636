package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// streamRows replays the packets the way Grafana does: a packet with a
// schema sets the column names, every packet's data appends rows.
func streamRows(t testing.TB, r *recorder) (rowsOut []map[string]any, schemas int) {
	t.Helper()
	packets, _ := r.snapshot()
	var names []string
	for _, p := range packets {
		if s, ok := p["schema"]; ok {
			schemas++
			var sch struct {
				Fields []struct {
					Name string `json:"name"`
				} `json:"fields"`
			}
			if err := json.Unmarshal(s, &sch); err != nil {
				t.Fatal(err)
			}
			names = names[:0]
			for _, f := range sch.Fields {
				names = append(names, f.Name)
			}
		}
		if names == nil {
			t.Fatal("data arrived before any schema")
		}
		cols := rows(t, p)
		if len(cols) != len(names) {
			t.Fatalf("packet has %d columns, schema %d", len(cols), len(names))
		}
		for i := range cols[0] {
			row := map[string]any{}
			for c, name := range names {
				row[name] = cols[c][i]
			}
			rowsOut = append(rowsOut, row)
		}
	}
	return rowsOut, schemas
}

func pathFor(t testing.TB, js string) string {
	t.Helper()
	p, err := query.EncodeChannelPath(testOrg, mustQuery(t, js))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunStreamBatchesSendsSchemaThenDataAndSchemaChanges(t *testing.T) {
	c := testCluster(t, map[string]int32{"live": 2})
	d := newTestDS(t, c, dsOpts{})
	var backlog []rec
	for i := 0; i < 50; i++ {
		backlog = append(backlog, rec{int32(i % 2), "", int64(1000 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	produce(t, c, "live", backlog...)
	r := newRecorder()
	stop, _ := startStream(t, d, pathFor(t, `{"topic":"live","offset":"earliest"}`), r)

	waitFor(t, "the backlog", func() bool { got, _ := streamRows(t, r); return len(got) == 50 })
	packets, _ := r.snapshot()
	if len(packets) >= 50 {
		t.Fatalf("50 records came in %d packets: not batched", len(packets))
	}
	if _, ok := packets[0]["schema"]; !ok {
		t.Fatal("the first packet must carry the schema")
	}
	// Same shape: data only.
	before := len(packets)
	produce(t, c, "live", rec{0, "", 2000, []byte(`{"n":100}`)})
	waitFor(t, "record 100", func() bool { got, _ := streamRows(t, r); return len(got) == 51 })
	packets, _ = r.snapshot()
	for _, p := range packets[before:] {
		if _, ok := p["schema"]; ok {
			t.Fatal("an unchanged schema was sent again")
		}
	}
	// A new field: the schema again, with it.
	produce(t, c, "live", rec{1, "", 3000, []byte(`{"n":101,"extra":"x"}`)})
	waitFor(t, "record 101", func() bool { got, _ := streamRows(t, r); return len(got) == 52 })
	got, schemas := streamRows(t, r)
	if schemas != 2 || got[51]["extra"] != "x" || got[51]["n"] != 101.0 {
		t.Fatalf("schema change: %d schemas, last row %v", schemas, got[51])
	}
	seen := map[float64]bool{}
	for _, row := range got {
		n := row["n"].(float64)
		if seen[n] {
			t.Fatalf("record %v arrived twice", n)
		}
		seen[n] = true
	}
	if err := stop(); err != nil {
		t.Fatalf("RunStream after cancel: %v", err)
	}
}

func TestRunStreamStopsCleanlyAndLeaksNoGoroutines(t *testing.T) {
	c := testCluster(t, map[string]int32{"quiet": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "quiet", rec{0, "", 1, []byte(`{"n":1}`)})
	// Warm up: the instance's own client connects on first use and stays.
	if _, err := d.kafka.Partitions(context.Background(), "quiet"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	base := runtime.NumGoroutine()
	framesBefore := testutil.ToFloat64(pipeline.MetricFramesSent.WithLabelValues("raw"))
	activeBefore := testutil.ToFloat64(pipeline.MetricActiveStreams)
	for i := 0; i < 3; i++ {
		r := newRecorder()
		stop, _ := startStream(t, d, pathFor(t, `{"topic":"quiet","offset":"earliest","flushMs":10}`), r)
		waitFor(t, "first packet", func() bool { p, _ := r.snapshot(); return len(p) > 0 })
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
	}
	settleGoroutines(t, base)
	if n := len(d.streams); n != 0 {
		t.Fatalf("%d streams still tracked", n)
	}
	if got := testutil.ToFloat64(pipeline.MetricFramesSent.WithLabelValues("raw")) - framesBefore; got < 3 {
		t.Errorf("frames-sent metric grew by %v, want >= 3", got)
	}
	if got := testutil.ToFloat64(pipeline.MetricActiveStreams); got != activeBefore {
		t.Errorf("active streams %v after stop, was %v", got, activeBefore)
	}
	// A disposed instance starts no stream.
	d.Dispose()
	err := d.RunStream(context.Background(), &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg},
		Path: pathFor(t, `{"topic":"quiet"}`)}, backend.NewStreamSender(newRecorder()))
	if err == nil {
		t.Fatal("RunStream on a disposed instance must fail")
	}
}

func TestStreamBadRecordsBecomeNoticesAndGoodOnesFlow(t *testing.T) {
	c := testCluster(t, map[string]int32{"dirty": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "dirty", rec{0, "", 1, []byte(`{"n":1}`)}, rec{0, "", 2, []byte(`{broken`)}, rec{0, "", 3, []byte(`{"n":3}`)})
	r := newRecorder()
	startStream(t, d, pathFor(t, `{"topic":"dirty","offset":"earliest"}`), r)
	waitFor(t, "good records", func() bool { got, _ := streamRows(t, r); return len(got) == 2 })
	got, _ := streamRows(t, r)
	if got[0]["n"] != 1.0 || got[1]["n"] != 3.0 {
		t.Fatalf("rows %v", got)
	}
	_, raw := r.snapshot()
	all := strings.Join(raw, "\n")
	if !strings.Contains(all, "invalid_json") || !strings.Contains(all, "dirty partition 0 offset 1") {
		t.Fatalf("no notice about the bad record: %s", all)
	}
}

func TestRunStreamReturnsAnErrorWhenTheBrokerIsLost(t *testing.T) {
	c := fakeCluster(t, map[string]int32{"doomed": 1})
	d := newTestDS(t, c, dsOpts{})
	d.lossAfter = time.Second
	produce(t, c, "doomed", rec{0, "", 1, []byte(`{"n":1}`)})
	r := newRecorder()
	path := pathFor(t, `{"topic":"doomed","offset":"earliest"}`)
	stop, done := startStream(t, d, path, r)
	waitFor(t, "first packet", func() bool { p, _ := r.snapshot(); return len(p) > 0 })
	c.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("RunStream kept running after the broker was gone")
	}
	err := stop()
	if err == nil || !strings.Contains(err.Error(), "kafka lost") || !strings.Contains(err.Error(), "cannot reach Kafka at") {
		t.Fatalf("want a broker-lost error naming the address, got %v", err)
	}
	next, ok := d.resume.Take(path)
	if !ok || next["doomed"][0] != 1 {
		t.Fatalf("the stream must leave where to resume: %v", next)
	}
}

func TestRunStreamResumesFromSavedOffsets(t *testing.T) {
	c := testCluster(t, map[string]int32{"resume": 1})
	d := newTestDS(t, c, dsOpts{})
	for i := 0; i < 10; i++ {
		produce(t, c, "resume", rec{0, "", int64(100 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	path := pathFor(t, `{"topic":"resume"}`) // latest: alone it would see nothing of these
	d.resume.Save(path, kafka.Offsets{"resume": {0: 7}})
	r := newRecorder()
	startStream(t, d, path, r)
	waitFor(t, "records 7-9", func() bool { got, _ := streamRows(t, r); return len(got) == 3 })
	got, _ := streamRows(t, r)
	if got[0]["n"] != 7.0 || got[2]["n"] != 9.0 {
		t.Fatalf("resumed rows %v", got)
	}
}

func TestTwoStreamsOnOneTopicDoNotInterfere(t *testing.T) {
	c := testCluster(t, map[string]int32{"shared": 2})
	d := newTestDS(t, c, dsOpts{})
	var recs []rec
	for i := 0; i < 40; i++ {
		drv := []string{"VER", "PER"}[i%2]
		recs = append(recs, rec{int32(i % 2), drv, int64(1000 + i), []byte(fmt.Sprintf(`{"driver":%q,"speed":%d,"rpm":%d}`, drv, 200+i, 10000+i))})
	}
	produce(t, c, "shared", recs...)
	ra, rb := newRecorder(), newRecorder()
	startStream(t, d, pathFor(t, `{"topic":"shared","offset":"earliest","drivers":["VER"],"fields":["speed"]}`), ra)
	startStream(t, d, pathFor(t, `{"topic":"shared","offset":"earliest","drivers":["PER"],"fields":["rpm"],"flushMs":10}`), rb)
	waitFor(t, "both streams", func() bool {
		a, _ := streamRows(t, ra)
		b, _ := streamRows(t, rb)
		return len(a) == 20 && len(b) == 20
	})
	a, _ := streamRows(t, ra)
	b, _ := streamRows(t, rb)
	for _, row := range a {
		if _, has := row["rpm"]; has || int(row["speed"].(float64))%2 != 0 {
			t.Fatalf("stream A got %v", row)
		}
	}
	for _, row := range b {
		if _, has := row["speed"]; has || int(row["rpm"].(float64))%2 != 1 {
			t.Fatalf("stream B got %v", row)
		}
	}
}

func TestTelemetryStreamUsesTheLabelsLayout(t *testing.T) {
	c := testCluster(t, map[string]int32{"tel": 2})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "tel",
		rec{0, "VER", 1725197758853, []byte(`{"ts":1725197758853,"driver":"VER","speed_kph":320.5,"race_id":"x"}`)},
		rec{1, "PER", 1725197758900, []byte(`{"ts":1725197758900,"driver":"PER","speed_kph":318}`)})
	r := newRecorder()
	startStream(t, d, pathFor(t, `{"queryType":"telemetry","topic":"tel","offset":"earliest"}`), r)
	waitFor(t, "two rows", func() bool { got, _ := streamRows(t, r); return len(got) == 2 })
	got, _ := streamRows(t, r)
	packets, _ := r.snapshot()
	schema := string(packets[0]["schema"])
	if !strings.Contains(schema, `"fields":[{"name":"labels","type":"string"`) || strings.Contains(schema, "race_id") {
		t.Fatalf("schema %s", schema)
	}
	// The two records sit on two partitions, so either may arrive first.
	byDriver := map[any]map[string]any{}
	for _, row := range got {
		byDriver[row["labels"]] = row
	}
	ver, per := byDriver["driver=VER"], byDriver["driver=PER"]
	if ver == nil || per == nil || ver["time"] != 1725197758853.0 || ver["speed_kph"] != 320.5 || per["time"] != 1725197758900.0 {
		t.Fatalf("rows %v", got)
	}
}

// A sender slower than the topic: frames stay bounded and every record
// still arrives, in order.
func TestSlowSenderGetsBoundedFramesAndEverything(t *testing.T) {
	c := testCluster(t, map[string]int32{"flood": 1})
	d := newTestDS(t, c, dsOpts{})
	const total = 12000
	var recs []rec
	for i := 0; i < total; i++ {
		recs = append(recs, rec{0, "", int64(1000 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	produce(t, c, "flood", recs...)
	r := newRecorder()
	slow := &slowSender{next: r, delay: 50 * time.Millisecond}
	startStreamWith(t, d, pathFor(t, `{"topic":"flood","offset":"earliest"}`), slow)
	waitFor(t, "all records", func() bool { got, _ := streamRows(t, r); return len(got) == total })
	got, _ := streamRows(t, r)
	for i, row := range got {
		if row["n"] != float64(i) {
			t.Fatalf("row %d is %v", i, row["n"])
		}
	}
	packets, _ := r.snapshot()
	for _, p := range packets {
		if n := len(rows(t, p)[0]); n > pipeline.MaxStreamRows {
			t.Fatalf("a frame of %d rows > %d", n, pipeline.MaxStreamRows)
		}
	}
}

type slowSender struct {
	next  *recorder
	delay time.Duration
}

func (s *slowSender) Send(p *backend.StreamPacket) error {
	time.Sleep(s.delay)
	return s.next.Send(p)
}

func startStreamWith(t testing.TB, d *Datasource, path string, sender backend.StreamPacketSender) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = d.RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}, backend.NewStreamSender(sender))
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func TestSubscribeChecksPathAndOrgAndPublishIsRefused(t *testing.T) {
	c := testCluster(t, map[string]int32{"s": 1})
	d := newTestDS(t, c, dsOpts{})
	sub := func(org int64, path string) backend.SubscribeStreamStatus {
		resp, err := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{PluginContext: backend.PluginContext{OrgID: org}, Path: path})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Status
	}
	good := pathFor(t, `{"topic":"s"}`)
	if s := sub(testOrg, good); s != backend.SubscribeStreamStatusOK {
		t.Errorf("good path: %v", s)
	}
	if s := sub(2, good); s != backend.SubscribeStreamStatusPermissionDenied {
		t.Errorf("other org: %v", s)
	}
	for _, p := range []string{"", "nonsense", "1/raw", "1/zz/s", "1/raw/s/i=0100"} {
		if s := sub(testOrg, p); s != backend.SubscribeStreamStatusNotFound {
			t.Errorf("path %q: %v", p, s)
		}
	}
	pub, err := d.PublishStream(context.Background(), &backend.PublishStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: good, Data: []byte(`{}`)})
	if err != nil || pub.Status != backend.PublishStreamStatusPermissionDenied {
		t.Errorf("publish: %v %v", pub, err)
	}
	err = d.RunStream(context.Background(), &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: 2}, Path: good}, backend.NewStreamSender(newRecorder()))
	if err == nil {
		t.Error("RunStream for another org's path must fail")
	}
}
