package codec

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// A recursive message whose body nests as deep as its bytes allow: past
// MaxProtoNesting it must fail, not grow the stack without end.
const protoRecursive = `syntax = "proto3";
message Node { Node next = 1; int64 v = 2; repeated Node kids = 3; map<string, Node> m = 4; }
`

// hostileNest is n levels of Node.next around one v.
func hostileNest(n int) []byte {
	body := []byte{0x10, 0x01}
	for i := 0; i < n; i++ {
		inner := body
		body = append([]byte{0x0a}, appendUvarint(nil, uint64(len(inner)))...)
		body = append(body, inner...)
	}
	return append(AppendIndexes(AppendWireHeader(nil, 41)), body...)
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func TestProtobufRecursiveBodyStopsAtHardDepth(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(fuzzMaxStack))
	fake, reg := newSR(t)
	fake.SeedSchema("n-value", 1, 41, sr.Schema{Schema: protoRecursive, Type: sr.TypeProtobuf})
	d := NewDecoder(FormatAuto, "n", reg, Limits{})
	var rec Record
	if err := d.Decode(context.Background(), hostileNest(20), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Warning == nil { // MaxDepth 16: deeper levels were dropped and said so
		t.Fatal("no warning for levels past MaxDepth")
	}
	err := d.Decode(context.Background(), hostileNest(MaxProtoNesting+10), &rec)
	if ClassOf(err) != ErrProtobufInvalid || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("got %v", err)
	}
}

// FuzzProtobufDecode feeds arbitrary values to a decoder whose registry
// holds the sample schema (id 11, with its reference) and the recursive
// one (id 41): no panic, no runaway stack, errors are DecodeErrors, fields
// within the limits. Seeds: valid records of both, hostile nests.
func FuzzProtobufDecode(f *testing.F) {
	defer debug.SetMaxStack(debug.SetMaxStack(fuzzMaxStack))
	fake, reg := newSR(f)
	seedProto(fake)
	fake.SeedSchema("n-value", 1, 41, sr.Schema{Schema: protoRecursive, Type: sr.TypeProtobuf})
	// The schema id is one of the two (a random id would only ask the
	// registry, slowly, for a schema it lacks); the fuzzer varies the
	// message indexes and the message.
	f.Add(false, pbWire(f, 11, sampleMessage(f, protoDescs(f)))[WireHeaderLen:])
	f.Add(true, hostileNest(3)[WireHeaderLen:])
	f.Add(true, hostileNest(2000)[WireHeaderLen:])
	f.Add(false, []byte{2, 2, 0, 0x0a, 0x01, 'x'})
	lim := Limits{MaxFields: 200, MaxNames: 500, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatProtobuf, "fz", reg, lim)
	f.Fuzz(func(t *testing.T, recursive bool, body []byte) {
		id := 11
		if recursive {
			id = 41
		}
		in := append(AppendWireHeader(nil, id), body...)
		var rec Record
		if err := d.Decode(context.Background(), in, &rec); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a DecodeError: %v", err)
			}
			if len(rec.Fields) != 0 {
				t.Fatal("failed decode left fields behind")
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
	})
}

// FuzzProtobufSchema compiles arbitrary .proto text (as a registry could
// serve it) and decodes a body with its first message: errors, never a
// panic or an unbounded program.
func FuzzProtobufSchema(f *testing.F) {
	defer debug.SetMaxStack(debug.SetMaxStack(fuzzMaxStack))
	f.Add(protoRecursive, []byte{0x0a, 0x02, 0x10, 0x01})
	f.Add(protoCommon, []byte{0x0a, 0x01, 'x', 0x10, 0x07})
	f.Add(`syntax = "proto2"; message M { optional group G = 1 { optional int32 a = 2; } repeated int32 r = 3 [packed=true]; }`, []byte{0x0b, 0x10, 0x01, 0x0c, 0x1a, 0x02, 0x01, 0x02})
	f.Add(`syntax = "proto3"; import "google/protobuf/struct.proto"; message M { google.protobuf.Struct s = 1; }`, []byte{0x0a, 0x00})
	lim := Limits{MaxFields: 200, MaxNames: 500, MaxValueBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, src string, body []byte) {
		ps, err := compileProtoSources(context.Background(), 1, src, nil)
		if err != nil {
			return
		}
		p, err := ps.program([]int{0})
		if err != nil {
			if ClassOf(err) != ErrBadSchema {
				t.Fatalf("program error of kind %s: %v", ClassOf(err), err)
			}
			return
		}
		if len(p.names) > maxProtoFields {
			t.Fatalf("%d names from a program bounded to %d fields", len(p.names), maxProtoFields)
		}
		d := NewDecoder(FormatProtobuf, "fz", nil, lim)
		var rec Record
		if err := d.pb.decode(p, d.slotIDs(p.names), body, &rec); err != nil {
			if ClassOf(err) != ErrProtobufInvalid {
				t.Fatalf("error of kind %s: %v", ClassOf(err), err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
	})
}

// FuzzLineProtocol: any input decodes or fails with line_protocol_invalid.
func FuzzLineProtocol(f *testing.F) {
	f.Add([]byte(`cpu,host=a\ b usage=1.5,n=2i,u=3u,s="x\"y",b=t 1725197758853000000`))
	f.Add([]byte("# c\nm v=1\nm v=2"))
	lim := Limits{MaxFields: 50, MaxNames: 200, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatInflux, "fz", nil, lim)
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec Record
		if err := d.Decode(context.Background(), in, &rec); err != nil {
			if k := ClassOf(err); k != ErrLineProtocol && k != ErrEmpty && k != ErrTooLarge {
				t.Fatalf("error of kind %s: %v", k, err)
			}
			if len(rec.Fields) != 0 {
				t.Fatal("failed decode left fields behind")
			}
			return
		}
		if len(rec.Fields) == 0 || len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields", len(rec.Fields))
		}
	})
}
