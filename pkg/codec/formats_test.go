package codec

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

func TestJSONSchemaRecordsDecodeWithDateTimesAsTimes(t *testing.T) {
	fake, reg := newSR(t)
	fake.SeedSchema("j-value", 1, 30, sr.Schema{Type: sr.TypeJSON, Schema: `{
  "type": "object",
  "properties": {
    "at": {"type": "string", "format": "date-time"},
    "lap": {"type": "integer"},
    "car": {"$ref": "#/$defs/car"},
    "note": {"type": "string"}
  },
  "$defs": {"car": {"type": "object", "properties": {"pitted": {"type": ["string", "null"], "format": "date-time"}}}}
}`})
	d := NewDecoder(FormatAuto, "j", reg, Limits{})
	v := append(AppendWireHeader(nil, 30), `{"at":"2024-09-01T13:35:58.853Z","lap":3,"car":{"pitted":"2024-09-01T13:40:00Z"},"note":"2024-09-01T13:35:58Z"}`...)
	var rec Record
	if err := d.Decode(context.Background(), v, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Type != FormatJSONSchema {
		t.Fatalf("type %s", rec.Type)
	}
	at := float64(time.Date(2024, 9, 1, 13, 35, 58, 853e6, time.UTC).UnixMilli())
	pit := float64(time.Date(2024, 9, 1, 13, 40, 0, 0, time.UTC).UnixMilli())
	// note is a string in the schema without a format: it stays a string.
	eq(t, flat(d, &rec), []string{"at=time(" + fmtNum(at) + ")", "lap=3", "car.pitted=time(" + fmtNum(pit) + ")", `note="2024-09-01T13:35:58Z"`})
	// A body that is not JSON is invalid_json; a JSON format query refuses nothing
	// but gets no times (the header makes it invalid JSON).
	decodeKind(t, d, append(AppendWireHeader(nil, 30), "{nope"...), ErrInvalidJSON)
	dj := NewDecoder(FormatJSONSchema, "j", reg, Limits{})
	decodeOK(t, dj, v)
	da := NewDecoder(FormatAvro, "j", reg, Limits{})
	decodeKind(t, da, v, ErrFormatMismatch)
}

func fmtNum(f float64) string {
	var rec Record
	rec.Fields = []Field{{Kind: KindNumber, Num: f}}
	n := NewNames(0)
	n.IDString("x")
	d := &Decoder{names: n}
	return flat(d, &rec)[0][2:]
}

func TestJSONSchemaBadSchemaIsBadSchema(t *testing.T) {
	fake, reg := newSR(t)
	fake.SeedSchema("j-value", 1, 31, sr.Schema{Type: sr.TypeJSON, Schema: `[1,2]`})
	d := NewDecoder(FormatAuto, "j", reg, Limits{})
	decodeKind(t, d, append(AppendWireHeader(nil, 31), "{}"...), ErrBadSchema)
}

func TestTextIsOneValueField(t *testing.T) {
	d := NewDecoder(FormatText, "t", nil, Limits{})
	eq(t, decodeJSON(t, d, " 42.5\n"), []string{"value=42.5"})
	eq(t, decodeJSON(t, d, "engine warm\r\n"), []string{`value="engine warm"`})
	eq(t, decodeJSON(t, d, "{\"a\":1}"), []string{`value="{\"a\":1}"`})
	eq(t, decodeJSON(t, d, "bad \xff byte"), []string{"value=\"bad \ufffd byte\""})
}

func TestLineProtocolBecomesTypedFields(t *testing.T) {
	d := NewDecoder(FormatInflux, "telegraf", nil, Limits{})
	var rec Record
	line := `cpu\ load,host=server\ 01,region=eu-west usage=12.5,cores=8i,big=18446744073709551615u,name="x \"y\" z",ok=t,bad=FALSE 1725197758853000000`
	if err := d.Decode(context.Background(), []byte(line+"\n"), &rec); err != nil {
		t.Fatal(err)
	}
	eq(t, flat(d, &rec), []string{`measurement="cpu load"`, `host="server 01"`, `region="eu-west"`, "usage=12.5", "cores=8",
		"big=1.8446744073709552e+19", `name="x \"y\" z"`, "ok=true", "bad=false"})
	if rec.Time != 1725197758853000000 || rec.Warning != nil {
		t.Fatalf("time %d warning %v", rec.Time, rec.Warning)
	}
	// Precision: Telegraf's precision = "1ms".
	dm := NewDecoder(FormatInflux, "telegraf", nil, Limits{})
	dm.SetPrecision(time.Millisecond)
	if err := dm.Decode(context.Background(), []byte("m v=1 1725197758853"), &rec); err != nil || rec.Time != 1725197758853000000 {
		t.Fatalf("ms precision: %d %v", rec.Time, err)
	}
	// No timestamp: no payload time (the Kafka timestamp is used).
	if err := d.Decode(context.Background(), []byte("# comment\n\nm v=1"), &rec); err != nil || rec.Time != 0 {
		t.Fatalf("no timestamp: %d %v", rec.Time, err)
	}
	// More lines: the first is shown, the rest counted.
	if err := d.Decode(context.Background(), []byte("m v=1 1\nm v=2 2\nm v=3 3\n"), &rec); err != nil || rec.Warning == nil || rec.Warning.Class != ErrExtraLines {
		t.Fatalf("extra lines: %v %v", rec.Warning, err)
	}
}

func TestLineProtocolErrorsSayWhere(t *testing.T) {
	d := NewDecoder(FormatInflux, "telegraf", nil, Limits{})
	for _, bad := range []string{"m", "m,host v=1", "m v=", `m s="open`, "m v=1x", "m v=1 12:00", "# only a comment", ",t=1 v=1", "m v=1i9"} {
		var rec Record
		err := d.Decode(context.Background(), []byte(bad), &rec)
		if ClassOf(err) != ErrLineProtocol || len(rec.Fields) != 0 {
			t.Fatalf("%q: %v (%d fields)", bad, err, len(rec.Fields))
		}
	}
}

func TestParseFormatNamesEveryFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Fatalf("%s: %v %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !contains(err.Error(), "protobuf", "influx") {
		t.Fatalf("xml: %v", err)
	}
}

