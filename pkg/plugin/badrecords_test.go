package plugin

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// badKinds are the faults of TestBadRecordsStreamAndQuery, one record each.
var badKinds = []codec.ErrClass{codec.ErrInvalidJSON, codec.ErrTypeMismatch, codec.ErrAvroInvalid, codec.ErrUnknownSchema, codec.ErrTooLarge, codec.ErrEmpty}

// badRecordTopic fills topic with good records (seq 0, 2, 4, …; JSON and
// Avro) and, between them, one record of each bad kind: invalid JSON, a
// field of the wrong type, truncated Avro, an unknown schema id, a value
// above the size limit and an empty value. It returns the seqs that must
// arrive, in order. The wrong-type record arrives, its cell null.
func badRecordTopic(t testing.TB, d *Datasource, fr *flakyRegistry, produceFn func(...rec)) []int64 {
	t.Helper()
	fr.reg.SeedSchema("dirty-value", 1, 1, sr.Schema{Schema: seqSchemaV1, Type: sr.TypeAvro})
	d.limits = codec.Limits{MaxValueBytes: 64 << 10}
	good := func(seq int64) rec {
		return rec{0, "VER", 1000 + seq, []byte(fmt.Sprintf(`{"seq":%d,"driver":"VER","speed":%d}`, seq, 300+seq))}
	}
	goodAvro := lapAvro(t, seqSchemaV1, 1, lapV1{Seq: 12, Driver: "VER"})
	truncated := lapAvro(t, seqSchemaV1, 1, lapV1{Seq: 5, Driver: "a driver name long enough to cut"})
	truncated = truncated[:len(truncated)-10]
	unknown := lapAvro(t, seqSchemaV1, 99, lapV1{Seq: 7, Driver: "VER"})
	huge := []byte(`{"seq":9,"blob":"` + strings.Repeat("x", 100<<10) + `"}`)
	recs := []rec{
		good(0),
		{0, "VER", 1001, []byte(`{"seq":1,"speed":`)}, // invalid JSON
		good(2),
		{0, "VER", 1003, []byte(`{"seq":3,"driver":"VER","speed":"fast"}`)}, // wrong type: arrives, speed null
		good(4),
		{0, "VER", 1005, truncated},
		good(6),
		{0, "VER", 1007, unknown},
		good(8),
		{0, "VER", 1009, huge},
		good(10),
		{0, "VER", 1011, nil}, // empty (a tombstone)
		{0, "VER", 1012, goodAvro},
		good(13),
	}
	produceFn(recs...)
	return []int64{0, 2, 3, 4, 6, 8, 10, 12, 13}
}

func decodeErrorCounts() map[codec.ErrClass]float64 {
	out := map[codec.ErrClass]float64{}
	for _, k := range badKinds {
		out[k] = testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues(string(k)))
	}
	return out
}

// Bad records in a stream and in a query: each is counted by kind (the
// pitwall_decode_errors_total metric and the frame notices, which say where
// the first one is and why) and the good records around them still arrive,
// in order.
func TestBadRecordsStreamAndQuery(t *testing.T) {
	c := testCluster(t, map[string]int32{"dirty": 1})
	fr := startFlakyRegistry(t)
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fr.url()}})
	before := decodeErrorCounts()
	want := badRecordTopic(t, d, fr, func(r ...rec) { produce(t, c, "dirty", r...) })

	// Live.
	chk := newSeqChecker("", "seq", false)
	chk.keep = []string{"seq", "speed"}
	chk.keepRaw = true
	stop := startStreamTo(t, d, pathFor(t, `{"topic":"dirty","offset":"earliest","columns":["offset"]}`), chk)
	waitFor(t, "the good records", func() bool { return chk.total() == int64(len(want)) })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	chk.verify(t, map[int64]int64{0: int64(len(want))}, map[int64]int64{0: 0})
	chk.mu.Lock()
	var got []int64
	for _, row := range chk.kept {
		got = append(got, cellInt(row["seq"]))
		if cellInt(row["seq"]) == 3 && row["speed"] != nil {
			t.Errorf("the wrong-typed speed must be null: %v", row)
		}
	}
	live := strings.Join(chk.raw, "\n")
	chk.mu.Unlock()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("live seqs %v, want %v", got, want)
	}
	for _, k := range badKinds {
		if !strings.Contains(live, "("+string(k)+",") {
			t.Errorf("no live notice of %s", k)
		}
	}
	if !strings.Contains(live, "dirty partition 0 offset 1") {
		t.Errorf("the live notice must say where the first invalid record is")
	}
	after := decodeErrorCounts()
	for _, k := range badKinds {
		if n := after[k] - before[k]; n != 1 {
			t.Errorf("stream: %s counted %v times, want 1", k, n)
		}
	}

	// A time-range query over the same records.
	dr := runQuery(t, d, map[string]any{"topic": "dirty", "offset": "timeRange"}, 0, 10_000, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	f := dr.Frames[0]
	seqs := frametest.Values(t, f, "seq")
	wantS := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(want)), " "), "[]")
	if strings.Join(seqs, " ") != wantS {
		t.Fatalf("query seqs %v, want %v", seqs, want)
	}
	notes := noticeText(dr)
	for _, k := range badKinds {
		if !strings.Contains(notes, "1 record(s) skipped or cut ("+string(k)+")") {
			t.Errorf("query notices lack %s:\n%s", k, notes)
		}
	}
	t.Logf("query notices:\n%s", notes)
	final := decodeErrorCounts()
	for _, k := range badKinds {
		if n := final[k] - after[k]; n != 1 {
			t.Errorf("query: %s counted %v times, want 1", k, n)
		}
	}
	// Nothing of the bad payloads is echoed (a huge value would flood the
	// frame; a payload may hold anything).
	if bytes.Contains([]byte(live+notes), []byte("xxxxxxxxxx")) {
		t.Error("a bad record's payload was copied into a notice")
	}
}
