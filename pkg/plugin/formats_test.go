package plugin

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// The formats and records of issue 17, end to end: records produced to a
// broker (kfake here, real Kafka in TestIntegrationPluginOnRealKafka), read
// by QueryData.

const (
	mixedAvro  = `{"type":"record","name":"Lap","fields":[{"name":"lap","type":"int"},{"name":"driver","type":"string"},{"name":"via","type":"string"}]}`
	mixedProto = `syntax = "proto3";
import "google/protobuf/timestamp.proto";
message Lap { int32 lap = 1; string driver = 2; string via = 3; google.protobuf.Timestamp at = 4; }
`
	mixedJSONSchema = `{"type":"object","properties":{"lap":{"type":"integer"},"driver":{"type":"string"},"via":{"type":"string"},"at":{"type":"string","format":"date-time"}}}`
)

// protoMessage compiles one .proto file (with the well-known types) and
// returns its first message type.
func protoMessage(t testing.TB, name, src string) protoreflect.MessageDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: src}),
	})}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return files[0].Messages().Get(0)
}

// protoWire marshals m with the protobuf runtime behind the Confluent
// header of schema id and the message index [0].
func protoWire(t testing.TB, id int, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(codec.AppendIndexes(codec.AppendWireHeader(nil, id)), b...)
}

// protoLap encodes a Lap in the wire format of schema id.
func protoLap(t testing.TB, id int, lap int32, driver string, at time.Time) []byte {
	t.Helper()
	md := protoMessage(t, "lap.proto", mixedProto)
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("lap"), protoreflect.ValueOfInt32(lap))
	m.Set(md.Fields().ByName("driver"), protoreflect.ValueOfString(driver))
	m.Set(md.Fields().ByName("via"), protoreflect.ValueOfString("protobuf"))
	ts := dynamicpb.NewMessage(md.Fields().ByName("at").Message())
	ts.Set(ts.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(at.Unix()))
	ts.Set(ts.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(int32(at.Nanosecond())))
	m.Set(md.Fields().ByName("at"), protoreflect.ValueOfMessage(ts))
	return protoWire(t, id, m)
}

// oneFrame is the one frame of a response without error.
func oneFrame(t testing.TB, dr backend.DataResponse) *data.Frame {
	t.Helper()
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if len(dr.Frames) != 1 {
		t.Fatalf("%d frames, want 1", len(dr.Frames))
	}
	return dr.Frames[0]
}

// A topic holding JSON, Avro, Protobuf and JSON Schema records, read with
// format auto: every record decodes (the wire-format ones by the type of
// the schema their id names), into the same columns; the Protobuf
// Timestamp and the JSON Schema date-time are one time column.
func TestMixedFormatsInAutoDecodeEveryRecord(t *testing.T) {
	c := testCluster(t, map[string]int32{"mixed": 1})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	fake.SeedSchema("mixed-value", 1, 1, sr.Schema{Schema: mixedAvro, Type: sr.TypeAvro})
	fake.SeedSchema("mixed-value", 2, 2, sr.Schema{Schema: mixedProto, Type: sr.TypeProtobuf})
	fake.SeedSchema("mixed-value", 3, 3, sr.Schema{Schema: mixedJSONSchema, Type: sr.TypeJSON})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})

	at := time.Date(2024, 9, 1, 13, 0, 0, 250e6, time.UTC)
	var recs []rec
	for i := 0; i < 12; i++ {
		ts := int64(1000 + i)
		var v []byte
		switch i % 4 {
		case 0:
			v = []byte(`{"lap":` + itoa(i) + `,"driver":"VER","via":"json"}`)
		case 1:
			v = avroWire(t, mixedAvro, 1, map[string]any{"lap": i, "driver": "VER", "via": "avro"})
		case 2:
			v = protoLap(t, 2, int32(i), "VER", at)
		case 3:
			v = append(codec.AppendWireHeader(nil, 3), `{"lap":`+itoa(i)+`,"driver":"VER","via":"jsonschema","at":"2024-09-01T13:00:00.25Z"}`...)
		}
		recs = append(recs, rec{0, "VER", ts, v})
	}
	produce(t, c, "mixed", recs...)
	dr := runQuery(t, d, map[string]any{"queryType": "raw", "topic": "mixed", "offset": "earliest"}, 0, 0, 0, nil)
	f := oneFrame(t, dr)
	if f.Meta != nil && len(f.Meta.Notices) > 0 {
		t.Fatalf("notices: %+v", f.Meta.Notices)
	}
	if got := strings.Join(frametest.Values(t, f, "via"), ","); got != strings.Repeat("json,avro,protobuf,jsonschema,", 3)[:len(got)] || f.Rows() != 12 {
		t.Fatalf("%d rows, via %s", f.Rows(), got)
	}
	if got := strings.Join(frametest.Values(t, f, "lap"), ","); got != "0,1,2,3,4,5,6,7,8,9,10,11" {
		t.Fatalf("lap %s", got)
	}
	atField, _ := f.FieldByName("at")
	if atField.Type() != data.FieldTypeNullableTime {
		t.Fatalf("at is %s, want a time", atField.Type())
	}
	want := itoa64(at.UnixMilli())
	if got := strings.Join(frametest.Values(t, f, "at"), ","); got != strings.Repeat("null,null,"+want+","+want+",", 3)[:len(got)] {
		t.Fatalf("at %s", got)
	}
}

