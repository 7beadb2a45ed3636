package codec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// flat renders a record as "name=value" strings, for compact assertions.
func flat(d *Decoder, rec *Record) []string {
	var out []string
	for _, f := range rec.Fields {
		name := d.Names().Name(f.ID)
		switch f.Kind {
		case KindNumber:
			out = append(out, fmt.Sprintf("%s=%v", name, f.Num))
		case KindString:
			out = append(out, fmt.Sprintf("%s=%q", name, f.Bytes))
		case KindBool:
			out = append(out, fmt.Sprintf("%s=%v", name, f.Bool))
		case KindTime:
			out = append(out, fmt.Sprintf("%s=time(%v)", name, f.Num))
		default:
			out = append(out, name+"=null")
		}
	}
	return out
}

func decodeJSON(t *testing.T, d *Decoder, v string) []string {
	t.Helper()
	var rec Record
	if err := d.Decode(context.Background(), []byte(v), &rec); err != nil {
		t.Fatalf("decode %s: %v", v, err)
	}
	return flat(d, &rec)
}

func eq(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestJSONFlattensNestedObjectsAndArrays(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{})
	got := decodeJSON(t, d, `{"a":1,"b":{"c":"x","d":[1,2,{"e":true}]},"n":null,"f":false,"empty":{},"ea":[]}`)
	eq(t, got, []string{"a=1", `b.c="x"`, "b.d.0=1", "b.d.1=2", "b.d.2.e=true", "n=null", "f=false"})
}

func TestJSONTopLevelScalarAndArrayAreNamedValue(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{})
	eq(t, decodeJSON(t, d, `42.5`), []string{"value=42.5"})
	eq(t, decodeJSON(t, d, `[1,"a"]`), []string{"value.0=1", `value.1="a"`})
	eq(t, decodeJSON(t, d, `"hi"`), []string{`value="hi"`})
}

func TestJSONEscapesAndUnicode(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{})
	eq(t, decodeJSON(t, d, `{"k\u00e9y":"line\n \"q\""}`), []string{`kéy="line\n \"q\""`})
}

func TestJSONDepthLimitKeepsDeepSubtreeAsText(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{MaxDepth: 2})
	eq(t, decodeJSON(t, d, `{"a":{"b":{"c":1},"x":2},"y":[[1,[2]]]}`),
		[]string{`a.b="{\"c\":1}"`, "a.x=2", `y.0="[1,[2]]"`})
}

func TestJSONFieldLimitKeepsFirstFieldsAndWarns(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{MaxFields: 3})
	for range 2 { // the second time with the names remembered by place
		var rec Record
		if err := d.Decode(context.Background(), []byte(`{"a":1,"b":2,"c":3,"d":4,"e":5}`), &rec); err != nil {
			t.Fatal(err)
		}
		eq(t, flat(d, &rec), []string{"a=1", "b=2", "c=3"})
		if rec.Warning == nil || rec.Warning.Class != ErrTooManyFields {
			t.Fatalf("want a too_many_fields warning, got %v", rec.Warning)
		}
	}
}

func TestJSONNameLimitAcrossRecords(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{MaxNames: 2})
	decodeJSON(t, d, `{"a":1,"b":2}`)
	var rec Record
	if err := d.Decode(context.Background(), []byte(`{"a":3,"c":4}`), &rec); err != nil {
		t.Fatal(err)
	}
	eq(t, flat(d, &rec), []string{"a=3"})
	if rec.Warning == nil {
		t.Fatal("dropping a new name must warn")
	}
}

func TestJSONBadInputIsAnErrorAndTheNextRecordStillDecodes(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", &Registry{}, Limits{MaxValueBytes: 64})
	cases := map[string]ErrClass{
		``:                      ErrEmpty,
		`{"a":`:                 ErrInvalidJSON,
		`{"a":1}}`:              ErrInvalidJSON,
		`nope`:                  ErrInvalidJSON,
		strings.Repeat("1", 65): ErrTooLarge,
	}
	for in, kind := range cases {
		var rec Record
		err := d.Decode(context.Background(), []byte(in), &rec)
		var de *DecodeError
		if !errors.As(err, &de) || de.Class != kind {
			t.Errorf("%q: got %v, want kind %s", in, err, kind)
		}
		if len(rec.Fields) != 0 {
			t.Errorf("%q: a failed record must have no fields", in)
		}
		eq(t, decodeJSON(t, d, `{"ok":1}`), []string{"ok=1"})
	}
}

func TestJSONLargeNumbersStayNumbers(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{})
	eq(t, decodeJSON(t, d, `{"big":12345678901234567890,"neg":-1.5e-3}`), []string{"big=1.2345678901234567e+19", "neg=-0.0015"})
}

// A record whose fields come in another order, fewer, more or renamed
// than the record before still gets each value under its own name (the
// flattener remembers the names by place, and must not trust a place).
func TestJSONFieldsInAnyOrderKeepTheirNames(t *testing.T) {
	d := NewDecoder(FormatJSON, "t", nil, Limits{})
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`{"a":1,"b":2,"c":{"d":3}}`, []string{"a=1", "b=2", "c.d=3"}},
		{`{"a":1,"b":2,"c":{"d":3}}`, []string{"a=1", "b=2", "c.d=3"}},
		{`{"b":4,"a":5}`, []string{"b=4", "a=5"}},
		{`{"a":6,"x":7,"b":8,"c":{"d":9}}`, []string{"a=6", "x=7", "b=8", "c.d=9"}},
		{`{"c":{"d":10,"e":[11,12]},"a":13}`, []string{"c.d=10", "c.e.0=11", "c.e.1=12", "a=13"}},
		{`[14,15]`, []string{"value.0=14", "value.1=15"}},
		{`{"a":16,"b":17,"c":{"d":18}}`, []string{"a=16", "b=17", "c.d=18"}},
	} {
		var rec Record
		if err := d.Decode(context.Background(), []byte(c.in), &rec); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := flat(d, &rec); strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: got %v, want %v", c.in, got, c.want)
		}
	}
}
