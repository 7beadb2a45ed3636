package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// rawText is every packet a recorder got, as one string.
func rawText(r *recorder) string {
	_, raw := r.snapshot()
	return strings.Join(raw, "\n")
}

// dataRows is streamRows of the packets that are not the maxStreams
// notice (a frame with no fields).
func dataRows(t *testing.T, r *recorder) int {
	t.Helper()
	rest := newRecorder()
	packets, _ := r.snapshot()
	for _, p := range packets {
		if strings.Contains(string(p["schema"]), `"pitwall-limit"`) {
			continue
		}
		raw, _ := json.Marshal(p)
		if err := rest.Send(&backend.StreamPacket{Data: raw}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := streamRows(t, rest)
	return len(got)
}

// subscribe asks the datasource to let the test subscribe to path, as
// Grafana does before it runs a channel.
func subscribe(t *testing.T, d *Datasource, path string) {
	t.Helper()
	res, err := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path})
	if err != nil || res.Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("subscribe %s: %v %v", path, res, err)
	}
}

// Past maxStreams a new channel does not open a Kafka consumer: its panel
// gets one frame whose notice says the datasource runs its maxStreams and
// what to do, and it starts once a stream ends.
func TestMaxStreamsBoundsTheStreamsOfAnInstance(t *testing.T) {
	c := testCluster(t, map[string]int32{"cap": 1})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"maxStreams": 2}})
	d.slotRetry = 50 * time.Millisecond
	for i := 0; i < 5; i++ {
		produce(t, c, "cap", rec{0, "", int64(100 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	var recs []*recorder
	var stops []func() error
	for n := 1; n <= 3; n++ {
		path := pathFor(t, fmt.Sprintf(`{"topic":"cap","offset":"lastN","lastN":%d}`, n))
		subscribe(t, d, path)
		r := newRecorder()
		stop, _ := startStream(t, d, path, r)
		recs, stops = append(recs, r), append(stops, stop)
		if n < 3 {
			waitFor(t, fmt.Sprintf("stream %d's rows", n), func() bool { got, _ := streamRows(t, r); return len(got) == n })
		}
	}
	waitFor(t, "the third stream's notice", func() bool { return strings.Contains(rawText(recs[2]), "maxStreams") })
	if txt := rawText(recs[2]); !strings.Contains(txt, "already runs 2 live streams") || !strings.Contains(txt, "raise maxStreams") {
		t.Fatalf("the third stream's notice: %s", txt)
	}
	time.Sleep(10 * d.slotRetry)
	if n := dataRows(t, recs[2]); n != 0 {
		t.Fatalf("the third stream ran past maxStreams: %d rows", n)
	}
	if err := stops[0](); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the third stream to start once the first ended", func() bool { return dataRows(t, recs[2]) == 3 })
}

// Grafana runs one RunStream per channel; a leftover one on the same path is
// stopped and replaced. The replaced stream's cleanup used to delete the
// entry of its successor: Dispose then left the successor running, and
// maxStreams no longer counted it.
func TestReplacedStreamLeavesItsSuccessorTracked(t *testing.T) {
	c := testCluster(t, map[string]int32{"rep": 1})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"maxStreams": 1}})
	d.slotRetry = 50 * time.Millisecond
	produce(t, c, "rep", rec{0, "", 100, []byte(`{"n":1}`)})
	path := pathFor(t, `{"topic":"rep","offset":"earliest"}`)
	ra, rb := newRecorder(), newRecorder()
	_, doneA := startStream(t, d, path, ra)
	waitFor(t, "A's row", func() bool { got, _ := streamRows(t, ra); return len(got) == 1 })
	_, doneB := startStream(t, d, path, rb)
	select {
	case <-doneA:
	case <-time.After(20 * time.Second):
		t.Fatal("the replaced stream did not stop")
	}
	waitFor(t, "B's row", func() bool { got, _ := streamRows(t, rb); return len(got) == 1 })
	// B counts against maxStreams (1): another channel waits.
	rc := newRecorder()
	startStream(t, d, pathFor(t, `{"topic":"rep","offset":"lastN","lastN":1}`), rc)
	waitFor(t, "the other channel's maxStreams notice", func() bool { return strings.Contains(rawText(rc), "maxStreams") })
	d.Dispose()
	select {
	case <-doneB:
	case <-time.After(20 * time.Second):
		t.Fatal("Dispose did not stop the stream that replaced another")
	}
}

