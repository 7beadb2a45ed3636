package codec

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The Protobuf schemas of these tests: a message with every kind of field
// Pitwall maps (scalars, enum, well-known types, packed and unpacked
// repeated fields, a map, a message from an import resolved through the
// registry's references, recursion, proto3 optional), and a second
// top-level message with a nested one (message indexes [1] and [1, 0]).
const (
	protoCommon = `syntax = "proto3";
package common;
message Car { string team = 1; uint32 number = 2; }
`
	protoSample = `syntax = "proto3";
package test.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "common.proto";

message Sample {
  enum Status { OK = 0; PIT = 1; }
  message Inner { Sample next = 1; string tag = 2; }
  string driver = 1;
  double speed = 2;
  int32 gear = 3;
  sint64 delta = 4;
  bool drs = 5;
  Status status = 6;
  google.protobuf.Timestamp at = 7;
  google.protobuf.Duration lap_time = 8;
  google.protobuf.DoubleValue brake_temp = 9;
  google.protobuf.Int32Value missing = 10;
  repeated float tyres = 11;
  map<string, int64> counters = 12;
  common.Car car = 13;
  repeated common.Car history = 14;
  optional int32 opt = 15;
  bytes raw = 16;
  Inner inner = 17;
  repeated string tags = 18;
}
message Other {
  message Deep { int32 y = 1; }
  string x = 1;
}
`
)

// protoDescs compiles the test schemas as a producer would (protocompile
// here too; the encoding is the protobuf runtime's).
func protoDescs(t testing.TB) protoreflect.FileDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"sample.proto": protoSample, "common.proto": protoCommon}),
	})}
	files, err := c.Compile(context.Background(), "sample.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

// seedProto registers common.proto (id 10) and the sample schema (id 11)
// under subject t-value, with its reference.
func seedProto(fake *srfake.Registry) {
	fake.SeedSchema("common.proto", 1, 10, sr.Schema{Schema: protoCommon, Type: sr.TypeProtobuf})
	fake.SeedSchema("t-value", 1, 11, sr.Schema{Schema: protoSample, Type: sr.TypeProtobuf,
		References: []sr.SchemaReference{{Name: "common.proto", Subject: "common.proto", Version: 1}}})
}

// pbWire marshals m with the protobuf runtime behind the Confluent header
// and message indexes.
func pbWire(t testing.TB, id int, m proto.Message, path ...int) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(AppendIndexes(AppendWireHeader(nil, id), path...), b...)
}

func set(m *dynamicpb.Message, name string, v any) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	m.Set(fd, protoreflect.ValueOf(v))
}

