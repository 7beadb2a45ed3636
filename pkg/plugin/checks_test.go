package plugin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// The checks of issue 17 on the live path, all at once: a stream of a topic
// whose values are JSON, Avro, Protobuf and JSON Schema (format auto),
// whose keys are Protobuf by the <topic>-key subject, with headers, written
// in transactions some of which abort, before the stream starts (its
// backlog) and while it runs (its tail). Every committed record arrives
// decoded with its key and headers as columns; no aborted one arrives.
// (TestMixedFormatsInAutoDecodeEveryRecord, TestKeysAndHeadersAreColumns
// and TestAbortedTransactionRecordsNeverShow check the same through
// QueryData.)

const checksKeyProto = `syntax = "proto3";
message CarKey { string driver = 1; int32 car = 2; }
`

// protoCarKey is a CarKey in the wire format of schema id.
func protoCarKey(t testing.TB, id int, driver string, car int32) []byte {
	t.Helper()
	md := protoMessage(t, "key.proto", checksKeyProto)
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("driver"), protoreflect.ValueOfString(driver))
	m.Set(md.Fields().ByName("car"), protoreflect.ValueOfInt32(car))
	return protoWire(t, id, m)
}

func TestLiveStreamOfMixedKeyedTransactionalTopic(t *testing.T) {
	const topic = "checks"
	c := testCluster(t, map[string]int32{topic: 1})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	fake.SeedSchema(topic+"-value", 1, 1, sr.Schema{Schema: mixedAvro, Type: sr.TypeAvro})
	fake.SeedSchema(topic+"-value", 2, 2, sr.Schema{Schema: mixedProto, Type: sr.TypeProtobuf})
	fake.SeedSchema(topic+"-value", 3, 3, sr.Schema{Schema: mixedJSONSchema, Type: sr.TypeJSON})
	fake.SeedSchema(topic+"-key", 1, 8, sr.Schema{Schema: checksKeyProto, Type: sr.TypeProtobuf})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})

	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic(topic), kgo.TransactionalID("pitwall-checks"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	at := time.Date(2024, 9, 1, 13, 0, 0, 0, time.UTC)
	drivers := []string{"VER", "HAM", "LEC", "NOR"}
	lap := 0
	// batch writes one transaction of four records, one per value format;
	// an aborted one marks its records "aborted" in the via field.
	batch := func(commit bool) {
		t.Helper()
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			via := []string{"json", "avro", "protobuf", "jsonschema"}[i]
			if !commit {
				via = "aborted"
			}
			var v []byte
			switch i {
			case 0:
				v = fmt.Appendf(nil, `{"lap":%d,"driver":%q,"via":%q}`, lap, drivers[i], via)
			case 1:
				v = avroWire(t, mixedAvro, 1, map[string]any{"lap": lap, "driver": drivers[i], "via": via})
			case 2:
				v = protoLap(t, 2, int32(lap), drivers[i], at) // #nosec G115 -- a small test counter
				if !commit {
					v = append(codec.AppendIndexes(codec.AppendWireHeader(nil, 2)), append([]byte{0x08, 0x01, 0x1a, 0x07}, "aborted"...)...)
				}
			case 3:
				v = append(codec.AppendWireHeader(nil, 3), fmt.Sprintf(`{"lap":%d,"driver":%q,"via":%q}`, lap, drivers[i], via)...)
			}
			r := &kgo.Record{Key: protoCarKey(t, 8, drivers[i], int32(i+1)), Value: v, Timestamp: time.UnixMilli(int64(1000 + lap)),
				Headers: []kgo.RecordHeader{{Key: "trace", Value: fmt.Appendf(nil, "t%d", lap)}, {Key: "source", Value: []byte("checks")}}}
			if err := tx.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
			lap++
		}
		if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	batch(true)
	batch(false)
	batch(true)

	r := newRecorder()
	stop, _ := startStream(t, d, pathFor(t, `{"queryType":"raw","topic":"checks","offset":"earliest","columns":["key","headers"],"keyFormat":"protobuf"}`), r)
	waitFor(t, "the backlog's 8 committed records", func() bool { rows, _ := streamRows(t, r); return len(rows) >= 8 })
	batch(false)
	batch(true)
	// The tail's committed records come after its aborted ones: once they
	// are here, an aborted record would be too.
	waitFor(t, "the tail's 4 committed records", func() bool { rows, _ := streamRows(t, r); return len(rows) >= 12 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	rows, _ := streamRows(t, r)
	var got []string
	for _, row := range rows {
		if row["via"] == "aborted" {
			t.Fatalf("a record of an aborted transaction arrived: %v", row)
		}
		got = append(got, fmt.Sprintf("%v %v %v/%v %v/%v", row["lap"], row["via"], row["kafka.key.driver"], row["kafka.key.car"],
			row["kafka.header.trace"], row["kafka.header.source"]))
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	// Committed laps: 0-3, 8-11 (backlog) and 16-19 (tail); lap i's key is
	// driver i%4, car i%4+1.
	var want []string
	for _, l := range []int{0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19} {
		want = append(want, fmt.Sprintf("%d %s %s/%d t%d/checks", l, []string{"json", "avro", "protobuf", "jsonschema"}[l%4], drivers[l%4], l%4+1, l))
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("stream rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, raws := r.snapshot()
	for _, p := range raws {
		if strings.Contains(p, "skipped or cut") {
			t.Fatalf("records were not decoded: %.300s", p)
		}
	}
}