// Keys decoded by the <topic>-key subject's schema (Avro here) and headers
// become columns; the key splits the rows into labelled series; base64
// shows a binary key as it is.
func TestKeysAndHeadersAreColumns(t *testing.T) {
	c := testCluster(t, map[string]int32{"keyed": 1})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	keySchema := `{"type":"record","name":"CarKey","fields":[{"name":"driver","type":"string"},{"name":"car","type":"int"}]}`
	fake.SeedSchema("keyed-key", 1, 7, sr.Schema{Schema: keySchema, Type: sr.TypeAvro})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})

	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("keyed"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i, drv := range []string{"VER", "HAM", "VER"} {
		r := &kgo.Record{Key: avroWire(t, keySchema, 7, map[string]any{"driver": drv, "car": 1 + i}), Value: []byte(`{"lap":` + itoa(i) + `}`),
			Timestamp: time.UnixMilli(int64(1000 + i)),
			Headers:   []kgo.RecordHeader{{Key: "source", Value: []byte("sim")}, {Key: "trace", Value: []byte("t" + itoa(i))}}}
		if err := p.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	q := map[string]any{"queryType": "raw", "topic": "keyed", "offset": "earliest", "columns": []string{"key", "headers"}, "keyFormat": "avro"}
	dr := runQuery(t, d, q, 0, 0, 0, nil)
	f := oneFrame(t, dr)
	if got := strings.Join(frametest.FieldNames(f), ","); got != "time,kafka.key.driver,kafka.key.car,kafka.header.source,kafka.header.trace,lap" {
		t.Fatalf("fields %s", got)
	}
	if got := strings.Join(frametest.Values(t, f, "kafka.key.driver"), ","); got != "VER,HAM,VER" {
		t.Fatalf("key.driver %s", got)
	}
	if got := strings.Join(frametest.Values(t, f, "kafka.header.trace"), ","); got != "t0,t1,t2" {
		t.Fatalf("header.trace %s", got)
	}

	// seriesBy: one frame per driver, labelled.
	q["seriesBy"] = []string{"kafka.key.driver"}
	dr = runQuery(t, d, q, 0, 0, 0, nil)
	if dr.Error != nil || len(dr.Frames) != 2 {
		t.Fatalf("seriesBy: %v, %d frames", dr.Error, len(dr.Frames))
	}
	for _, f := range dr.Frames {
		lap, _ := f.FieldByName("lap")
		if lap == nil || lap.Labels["kafka.key.driver"] == "" {
			t.Fatalf("frame %q: no driver label on lap", f.Name)
		}
		want := map[string]string{"HAM": "1", "VER": "0,2"}[lap.Labels["kafka.key.driver"]]
		if got := strings.Join(frametest.Values(t, f, "lap"), ","); got != want {
			t.Fatalf("%s: lap %s, want %s", lap.Labels, got, want)
		}
	}

	// base64: the key's bytes as they are (here the Avro wire bytes).
	dr = runQuery(t, d, map[string]any{"queryType": "raw", "topic": "keyed", "offset": "earliest", "columns": []string{"key"}, "keyFormat": "base64"}, 0, 0, 0, nil)
	f = oneFrame(t, dr)
	if got := frametest.Values(t, f, "kafka.key")[0]; !strings.HasPrefix(got, "AAAAAAc") { // 0x00 + id 7
		t.Fatalf("base64 key %s", got)
	}
}

// Records of an aborted transaction never show (read_committed, the
// default); read_uncommitted shows them.
func TestAbortedTransactionRecordsNeverShow(t *testing.T) {
	c := testCluster(t, map[string]int32{"txn": 1})
	d := newTestDS(t, c, dsOpts{})
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("txn"), kgo.TransactionalID("pitwall-txn-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, commit := range []bool{true, false, true} {
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			v, _ := json.Marshal(map[string]any{"batch": i, "committed": commit})
			if err := tx.ProduceSync(ctx, &kgo.Record{Value: v, Timestamp: time.UnixMilli(int64(1000 + 10*i + j))}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	q := map[string]any{"queryType": "raw", "topic": "txn", "offset": "earliest"}
	// A real broker writes the commit markers after EndTransaction returns:
	// the last batch becomes readable (the last stable offset moves past
	// it) a moment later.
	got := ""
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		dr := runQuery(t, d, q, 0, 0, 0, nil)
		got = strings.Join(frametest.Values(t, oneFrame(t, dr), "batch"), ",")
		if strings.Count(got, ",") >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if got != "0,0,2,2" {
		t.Fatalf("read_committed read batches %s, want 0,0,2,2", got)
	}
	q["isolation"] = "read_uncommitted"
	dr := runQuery(t, d, q, 0, 0, 0, nil)
	f := oneFrame(t, dr)
	if got := strings.Join(frametest.Values(t, f, "batch"), ","); got != "0,0,1,1,2,2" {
		t.Fatalf("read_uncommitted read batches %s, want 0,0,1,1,2,2", got)
	}
}

// Telegraf's line protocol and plain text topics become typed fields; the
// line-protocol timestamp is the row's time, and the frame says so.
func TestLineProtocolAndTextTopics(t *testing.T) {
	c := testCluster(t, map[string]int32{"telegraf": 1, "notes": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "telegraf",
		rec{0, "", 5000, []byte("cpu,host=a usage_idle=97.5,cores=8i,up=t 1725197758853")},
		rec{0, "", 5001, []byte("cpu,host=b usage_idle=42,cores=4i,up=f 1725197758854")})
	produce(t, c, "notes", rec{0, "", 5000, []byte("pit stop\n")}, rec{0, "", 5001, []byte("12.5")})
	dr := runQuery(t, d, map[string]any{"queryType": "raw", "topic": "telegraf", "offset": "earliest", "format": "influx", "precision": "ms", "seriesBy": []string{"host"}}, 0, 0, 0, nil)
	if dr.Error != nil || len(dr.Frames) != 2 {
		t.Fatalf("%v, %d frames", dr.Error, len(dr.Frames))
	}
	f := dr.Frames[0] // host=a
	if got := strings.Join(frametest.Values(t, f, "time"), ","); got != "1725197758853" {
		t.Fatalf("time %s (the line's timestamp, ms precision)", got)
	}
	if f.Meta.Custom.(map[string]any)["timeSource"] != "payload timestamp (line protocol)" {
		t.Fatalf("meta %+v", f.Meta.Custom)
	}
	for name, want := range map[string]string{"measurement": "cpu", "host": "a", "usage_idle": "97.5", "cores": "8", "up": "true"} {
		if got := frametest.Values(t, f, name)[0]; got != want {
			t.Fatalf("%s = %s, want %s", name, got, want)
		}
	}
	dr = runQuery(t, d, map[string]any{"queryType": "raw", "topic": "notes", "offset": "earliest", "format": "text"}, 0, 0, 0, nil)
	f = oneFrame(t, dr)
	// The first value fixes the column's type: the number is counted, not shown.
	if got := strings.Join(frametest.Values(t, f, "value"), ","); got != "pit stop,null" {
		t.Fatalf("text values %s", got)
	}
}

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