func sampleMessage(t testing.TB, fd protoreflect.FileDescriptor) *dynamicpb.Message {
	md := fd.Messages().ByName("Sample")
	m := dynamicpb.NewMessage(md)
	set(m, "driver", "VER")
	set(m, "speed", 312.5)
	set(m, "gear", int32(7))
	set(m, "delta", int64(-42))
	set(m, "drs", true)
	set(m, "status", protoreflect.EnumNumber(1))
	ts := dynamicpb.NewMessage(md.Fields().ByName("at").Message())
	set(ts, "seconds", int64(1725197758))
	set(ts, "nanos", int32(853_000_000))
	set(m, "at", ts)
	dur := dynamicpb.NewMessage(md.Fields().ByName("lap_time").Message())
	set(dur, "seconds", int64(81))
	set(dur, "nanos", int32(500_000_000))
	set(m, "lap_time", dur)
	bt := dynamicpb.NewMessage(md.Fields().ByName("brake_temp").Message())
	set(bt, "value", 0.0) // present, holding zero: 0, not null
	set(m, "brake_temp", bt)
	tyres := m.Mutable(md.Fields().ByName("tyres")).List()
	for _, v := range []float32{1.5, 2.5} {
		tyres.Append(protoreflect.ValueOfFloat32(v))
	}
	counters := m.Mutable(md.Fields().ByName("counters")).Map()
	counters.Set(protoreflect.ValueOfString("pit").MapKey(), protoreflect.ValueOfInt64(2))
	car := dynamicpb.NewMessage(md.Fields().ByName("car").Message())
	set(car, "team", "Red Bull Racing")
	set(car, "number", uint32(1))
	set(m, "car", car)
	hist := m.Mutable(md.Fields().ByName("history")).List()
	for _, team := range []string{"A", "B"} {
		h := dynamicpb.NewMessage(md.Fields().ByName("history").Message())
		set(h, "team", team)
		hist.Append(protoreflect.ValueOfMessage(h))
	}
	set(m, "raw", []byte{0xff, 0x00})
	inner := dynamicpb.NewMessage(md.Fields().ByName("inner").Message())
	next := dynamicpb.NewMessage(md)
	set(next, "driver", "HAM")
	set(inner, "next", next)
	set(inner, "tag", "t")
	set(m, "inner", inner)
	tags := m.Mutable(md.Fields().ByName("tags")).List()
	tags.Append(protoreflect.ValueOfString("x"))
	tags.Append(protoreflect.ValueOfString("y"))
	return m
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestProtobufDecodesByIDWithReferencesAndWellKnownTypes(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	fd := protoDescs(t)
	d := NewDecoder(FormatAuto, "t", reg, Limits{})
	var rec Record
	if err := d.Decode(context.Background(), pbWire(t, 11, sampleMessage(t, fd)), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Type != FormatProtobuf || rec.SchemaID != 11 {
		t.Fatalf("type %s id %d, want protobuf 11", rec.Type, rec.SchemaID)
	}
	got := sorted(flat(d, &rec))
	want := sorted([]string{
		`driver="VER"`, `speed=312.5`, `gear=7`, `delta=-42`, `drs=true`, `status="PIT"`,
		`at=time(1.725197758853e+12)`, `lap_time=81.5`, `brake_temp=0`,
		`tyres.0=1.5`, `tyres.1=2.5`, `counters.pit=2`,
		`car.team="Red Bull Racing"`, `car.number=1`,
		`history.0.team="A"`, `history.0.number=0`, `history.1.team="B"`, `history.1.number=0`,
		`raw="/wA="`,
		// Sample is recursive through Inner: names are built below it, and
		// the nested Sample's proto3 scalars read as zero.
		`inner.tag="t"`, `inner.next.driver="HAM"`, `inner.next.speed=0`, `inner.next.gear=0`,
		`inner.next.delta=0`, `inner.next.drs=false`, `inner.next.status="OK"`, `inner.next.raw=""`,
		`tags.0="x"`, `tags.1="y"`,
	})
	eq(t, got, want)
	// missing (a wrapper) and opt (proto3 optional) are absent: null, not 0.
	for _, s := range got {
		if strings.HasPrefix(s, "missing") || strings.HasPrefix(s, "opt") {
			t.Fatalf("absent field with presence was emitted: %s", s)
		}
	}
}

func TestProtobufEmptyMessageReadsProto3Zeros(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	d := NewDecoder(FormatProtobuf, "t", reg, Limits{})
	v := append(AppendIndexes(AppendWireHeader(nil, 11)), nil...) // [0]: Sample, no bytes
	got := decodeOK(t, d, v)
	eq(t, got, []string{`driver=""`, `speed=0`, `gear=0`, `delta=0`, `drs=false`, `status="OK"`, `raw=""`})
}

func TestProtobufMessageIndexesPickNestedTypes(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	fd := protoDescs(t)
	d := NewDecoder(FormatAuto, "t", reg, Limits{})
	other := dynamicpb.NewMessage(fd.Messages().ByName("Other"))
	set(other, "x", "hi")
	eq(t, decodeOK(t, d, pbWire(t, 11, other, 1)), []string{`x="hi"`})
	deep := dynamicpb.NewMessage(fd.Messages().ByName("Other").Messages().ByName("Deep"))
	set(deep, "y", int32(-3))
	eq(t, decodeOK(t, d, pbWire(t, 11, deep, 1, 0)), []string{`y=-3`})
	// An index past the file's messages is the record's fault.
	bad := append(AppendIndexes(AppendWireHeader(nil, 11), 5), 0x08, 0x01)
	decodeKind(t, d, bad, ErrProtobufInvalid)
}

func TestProtobufUnknownFieldsAreSkipped(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	d := NewDecoder(FormatAuto, "t", reg, Limits{})
	// Field 99 (varint), field 98 (bytes), then driver: a newer writer.
	body := []byte{0x98, 0x06, 0x05, 0x92, 0x06, 0x02, 'h', 'i', 0x0a, 0x03, 'L', 'E', 'C'}
	got := decodeOK(t, d, append(AppendIndexes(AppendWireHeader(nil, 11)), body...))
	if got[0] != `driver="LEC"` {
		t.Fatalf("got %q", got)
	}
}

func TestProtobufCorruptBodiesAreCountedErrors(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	fd := protoDescs(t)
	d := NewDecoder(FormatAuto, "t", reg, Limits{})
	good := pbWire(t, 11, sampleMessage(t, fd))
	for cut := 7; cut < len(good)-1; cut += 3 {
		var rec Record
		err := d.Decode(context.Background(), good[:cut], &rec)
		if err != nil && ClassOf(err) != ErrProtobufInvalid {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if err != nil && len(rec.Fields) > 0 {
			t.Fatal("failed decode left fields")
		}
	}
	decodeKind(t, d, append(AppendWireHeader(nil, 11), 0x7f), ErrProtobufInvalid) // 63 indexes
	// The decoder still works.
	decodeOK(t, d, good)
}

func TestProtobufFormatMismatchSaysWhatToSet(t *testing.T) {
	fake, reg := newSR(t)
	seedProto(fake)
	d := NewDecoder(FormatAvro, "t", reg, Limits{})
	var rec Record
	err := d.Decode(context.Background(), append(AppendIndexes(AppendWireHeader(nil, 11)), nil...), &rec)
	if ClassOf(err) != ErrFormatMismatch || !contains(err.Error(), "PROTOBUF", "set format to auto or protobuf") {
		t.Fatalf("got %v", err)
	}
}

func TestProtobufBadSchemasAreBadSchemaErrors(t *testing.T) {
	fake, reg := newSR(t)
	fake.SeedSchema("a-value", 1, 20, sr.Schema{Schema: "syntax = \"proto3\"; message {", Type: sr.TypeProtobuf})
	fake.SeedSchema("b-value", 1, 21, sr.Schema{Schema: "syntax = \"proto3\"; import \"nowhere.proto\"; message M { int32 a = 1; }", Type: sr.TypeProtobuf})
	fake.SeedSchema("c-value", 1, 22, sr.Schema{Schema: "syntax = \"proto3\";" + strings.Repeat("message M {", 100) + strings.Repeat("}", 100), Type: sr.TypeProtobuf})
	fake.SeedSchema("d-value", 1, 23, sr.Schema{Schema: "syntax = \"proto3\"; enum E { A = 0; }", Type: sr.TypeProtobuf})
	d := NewDecoder(FormatAuto, "t", reg, Limits{})
	for id, want := range map[int]string{20: "does not compile", 21: "nowhere.proto", 22: "nests declarations", 23: "defines no message"} {
		var rec Record
		err := d.Decode(context.Background(), append(AppendIndexes(AppendWireHeader(nil, id)), 0x08, 0x01), &rec)
		if ClassOf(err) != ErrBadSchema || !strings.Contains(err.Error(), want) {
			t.Fatalf("id %d: %v, want bad_schema saying %q", id, err, want)
		}
	}
}

func TestSplitIndexes(t *testing.T) {
	for _, path := range [][]int{{0}, {1}, {1, 0}, {3, 2, 1}} {
		b := append(AppendIndexes(nil, path...), 0xAA)
		got, rest, err := SplitIndexes(b, nil)
		if err != nil || len(rest) != 1 || rest[0] != 0xAA || len(got) != len(path) {
			t.Fatalf("%v: got %v %v %v", path, got, rest, err)
		}
		for i := range got {
			if got[i] != path[i] {
				t.Fatalf("%v: got %v", path, got)
			}
		}
	}
	for _, bad := range [][]byte{nil, {0x01}, {0x80}, {0x03, 0x02}, {0x02, 0x01}} {
		if _, _, err := SplitIndexes(bad, nil); err == nil {
			t.Fatalf("%x: no error", bad)
		}
	}
}