// A channel Grafana runs without subscribing first is one it runs again
// after the plugin restarted: the stream lost its place, and its frames say
// what that means for the panel (earliest and lastN re-read, latest skips).
// After a subscription, nothing is said.
func TestStreamRestartedWithoutItsPlaceSaysSo(t *testing.T) {
	c := testCluster(t, map[string]int32{"rs": 1})
	for i := 0; i < 3; i++ {
		produce(t, c, "rs", rec{0, "", int64(100 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	earliest := pathFor(t, `{"topic":"rs","offset":"earliest"}`)
	latest := pathFor(t, `{"topic":"rs","offset":"latest"}`)

	before := newTestDS(t, c, dsOpts{})
	subscribe(t, before, earliest)
	r := newRecorder()
	startStream(t, before, earliest, r)
	waitFor(t, "the rows", func() bool { got, _ := streamRows(t, r); return len(got) == 3 })
	if strings.Contains(rawText(r), "restarted") {
		t.Fatalf("a subscribed stream says it restarted: %s", rawText(r))
	}

	after := newTestDS(t, c, dsOpts{}) // a new process: no subscription seen, no saved place
	r = newRecorder()
	startStream(t, after, earliest, r)
	waitFor(t, "the rows again", func() bool { got, _ := streamRows(t, r); return len(got) == 3 })
	if txt := rawText(r); !strings.Contains(txt, "Pitwall restarted") || !strings.Contains(txt, "read the topic again from the start (offset earliest)") ||
		!strings.Contains(txt, "arrive a second time") {
		t.Fatalf("the restarted earliest stream: %s", txt)
	}
	r = newRecorder()
	startStream(t, after, latest, r)
	// The stream starts at the end; once it is on the shared consumer with
	// the earliest one it has found it (a fixed wait may be too short on a
	// loaded machine), so the next record is its.
	waitFor(t, "the latest stream on the shared consumer", func() bool { f, m := after.SharedConsumers(); return f == 1 && m == 2 })
	produce(t, c, "rs", rec{0, "", 200, []byte(`{"n":9}`)})
	waitFor(t, "the new row", func() bool { got, _ := streamRows(t, r); return len(got) == 1 })
	if txt := rawText(r); !strings.Contains(txt, "records written while it was away were skipped") {
		t.Fatalf("the restarted latest stream: %s", txt)
	}
}

// A stream resumed after a failure whose saved offsets were deleted by
// retention in the meantime says which records are missing (franz-go moves
// on to the log start without a word).
func TestResumedStreamReportsRecordsDeletedByRetention(t *testing.T) {
	c := testCluster(t, map[string]int32{"ret": 1})
	d := newTestDS(t, c, dsOpts{})
	for i := 0; i < 10; i++ {
		produce(t, c, "ret", rec{0, "", int64(100 + i), []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	path := pathFor(t, `{"topic":"ret"}`)
	d.resume.Save(path, kafka.Offsets{"ret": {0: 2}})
	adm := kadm.NewClient(kgoClient(t, c))
	offs := kadm.Offsets{}
	offs.Add(kadm.Offset{Topic: "ret", Partition: 0, At: 6})
	res, err := adm.DeleteRecords(context.Background(), offs)
	if err != nil || res.Error() != nil {
		t.Fatalf("delete records: %v %v", err, res.Error())
	}
	subscribe(t, d, path)
	r := newRecorder()
	startStream(t, d, path, r)
	waitFor(t, "rows 6-9", func() bool { got, _ := streamRows(t, r); return len(got) == 4 })
	got, _ := streamRows(t, r)
	if got[0]["n"] != 6.0 {
		t.Fatalf("resumed at %v", got[0])
	}
	if txt := rawText(r); !strings.Contains(txt, "records missing from this stream: ret partition 0: offsets 2 to 5 (4 records) were deleted by the topic's retention") {
		t.Fatalf("no notice of the deleted records: %s", txt)
	}
	if n := strings.Count(rawText(r), "records missing"); n != 1 {
		t.Fatalf("the loss was reported %d times in the schema", n)
	}
}
