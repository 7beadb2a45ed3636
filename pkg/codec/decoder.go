package codec

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Format is how record values are encoded.
type Format string

// Formats of the query model (docs/DESIGN.md).
const (
	FormatAuto Format = "auto" // Avro when the value has the Confluent header, else JSON
	FormatJSON Format = "json"
	FormatAvro Format = "avro"
)

// ParseFormat reads a query's format; "" means auto.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FormatAuto:
		return FormatAuto, nil
	case FormatJSON, FormatAvro:
		return f, nil
	}
	return "", fmt.Errorf("format %q is not one of auto, json, avro", s)
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
	format  Format
	subject string
	reg     *Registry
	lim     Limits
	names   *Names
	js      jsonFlattener
	av      avroReader
	progs   map[int]*progEntry
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
// Schema Registry: Avro records then fail with ErrNoRegistry).
func NewDecoder(format Format, topic string, reg *Registry, lim Limits) *Decoder {
	lim = lim.withDefaults()
	d := &Decoder{
		format: format, subject: Subject(topic), reg: reg, lim: lim,
		names: NewNames(lim.MaxNames),
		progs: map[int]*progEntry{},
	}
	d.js.names, d.js.lim = d.names, lim
	d.av.names, d.av.lim = d.names, lim
	return d
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
	switch d.format {
	case FormatJSON:
		err = d.js.decode(value, rec)
	case FormatAvro:
		err = d.avro(ctx, value, rec)
	default:
		if LooksLikeWire(value) {
			err = d.avro(ctx, value, rec)
		} else {
			err = d.js.decode(value, rec)
		}
	}
	if err != nil {
		rec.Reset()
	}
	return err
}

func (d *Decoder) avro(ctx context.Context, value []byte, rec *Record) error {
	id, body, err := SplitWire(value)
	if err != nil {
		return decErr(ErrNoHeader, nil, "value does not start with the Confluent header (0x00 and a 4-byte schema id); if the topic holds JSON, set format to json")
	}
	rec.SchemaID = id
	e := d.progs[id]
	if e == nil || e.due() {
		if d.reg == nil {
			return decErr(ErrNoRegistry, nil, "record has Avro schema id %d but the datasource has no schemaRegistryUrl", id)
		}
		p, err := d.reg.program(ctx, id, d.subject)
		switch {
		case err != nil && e == nil:
			return err
		case err != nil: // keep decoding with what we have
			e.at = time.Now()
		case e == nil || e.prog != p:
			e = &progEntry{prog: p, ids: d.slotIDs(p), at: time.Now()}
			d.progs[id] = e
		default:
			e.at = time.Now()
		}
	}
	return d.av.decode(e.prog, e.ids, body, rec)
}

func (d *Decoder) slotIDs(p *avroProgram) []int32 {
	ids := make([]int32, len(p.names))
	for i, n := range p.names {
		id, ok := d.names.IDString(n)
		if !ok {
			id = -1
		}
		ids[i] = id
	}
	return ids
}
