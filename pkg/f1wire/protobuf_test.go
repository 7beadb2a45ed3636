package f1wire

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// protoUnmarshal reads an encoder's output with the protobuf runtime
// (dynamicpb over the schema compiled by protocompile) and returns it as
// protojson with the schema's field names, so a test sees what any
// Protobuf reader sees.
func protoUnmarshal(t *testing.T, schema string, v []byte) string {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"s.proto": schema}),
	})}
	files, err := c.Compile(context.Background(), "s.proto")
	if err != nil {
		t.Fatal(err)
	}
	id, body, err := codec.SplitWire(v)
	if err != nil || id != 77 {
		t.Fatalf("wire header: %d %v", id, err)
	}
	idx, msg, err := codec.SplitIndexes(body, nil)
	if err != nil || len(idx) != 1 || idx[0] != 0 {
		t.Fatalf("message index %v %v", idx, err)
	}
	m := dynamicpb.NewMessage(files[0].Messages().Get(0))
	if err := proto.Unmarshal(msg, m); err != nil {
		t.Fatal(err)
	}
	return protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Format(m)
}

// Every F1 record in Protobuf: the protobuf runtime reads what the
// encoders write, and Pitwall's decoder plus the Reader give back the
// struct (zero values included: proto3 leaves them out of the bytes).
func TestProtobufRoundTrip(t *testing.T) {
	fake := srfake.New()
	t.Cleanup(fake.Close)
	reg, err := codec.NewRegistry(codec.RegistryConfig{URL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{f1.TopicTelemetry, f1.TopicPositions, f1.TopicRaceControl, f1.TopicAlerts, f1.TopicRaceCommands, f1.TopicPredictions, f1.TopicWeather, f1.TopicLocations} {
		if _, ok := ProtoSchemaForTopic(topic); !ok {
			t.Fatalf("no Protobuf schema for %s", topic)
		}
	}
	fake.SeedSchema(codec.Subject(f1.TopicTelemetry), 1, 77, sr.Schema{Schema: TelemetryProto, Type: sr.TypeProtobuf})
	if js := protoUnmarshal(t, TelemetryProto, TelemetryProtobuf(nil, 77, &tel)); !contains(js, `"driver":"VER"`, `"speed_kph":316.54250048`, `"brake":0`) {
		t.Fatalf("telemetry as the protobuf runtime reads it: %s", js)
	}
	for name, c := range map[string]struct {
		schema string
		value  []byte
	}{
		"position":     {PositionProto, PositionProtobuf(nil, 77, &pos)},
		"race control": {RaceControlProto, RaceControlProtobuf(nil, 77, &rc)},
		"alert":        {AlertProto, AlertProtobuf(nil, 77, &alert)},
		"command":      {RaceCommandProto, RaceCommandProtobuf(nil, 77, &cmd)},
	} {
		if js := protoUnmarshal(t, c.schema, c.value); !contains(js, `"race_id":`) {
			t.Fatalf("%s: %s", name, js)
		}
	}
	if js := protoUnmarshal(t, PositionProto, PositionProtobuf(nil, 77, &pos)); !contains(js, `"sector_1_s":26.921`, `"sector_3_s":28.417`) {
		t.Fatalf("position sectors: %s", js)
	}
	if js := protoUnmarshal(t, WeatherProto, WeatherProtobuf(nil, 77, &weather)); !contains(js, `"air_temp_c":33.2`, `"rainfall":true`, `"wind_speed_ms":0.7`, `"pressure_mbar":993.8`) {
		t.Fatalf("weather: %s", js)
	}
	if js := protoUnmarshal(t, LocationProto, LocationProtobuf(nil, 77, &location)); !contains(js, `"driver":"NOR"`, `"x":-1286`, `"y":324.5`, `"z":187`) {
		t.Fatalf("location: %s", js)
	}
	fr := NewReader()
	var got f1.Telemetry
	r := decodeRec(t, codec.NewDecoder(codec.FormatAuto, f1.TopicTelemetry, reg, codec.Limits{}), TelemetryProtobuf(nil, 77, &tel))
	if r.rec.Type != codec.FormatProtobuf || !fr.Telemetry(r.rec, r.names, r.ts, r.key, &got) || got != tel {
		t.Fatalf("telemetry: got %+v\nwant %+v", got, tel)
	}
	for _, sc := range []struct {
		topic, schema string
		value         []byte
		check         func(decoded) bool
	}{
		{f1.TopicPositions, PositionProto, PositionProtobuf(nil, 78, &pos), func(r decoded) bool {
			var p f1.Position
			return fr.Position(r.rec, r.names, r.ts, r.key, &p) && p == pos
		}},
		{f1.TopicRaceControl, RaceControlProto, RaceControlProtobuf(nil, 79, &rc), func(r decoded) bool {
			var e f1.RaceControl
			return fr.RaceControl(r.rec, r.names, r.ts, &e) && e == rc
		}},
		{f1.TopicAlerts, AlertProto, AlertProtobuf(nil, 80, &alert), func(r decoded) bool {
			var a f1.Alert
			return fr.Alert(r.rec, r.names, r.ts, &a) && a == alert
		}},
		{f1.TopicPredictions, PredictionProto, PredictionProtobuf(nil, 81, &prediction), func(r decoded) bool {
			var p f1.Prediction
			return fr.Prediction(r.rec, r.names, r.ts, &p) && p == prediction
		}},
	} {
		id, _, _ := codec.SplitWire(sc.value)
		fake.SeedSchema(codec.Subject(sc.topic), 1, id, sr.Schema{Schema: sc.schema, Type: sr.TypeProtobuf})
		if r := decodeRec(t, codec.NewDecoder(codec.FormatAuto, sc.topic, reg, codec.Limits{}), sc.value); !sc.check(r) {
			t.Fatalf("%s did not read back", sc.topic)
		}
	}
}

// A race command in Protobuf is read without a registry, like Avro ones.
func TestRaceCommandProtobufDecodes(t *testing.T) {
	for _, c := range []f1.RaceCommand{cmd, {Ts: 1, RaceID: "r", Command: f1.CommandStop}} {
		got, err := DecodeRaceCommand(RaceCommandProtobuf(nil, 9, &c), time.UnixMilli(5))
		if c.Drivers == nil {
			got.Drivers = nil
		}
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("got %+v %v, want %+v", got, err, c)
		}
	}
	// Avro still decodes, and garbage is refused.
	if got, err := DecodeRaceCommand(RaceCommandAvro(nil, 9, &cmd), time.UnixMilli(5)); err != nil || got.RaceID != cmd.RaceID {
		t.Fatalf("avro: %+v %v", got, err)
	}
	if _, err := DecodeRaceCommand(append(codec.AppendWireHeader(nil, 9), 0, 0x12, 0xff, 0x01), time.UnixMilli(5)); err == nil {
		t.Fatal("garbage accepted")
	}
}

func BenchmarkTelemetryProtobuf(b *testing.B) {
	buf := make([]byte, 0, 512)
	for i := 0; i < b.N; i++ {
		buf = TelemetryProtobuf(buf[:0], 1, &tel)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
