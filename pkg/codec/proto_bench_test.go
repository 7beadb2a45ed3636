package codec

import (
	"context"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// telemetryProto is the test telemetry record (telemetry_fixture_test.go)
// as Protobuf, for the benchmarks beside BenchmarkDecodeAvroTelemetry.
const telemetryProto = `syntax = "proto3";
message Telemetry {
  int64 ts = 1; string race_id = 2; string driver = 3; int32 driver_number = 4;
  string team = 5; int32 lap = 6; double distance_m = 7; double speed_kph = 8;
  double rpm = 9; int32 gear = 10; double throttle_pct = 11; double brake = 12;
  int32 drs = 13; double x = 14; double y = 15; double brake_temp_c = 16;
}
`

func telemetryProtoValues(b *testing.B) (protoreflect.MessageDescriptor, [][]byte) {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"t.proto": telemetryProto}),
	})}
	files, err := c.Compile(context.Background(), "t.proto")
	if err != nil {
		b.Fatal(err)
	}
	md := files[0].Messages().Get(0)
	vals := make([][]byte, 256)
	for i := range vals {
		m := dynamicpb.NewMessage(md)
		set(m, "ts", int64(1725197758853+i))
		set(m, "race_id", "r")
		set(m, "driver", "VER")
		set(m, "driver_number", int32(1))
		set(m, "team", "Red Bull Racing")
		set(m, "lap", int32(3))
		set(m, "distance_m", float64(i)*3.5)
		set(m, "speed_kph", float64(i))
		set(m, "rpm", 11000.0)
		set(m, "gear", int32(7))
		set(m, "throttle_pct", 99.0)
		set(m, "brake", 0.0)
		set(m, "drs", int32(1))
		set(m, "x", 1.5)
		set(m, "y", -2.5)
		set(m, "brake_temp_c", 420.0)
		vals[i] = pbWire(b, 50, m)
	}
	return md, vals
}

// BenchmarkDecodeProtobufTelemetry: Pitwall's Protobuf path (compiled
// message tree walked with protowire), the same record as
// BenchmarkDecodeAvroTelemetry. records/s is 1e9 / ns/op.
func BenchmarkDecodeProtobufTelemetry(b *testing.B) {
	fake, reg := newSR(b)
	fake.SeedSchema("tel-value", 1, 50, sr.Schema{Schema: telemetryProto, Type: sr.TypeProtobuf})
	_, vals := telemetryProtoValues(b)
	d := NewDecoder(FormatAuto, "tel", reg, Limits{})
	var rec Record
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(context.Background(), vals[i&255], &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecodeProtobufDynamicpb is the baseline the walker was chosen
// over: dynamicpb.Message unmarshalled by the protobuf runtime, then its
// populated fields walked into the same Record.
func BenchmarkDecodeProtobufDynamicpb(b *testing.B) {
	md, vals := telemetryProtoValues(b)
	names := NewNames(0)
	fields := md.Fields()
	ids := make([]int32, fields.Len())
	for i := range ids {
		ids[i], _ = names.IDString(string(fields.Get(i).Name()))
	}
	var rec Record
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := dynamicpb.NewMessage(md)
		body := vals[i&255][WireHeaderLen+1:]
		if err := proto.Unmarshal(body, m); err != nil {
			b.Fatal(err)
		}
		rec.Reset()
		for j := 0; j < fields.Len(); j++ {
			fd := fields.Get(j)
			v := m.Get(fd)
			switch fd.Kind() {
			case protoreflect.StringKind:
				rec.add(Field{ID: ids[j], Kind: KindString, Bytes: []byte(v.String())})
			case protoreflect.DoubleKind:
				rec.add(Field{ID: ids[j], Kind: KindNumber, Num: v.Float()})
			default:
				rec.add(Field{ID: ids[j], Kind: KindNumber, Num: float64(v.Int())})
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
