package codec

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// Format is how record values are encoded.
type Format string

// Formats of the query model (docs/DESIGN.md).
const (
	// FormatAuto: a value with the Confluent header is decoded by the type
	// of its registered schema (Avro, Protobuf or JSON Schema), any other
	// value as JSON.
	FormatAuto       Format = "auto"
	FormatJSON       Format = "json"
	FormatAvro       Format = "avro"
	FormatProtobuf   Format = "protobuf"
	FormatJSONSchema Format = "jsonschema"
	// FormatText: the value is one field, "value": a number when the text
	// is one, else the text.
	FormatText Format = "text"
	// FormatInflux: InfluxDB line protocol (Telegraf's influx format).
	FormatInflux Format = "influx"
)

// Formats lists the formats a query may name.
var Formats = []Format{FormatAuto, FormatJSON, FormatAvro, FormatProtobuf, FormatJSONSchema, FormatText, FormatInflux}

// ParseFormat reads a query's format; "" means auto.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "" {
		return FormatAuto, nil
	}
	for _, ok := range Formats {
		if f == ok {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("format %q is not one of %s", s, strings.Join(names, ", "))
}

// registered reports whether f is decoded by a registered schema.
func (f Format) registered() bool {
	return f == FormatAvro || f == FormatProtobuf || f == FormatJSONSchema
}

// formatOf is the format of a registered schema type.
func formatOf(t sr.SchemaType) Format {
	switch t {
	case sr.TypeProtobuf:
		return FormatProtobuf
	case sr.TypeJSON:
		return FormatJSONSchema
	}
	return FormatAvro
}

// programRecheck is how often a decoder asks the registry again for the
// program of a schema id it already has (to pick up a new reader schema).
// The clock is read once per recheckEvery records of an id, not per record:
// it was a tenth of an Avro telemetry decode (internal/bench, issue 7).
const (
	programRecheck = 30 * time.Second
	recheckEvery   = 256
)

// Decoder decodes the values of one topic into flattened Records. It is used
// by one goroutine (one query or one stream); decoders of one datasource
// share a Registry.
type Decoder struct {
	format    Format
	subject   string
	reg       *Registry
	lim       Limits
	names     *Names
	precision time.Duration
	js        jsonFlattener
	av        avroReader
	pb        pbReader
	ids       map[int]*idEntry
	idx       []int
}

// idEntry is what a decoder knows of one schema id.
type idEntry struct {
	typ   sr.SchemaType
	avro  *progEntry
	proto *protoSchema
	pb    []pbEntry // the message types records of this id named
	json  *jsonSchema
}

type pbEntry struct {
	path []int
	prog *protoProgram
	ids  []int32
}

type progEntry struct {
	prog *avroProgram
	ids  []int32
	at   time.Time
	uses uint32
}

// due reports whether the entry is to be checked with the registry again.
func (e *progEntry) due() bool {
	e.uses++
	return e.uses%recheckEvery == 0 && time.Since(e.at) > programRecheck
}

// NewDecoder returns a decoder for values of topic. reg may be nil (no
// Schema Registry: wire-format records then fail with ErrNoRegistry).
func NewDecoder(format Format, topic string, reg *Registry, lim Limits) *Decoder {
	lim = lim.withDefaults()
	d := &Decoder{
		format: format, subject: Subject(topic), reg: reg, lim: lim,
		names: NewNames(lim.MaxNames), precision: time.Nanosecond,
		ids: map[int]*idEntry{},
	}
	d.js.names, d.js.lim = d.names, lim
	d.av.names, d.av.lim = d.names, lim
	d.pb.names, d.pb.lim = d.names, lim
	return d
}

// NewKeyDecoder returns a decoder for the keys of topic: like NewDecoder,
// with the reader schemas of the "<topic>-key" subject.
func NewKeyDecoder(format Format, topic string, reg *Registry, lim Limits) *Decoder {
	d := NewDecoder(format, topic, reg, lim)
	d.subject = KeySubject(topic)
	return d
}

// SetPrecision sets the unit of line-protocol timestamps (default
// nanoseconds; Telegraf's precision setting).
func (d *Decoder) SetPrecision(unit time.Duration) {
	if unit > 0 {
		d.precision = unit
	}
}

// Names is the decoder's field-name table: Field.ID indexes it.
func (d *Decoder) Names() *Names { return d.names }

// Decode decodes value into rec (which it resets first). On error rec holds
// no fields and the error is a *DecodeError.
func (d *Decoder) Decode(ctx context.Context, value []byte, rec *Record) error {
	rec.Reset()
	if len(value) == 0 {
		return decErr(ErrEmpty, nil, "empty value (a tombstone or an empty message)")
	}
	if len(value) > d.lim.MaxValueBytes {
		return decErr(ErrTooLarge, nil, "value of %d bytes is above the %d-byte limit", len(value), d.lim.MaxValueBytes)
	}
	var err error
	switch {
	case d.format == FormatJSON:
		rec.Type = FormatJSON
		err = d.js.decode(value, rec)
	case d.format == FormatText:
		rec.Type = FormatText
		err = decodeText(value, d.names, d.lim, rec)
	case d.format == FormatInflux:
		rec.Type = FormatInflux
		err = decodeLine(value, d.names, d.lim, d.precision, rec)
	case d.format.registered() || LooksLikeWire(value):
		err = d.registered(ctx, value, rec)
	default:
		rec.Type = FormatJSON
		err = d.js.decode(value, rec)
	}
	if err != nil {
		rec.Reset()
	}
	return err
}

// registered decodes a Confluent wire-format value by the type of the
// schema its id names.
func (d *Decoder) registered(ctx context.Context, value []byte, rec *Record) error {
	id, body, err := SplitWire(value)
	if err != nil {
		return decErr(ErrNoHeader, nil, "value does not start with the Confluent header (0x00 and a 4-byte schema id); if the topic holds plain JSON, set format to json (or text)")
	}
	rec.SchemaID = id
	e := d.ids[id]
	if e == nil {
		if d.reg == nil {
			return decErr(ErrNoRegistry, nil, "record has schema id %d but the datasource has no schemaRegistryUrl", id)
		}
		w, err := d.reg.writer(ctx, id)
		if err != nil {
			return err
		}
		e = &idEntry{typ: w.typ, proto: w.proto, json: w.json}
		d.ids[id] = e
	}
	got := formatOf(e.typ)
	if d.format != FormatAuto && d.format != got {
		return decErr(ErrFormatMismatch, nil, "schema id %d is registered as %s, but the query's format is %s: set format to auto or %s", id, e.typ, d.format, got)
	}
	rec.Type = got
	switch e.typ {
	case sr.TypeProtobuf:
		return d.protobuf(e, body, rec)
	case sr.TypeJSON:
		return d.jsonSchema(e, body, rec)
	}
	return d.avro(ctx, id, e, body, rec)
}

func (d *Decoder) avro(ctx context.Context, id int, ie *idEntry, body []byte, rec *Record) error {
	e := ie.avro
	if e == nil || e.due() {
		p, err := d.reg.program(ctx, id, d.subject)
		switch {
		case err != nil && e == nil:
			return err
		case err != nil: // keep decoding with what we have
			e.at = time.Now()
		case e == nil || e.prog != p:
			e = &progEntry{prog: p, ids: d.slotIDs(p.names), at: time.Now()}
			ie.avro = e
		default:
			e.at = time.Now()
		}
	}
	return d.av.decode(e.prog, e.ids, body, rec)
}

// protobuf decodes a Protobuf value: the message-index array, then the
// message of that type.
func (d *Decoder) protobuf(e *idEntry, body []byte, rec *Record) error {
	idx, msg, err := SplitIndexes(body, d.idx)
	d.idx = idx
	if err != nil {
		return decErr(ErrProtobufInvalid, nil, "schema id %d: %v", rec.SchemaID, err)
	}
	var pe *pbEntry
	for i := range e.pb {
		if slices.Equal(e.pb[i].path, idx) {
			pe = &e.pb[i]
			break
		}
	}
	if pe == nil {
		prog, err := e.proto.program(idx)
		if err != nil {
			return err
		}
		if len(e.pb) >= 64 {
			e.pb = e.pb[:0]
		}
		e.pb = append(e.pb, pbEntry{path: slices.Clone(idx), prog: prog, ids: d.slotIDs(prog.names)})
		pe = &e.pb[len(e.pb)-1]
	}
	return d.pb.decode(pe.prog, pe.ids, msg, rec)
}

// slotIDs maps a program's static names to the decoder's name ids.
func (d *Decoder) slotIDs(names []string) []int32 {
	ids := make([]int32, len(names))
	for i, n := range names {
		id, ok := d.names.IDString(n)
		if !ok {
			id = -1
		}
		ids[i] = id
	}
	return ids
}
