package codec

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoScalars has one singular field of every scalar kind. At the top they
// are decoded by the walker's hot path (static names); the same message
// under "again" is recursive, so its fields are named at run time and go
// through the general path. Both must read alike.
const protoScalars = `syntax = "proto3";
package sc;
message S {
  enum E { ZERO = 0; ONE = 1; }
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5;
  uint64 u64 = 6; sint32 s32 = 7; sint64 s64 = 8; fixed32 x32 = 9;
  fixed64 x64 = 10; sfixed32 sx32 = 11; sfixed64 sx64 = 12; bool b = 13;
  string s = 14; bytes by = 15; E e = 16; optional double od = 17;
  repeated S again = 18;
}
`

func scalarsMessage(t *testing.T) *dynamicpb.Message {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"s.proto": protoScalars}),
	})}
	files, err := c.Compile(context.Background(), "s.proto")
	if err != nil {
		t.Fatal(err)
	}
	md := files[0].Messages().ByName("S")
	fill := func(m *dynamicpb.Message) {
		set(m, "d", -0.25)
		set(m, "f", float32(1.5))
		set(m, "i32", int32(-7)) // a ten-byte varint
		set(m, "i64", int64(-1)<<40)
		set(m, "u32", uint32(math.MaxUint32))
		set(m, "u64", uint64(1)<<52)
		set(m, "s32", int32(-3))
		set(m, "s64", int64(-5))
		set(m, "x32", uint32(9))
		set(m, "x64", uint64(11))
		set(m, "sx32", int32(-13))
		set(m, "sx64", int64(-17))
		set(m, "b", true)
		set(m, "s", "héllo")
		set(m, "by", []byte{1, 2})
		set(m, "e", protoreflect.EnumNumber(1))
		set(m, "od", 0.0) // proto3 optional, present and zero
	}
	m := dynamicpb.NewMessage(md)
	fill(m)
	inner := dynamicpb.NewMessage(md)
	fill(inner)
	m.Mutable(md.Fields().ByName("again")).List().Append(protoreflect.ValueOfMessage(inner))
	return m
}

func TestProtobufEveryScalarKindReadsAlikeAtTopAndBelow(t *testing.T) {
	fake, reg := newSR(t)
	fake.SeedSchema("sc-value", 1, 51, sr.Schema{Schema: protoScalars, Type: sr.TypeProtobuf})
	d := NewDecoder(FormatProtobuf, "sc", reg, Limits{})
	good := pbWire(t, 51, scalarsMessage(t))
	want := []string{`d=-0.25`, `f=1.5`, `i32=-7`, `i64=-1.099511627776e+12`, `u32=4.294967295e+09`,
		`u64=4.503599627370496e+15`, `s32=-3`, `s64=-5`, `x32=9`, `x64=11`, `sx32=-13`, `sx64=-17`,
		`b=true`, `s="héllo"`, `by="AQI="`, `e="ONE"`, `od=0`}
	var all []string
	for _, w := range want {
		all = append(all, w, "again.0."+w)
	}
	got := decodeOK(t, d, good)
	eq(t, sorted(got), sorted(all))

	// Every cut of the body is a clean protobuf_invalid (no fields left
	// behind) or a decode of what is whole; never a panic.
	for cut := WireHeaderLen + 1; cut < len(good); cut++ {
		var rec Record
		err := d.Decode(context.Background(), good[:cut], &rec)
		if err != nil && (ClassOf(err) != ErrProtobufInvalid || len(rec.Fields) > 0) {
			t.Fatalf("cut at %d: %v with %d fields", cut, err, len(rec.Fields))
		}
	}
	// A double cut inside its eight bytes says so.
	body := []byte{0x09, 1, 2, 3} // field 1 (d), fixed64, 3 of 8 bytes
	var rec Record
	err := d.Decode(context.Background(), append(AppendIndexes(AppendWireHeader(nil, 51)), body...), &rec)
	if ClassOf(err) != ErrProtobufInvalid || !strings.Contains(err.Error(), "message sc.S") {
		t.Fatalf("truncated double: %v", err)
	}
	// A field written with another wire type than its kind's is skipped,
	// at the top as below: d as a varint, s as a fixed32.
	body = []byte{0x08, 0x05, 0x75, 1, 2, 3, 4, 0x18, 0x02}
	got = decodeOK(t, d, append(AppendIndexes(AppendWireHeader(nil, 51)), body...))
	for _, g := range got {
		if strings.HasPrefix(g, "d=") && g != "d=0" || strings.HasPrefix(g, "s=") && g != `s=""` {
			t.Fatalf("mistyped field was read: %s", g)
		}
	}
	if !slices.Contains(got, "i32=2") {
		t.Fatalf("field after mistyped ones lost: %q", got)
	}
}
