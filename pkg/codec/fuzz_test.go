package codec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/iskorotkov/avro/v2"
)

// FuzzJSONFlatten: any input either decodes within the limits or fails with
// a DecodeError; valid JSON always decodes. Seeds: testdata/fuzz/FuzzJSONFlatten.
func FuzzJSONFlatten(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,2,{"c":"d"}]},"e":null}`))
	f.Add([]byte(`{"ts":1725197758853,"driver":"VER","speed_kph":321.5,"gear":8}`))
	lim := Limits{MaxDepth: 4, MaxFields: 50, MaxNames: 200, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatJSON, "fuzz", nil, lim)
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec Record
		err := d.Decode(context.Background(), in, &rec)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a DecodeError: %v", err)
			}
			if len(rec.Fields) != 0 {
				t.Fatal("failed decode left fields behind")
			}
			if len(in) > 0 && len(in) <= lim.MaxValueBytes && json.Valid(in) {
				t.Fatalf("valid JSON %q refused: %v", in, err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
		for _, fl := range rec.Fields {
			if int(fl.ID) >= d.Names().Len() || fl.ID < 0 {
				t.Fatalf("bad field id %d", fl.ID)
			}
		}
	})
}

// FuzzAvroDecode feeds arbitrary wire values (header + body) to a decoder
// whose registry knows the schemas of fuzzSchemas (ids 1-7, the hostile ones
// recursive, deep and wide): no panic, no runaway work or stack, errors are
// DecodeErrors. Seeds: testdata/fuzz/FuzzAvroDecode (hostile-* are links of
// the recursive schemas past MaxAvroNesting).
func FuzzAvroDecode(f *testing.F) {
	// A low stack cap turns runaway recursion into a crash the fuzzer sees
	// at once (the default, 1 GB, takes millions of levels to reach).
	defer debug.SetMaxStack(debug.SetMaxStack(fuzzMaxStack))
	fake, reg := newSR(f)
	for i, s := range fuzzSchemas {
		subject := "other"
		if i == 0 || i == 2 {
			subject = "fz-value"
		}
		seed(fake, subject, i+1, i+1, s)
	}
	tel := telemetry{Ts: 1, RaceID: "r", Driver: "VER", Gear: 3, SpeedKph: 200}
	f.Add(wire(f, TelemetrySchema, 1, tel))
	f.Add(wire(f, evoV1, 3, map[string]any{"ts": int64(5), "speed": 9, "old": "o"}))
	f.Add([]byte{0, 0, 0, 0, 2, 2, 10, 104, 101, 108, 108, 111})
	f.Add(hostileList(4, 3))
	f.Add(hostileList(4, 5000))
	f.Add(hostileList(4, 60_000)) // needs ~33 MB of stack without MaxAvroNesting
	lim := Limits{MaxFields: 200, MaxNames: 500, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatAvro, "fz", reg, lim)
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec Record
		if err := d.Decode(context.Background(), in, &rec); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a DecodeError: %v", err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
	})
}

// fuzzMaxStack is the goroutine stack cap of the Avro fuzz targets.
const fuzzMaxStack = 16 << 20

// fuzzSchemas are the registry of FuzzAvroDecode (schema id = index+1):
// Pitwall's telemetry, complex types, an evolution step, then hostile ones.
var fuzzSchemas = []string{
	TelemetrySchema,
	complexSchema,
	evoV1,
	recursiveSchema,
	// Mutual recursion through an array and a map.
	`{"type":"record","name":"A","fields":[{"name":"bs","type":{"type":"array","items":{"type":"record","name":"B","fields":[
{"name":"m","type":{"type":"map","values":"A"}},{"name":"x","type":["null","long","string"]}]}}}]}`,
	deepArraysSchema(300),
	hugeUnionSchema(300),
}

// deepArraysSchema nests n arrays of arrays around a long.
func deepArraysSchema(n int) string {
	return strings.Repeat(`{"type":"array","items":`, n) + `"long"` + strings.Repeat("}", n)
}

// hugeUnionSchema is a record with one union of n record branches.
func hugeUnionSchema(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"U","fields":[{"name":"u","type":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"record","name":"R%d","fields":[{"name":"v%d","type":"long"}]}`, i, i)
	}
	b.WriteString(`]}]}`)
	return b.String()
}

// FuzzAvroSchema feeds arbitrary writer and reader schemas, and a body, to
// the schema compiler and the decoder, the way a hostile registry would: no
// panic, no stack overflow, no runaway memory; a schema either compiles
// (within maxProgramOps) or is refused with an error, and a body decodes or
// fails with avro_invalid. Seeds: testdata/fuzz/FuzzAvroSchema and below.
func FuzzAvroSchema(f *testing.F) {
	defer debug.SetMaxStack(debug.SetMaxStack(fuzzMaxStack))
	for _, s := range fuzzSchemas {
		f.Add(s, "", []byte{2, 2, 2, 0})
	}
	f.Add(evoV1, evoV2, []byte{2, 4, 2, 'o'})
	f.Add(recursiveSchema, recursiveSchema, hostileList(0, 2000)[WireHeaderLen:])
	f.Add(deepArraysSchema(5000), "", bytes.Repeat([]byte{2}, 6000))
	f.Add(`{"type":"fixed","name":"F","size":2147483647}`, "", []byte{1, 2, 3})
	f.Add(`{"type":"bytes","logicalType":"decimal","precision":400,"scale":300}`, "", []byte{4, 0xff, 0xff})
	f.Add(`{"type":"enum","name":"E","symbols":["A","B"]}`, `{"type":"enum","name":"E","symbols":["B"],"default":"B"}`, []byte{2})
	lim := Limits{MaxFields: 200, MaxNames: 500, MaxValueBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, writer, reader string, body []byte) {
		w, err := avro.ParseWithCache(writer, "", &avro.SchemaCache{})
		if err != nil {
			return
		}
		var r avro.Schema
		if reader != "" {
			if r, err = avro.ParseWithCache(reader, "", &avro.SchemaCache{}); err != nil {
				return
			}
		}
		p, err := compileAvro(w, r)
		if err != nil {
			return
		}
		if len(p.names) > maxProgramOps {
			t.Fatalf("%d names from a program bounded to %d ops", len(p.names), maxProgramOps)
		}
		d := NewDecoder(FormatAvro, "fz", nil, lim)
		var rec Record
		if err := d.av.decode(p, d.slotIDs(p.names), body, &rec); err != nil {
			if ClassOf(err) != ErrAvroInvalid {
				t.Fatalf("error of kind %s: %v", ClassOf(err), err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
	})
}
