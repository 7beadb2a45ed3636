package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// paddedRecords are n JSON records of about size bytes each, one per ms
// from ts 1000, on partition 0.
func paddedRecords(n, size int) []rec {
	pad := strings.Repeat("x", size-40)
	out := make([]rec, n)
	for i := range out {
		out[i] = rec{0, "", int64(1000 + i), []byte(fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, pad))}
	}
	return out
}

// A query stops at its byte budget with a notice that says the result was
// cut and how to narrow it, for one topic and for an F1 type that merges
// several.
func TestQueryByteBudgetCutsTheResultWithANotice(t *testing.T) {
	topics := f1TopicSpecs()
	topics["big"] = 1
	c := testCluster(t, topics)
	d := newTestDS(t, c, dsOpts{})
	d.queryBytes = 100 << 10
	produce(t, c, "big", paddedRecords(100, 4096)...)
	dr := runQuery(t, d, map[string]any{"topic": "big", "offset": "earliest"}, 0, 1, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	notes := noticeText(dr)
	if !strings.Contains(notes, "the result was cut: the records read reached the query's budget of 100 KiB after 25 records") ||
		!strings.Contains(notes, "narrow the time range") {
		t.Fatalf("notices: %s", notes)
	}
	if n := dr.Frames[0].Rows(); n != 25 {
		t.Fatalf("%d rows, want the 25 that fit", n)
	}

	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	d.queryBytes = 64 << 10
	dr = f1Query(t, d, race, map[string]any{"queryType": "alerts"}, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if notes := noticeText(dr); !strings.Contains(notes, "the result was cut") {
		t.Fatalf("a merged F1 read over its budget: %s", notes)
	}
}

// Reads are bounded process-wide: past the read slots a query waits, then
// fails saying the plugin is busy. (Here one slot, and its read is held in
// the broker.)
func TestConcurrentReadsAreBoundedProcessWide(t *testing.T) {
	defer pipeline.SetReadSlots(1, 300*time.Millisecond)()
	c := fakeCluster(t, map[string]int32{"slow": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "slow", paddedRecords(5, 100)...)
	release := make(chan struct{})
	var held atomic.Bool
	c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		if held.CompareAndSwap(false, true) {
			c.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
	first := make(chan backendDataResponse, 1)
	go func() { first <- runQuery(t, d, map[string]any{"topic": "slow", "offset": "earliest"}, 0, 1, 0, nil) }()
	waitFor(t, "the first read to hold the broker", held.Load)
	second := make(chan backendDataResponse, 1)
	go func() { second <- runQuery(t, d, map[string]any{"topic": "slow", "offset": "earliest"}, 0, 1, 0, nil) }()
	waitFor(t, "the second read to wait", func() bool { return testutil.ToFloat64(pipeline.MetricReadsWaiting) == 1 })
	dr := <-second
	if dr.Error == nil || !strings.Contains(dr.Error.Error(), "the plugin is busy: 1 reads are running") {
		t.Fatalf("the second read: %v", dr.Error)
	}
	close(release)
	if dr := <-first; dr.Error != nil || dr.Frames[0].Rows() != 5 {
		t.Fatalf("the first read: %v", dr.Error)
	}
	if dr := runQuery(t, d, map[string]any{"topic": "slow", "offset": "earliest"}, 0, 1, 0, nil); dr.Error != nil {
		t.Fatalf("a read once the slot is free: %v", dr.Error)
	}
}

// A recursive Avro schema and a record of 300,000 links
// recursed until Go's stack overflowed: a fatal error, the plugin process
// gone. Through QueryData the record is now one avro_invalid notice, and the
// records around it arrive. (The stack is capped at 64 MB so that, without
// the bound, the test dies at once rather than after 1 GB of stack.)
func TestRecursiveAvroRecordIsSkippedNotFatal(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	c := testCluster(t, map[string]int32{"deep": 1})
	fr := startFlakyRegistry(t)
	fr.reg.SeedSchema("deep-value", 1, 1, sr.Schema{Schema: seqSchemaV1, Type: sr.TypeAvro})
	fr.reg.SeedSchema("deep-value", 2, 2, sr.Schema{Type: sr.TypeAvro,
		Schema: `{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}`})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fr.url()}})
	hostile := append(append(codec.AppendWireHeader(nil, 2), bytes.Repeat([]byte{0x02}, 300_000)...), 0)
	produce(t, c, "deep",
		rec{0, "VER", 1000, lapAvro(t, seqSchemaV1, 1, lapV1{Seq: 1, Driver: "VER"})},
		rec{0, "VER", 1001, hostile},
		rec{0, "VER", 1002, lapAvro(t, seqSchemaV1, 1, lapV1{Seq: 3, Driver: "VER"})})
	dr := runQuery(t, d, map[string]any{"topic": "deep", "offset": "earliest", "fields": []string{"seq"}}, 0, 1, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if notes := noticeText(dr); !strings.Contains(notes, "(avro_invalid)") || !strings.Contains(notes, "nested deeper than 1000 levels") {
		t.Fatalf("notices: %s", notes)
	}
	if got := strings.Join(frametest.Values(t, dr.Frames[0], "seq"), " "); got != "1 3" {
		t.Fatalf("seq %s, want 1 3", got)
	}
}

// A hostile Schema Registry, through QueryData: an endless answer to a
// schema look-up is read no further than its bound, and references that fan
// out without end are cut; each makes the record bad_schema with a notice
// that says why, and the query answers.
func TestHostileRegistryCostsOneNoticeNotTheQuery(t *testing.T) {
	c := testCluster(t, map[string]int32{"hr": 1})
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/schemas/ids/9": // endless
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for i := 0; i < 4096; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				served.Add(int64(len(chunk)))
			}
		case r.URL.Path == "/schemas/ids/5" || strings.HasPrefix(r.URL.Path, "/subjects/r"):
			subject := "r"
			if strings.HasPrefix(r.URL.Path, "/subjects/") {
				subject = strings.Split(strings.TrimPrefix(r.URL.Path, "/subjects/"), "/")[0]
			}
			var refs []map[string]any
			for i := 0; i < 3 && strings.Count(subject, "_") < 8; i++ {
				s := fmt.Sprintf("%s_%d", subject, i)
				refs = append(refs, map[string]any{"name": s, "subject": s, "version": 1})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"subject": subject, "version": 1, "id": 5,
				"schema": fmt.Sprintf(`{"type":"record","name":%q,"fields":[]}`, subject), "references": refs})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": srv.URL}})
	produce(t, c, "hr",
		rec{0, "", 1000, append(codec.AppendWireHeader(nil, 9), 2)},
		rec{0, "", 1001, append(codec.AppendWireHeader(nil, 5), 2)},
		rec{0, "", 1002, []byte(`{"n":3}`)})
	dr := runQuery(t, d, map[string]any{"topic": "hr", "offset": "earliest"}, 0, 1, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	notes := noticeText(dr)
	if !strings.Contains(notes, "2 record(s) skipped or cut (bad_schema)") ||
		!strings.Contains(notes, fmt.Sprintf("larger than %d bytes", codec.MaxRegistryResponseBytes)) {
		t.Fatalf("notices: %s", notes)
	}
	if got := strings.Join(frametest.Values(t, dr.Frames[0], "n"), " "); got != "3" {
		t.Fatalf("the good record: %s", got)
	}
	if n := served.Load(); n > 4*codec.MaxRegistryResponseBytes {
		t.Fatalf("the plugin took %d bytes of an endless answer", n)
	}
}