// Keys by the <topic>-key subject: a key decoder reads Avro (with the key
// subject's latest schema), Protobuf and JSON Schema keys by the id in each,
// and says what to set when the key's registered type is not the chosen one.
func TestKeyDecoderReadsEveryRegisteredKeyType(t *testing.T) {
	fake, reg := newSR(t)
	avroKey := `{"type":"record","name":"K","fields":[{"name":"driver","type":"string"},{"name":"car","type":"int"}]}`
	fake.SeedSchema("k-key", 1, 41, sr.Schema{Type: sr.TypeAvro, Schema: avroKey})
	fake.SeedSchema("k-key", 2, 42, sr.Schema{Type: sr.TypeProtobuf, Schema: `syntax = "proto3"; message K { string driver = 1; int32 car = 2; }`})
	fake.SeedSchema("k-key", 3, 43, sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object","properties":{"driver":{"type":"string"},"at":{"type":"string","format":"date-time"}}}`})
	// The key subject's latest version, with a field the keys were written
	// without: the reader schema of Avro keys. A value schema of the same
	// topic is not.
	fake.SeedSchema("k-key", 4, 45, sr.Schema{Type: sr.TypeAvro, Schema: `{"type":"record","name":"K","fields":[{"name":"driver","type":"string"},{"name":"car","type":"int"},{"name":"team","type":"string","default":"?"}]}`})
	fake.SeedSchema("k-value", 1, 44, sr.Schema{Type: sr.TypeAvro, Schema: `{"type":"record","name":"V","fields":[{"name":"lap","type":"int"}]}`})

	avroBody := []byte{0x06, 'V', 'E', 'R', 0x02} // "VER", 1 (zig-zag)
	protoBody := []byte{0x0a, 0x03, 'L', 'E', 'C', 0x10, 0x10}
	for _, tc := range []struct {
		format Format
		key    []byte
		want   []string
	}{
		{FormatAvro, append(AppendWireHeader(nil, 41), avroBody...), []string{`driver="VER"`, "car=1", `team="?"`}},
		{FormatAuto, append(AppendWireHeader(nil, 41), avroBody...), []string{`driver="VER"`, "car=1", `team="?"`}},
		{FormatProtobuf, append(AppendIndexes(AppendWireHeader(nil, 42)), protoBody...), []string{`driver="LEC"`, "car=16"}},
		{FormatJSONSchema, append(AppendWireHeader(nil, 43), `{"driver":"NOR","at":"2024-09-01T13:00:00Z"}`...),
			[]string{`driver="NOR"`, "at=time(" + fmtNum(float64(time.Date(2024, 9, 1, 13, 0, 0, 0, time.UTC).UnixMilli())) + ")"}},
	} {
		d := NewKeyDecoder(tc.format, "k", reg, Limits{})
		eq(t, decodeOK(t, d, tc.key), tc.want)
	}
	d := NewKeyDecoder(FormatProtobuf, "k", reg, Limits{})
	var rec Record
	err := d.Decode(context.Background(), append(AppendWireHeader(nil, 41), avroBody...), &rec)
	if ClassOf(err) != ErrFormatMismatch || !contains(err.Error(), "AVRO") {
		t.Fatalf("an Avro key read as Protobuf: %v", err)
	}
}
