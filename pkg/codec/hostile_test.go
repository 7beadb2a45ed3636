package codec

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

// recursiveSchema is a linked list: a record whose field is an optional
// record of its own type.
const recursiveSchema = `{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}`

// hostileList is a body of n links (union branch 1, zigzag 0x02) and the
// end of the list (branch 0, 0x00).
func hostileList(id, n int) []byte {
	return append(append(AppendWireHeader(nil, id), bytes.Repeat([]byte{0x02}, n)...), 0x00)
}

// A recursive schema with a body of millions of links must not recurse
// until Go's stack overflows (a fatal error no recover catches, which killed
// the plugin process): decoding stops at a hard depth and the record fails
// with avro_invalid. The stack is capped low for the test so that, without
// the bound, the process dies at once instead of after a gigabyte of stack.
func TestAvroRecursiveSchemaStopsAtHardDepth(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	fake, reg := newSR(t)
	seed(fake, "deep-value", 1, 4, recursiveSchema)
	d := NewDecoder(FormatAvro, "deep", reg, Limits{})
	var rec Record
	err := d.Decode(context.Background(), hostileList(4, 4_000_000), &rec)
	if ClassOf(err) != ErrAvroInvalid || !strings.Contains(err.Error(), "nested deeper than") {
		t.Fatalf("got %v, want avro_invalid saying how deep is too deep", err)
	}
	// A short list still decodes.
	got := decodeOK(t, d, hostileList(4, 3))
	eq(t, got, []string{"next.next.next.next=null"})
	// One deeper than MaxDepth but within the hard bound decodes with a
	// warning, its deep end dropped.
	if err := d.Decode(context.Background(), hostileList(4, 200), &rec); err != nil {
		t.Fatalf("a 200-link list: %v", err)
	}
	if rec.Warning == nil || rec.Warning.Class != ErrTooManyFields || len(rec.Fields) != 0 {
		t.Fatalf("a 200-link list: warning %v, %d fields; want too_many_fields and the null end dropped", rec.Warning, len(rec.Fields))
	}
}
