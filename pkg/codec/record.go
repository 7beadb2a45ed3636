package codec

import (
	"errors"
	"fmt"
	"math"
)

// Kind is the type of one decoded value.
type Kind uint8

// Value kinds. Every number (JSON number, Avro int/long/float/double,
// Protobuf scalars) is a KindNumber held as float64, so columns built from
// them stay one type. A KindTime (a Protobuf Timestamp, a JSON Schema
// date-time) holds Unix milliseconds in Num.
const (
	KindNull Kind = iota
	KindNumber
	KindString
	KindBool
	KindTime
)

func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindTime:
		return "time"
	}
	return "null"
}

// TimeNanos is the Unix nanoseconds of a KindTime's milliseconds, rounded
// to the microsecond (what a float64 of milliseconds holds exactly).
func TimeNanos(ms float64) int64 {
	return int64(math.Round(ms*1e3)) * 1e3
}

// Field is one flattened value of a record. ID is the name's id in the
// decoder's Names. Bytes (for KindString) may point into the decoder's or the
// record's memory: it is only valid until the next Decode call, so copy it
// (or intern it) to keep it.
type Field struct {
	ID    int32
	Kind  Kind
	Bool  bool
	Num   float64
	Bytes []byte
}

// Record is one decoded Kafka value: its flattened fields in payload order.
// A Record is reused across Decode calls.
type Record struct {
	Fields []Field
	// SchemaID is the writer schema id (0 for JSON, text, line protocol).
	SchemaID int
	// Type is what the value was decoded as: json, avro, protobuf,
	// jsonschema, text or influx (never auto).
	Type Format
	// Time is a time the payload itself carries (a line-protocol
	// timestamp), in Unix nanoseconds; 0 when it carries none.
	Time int64
	// Warning is set when the record decoded but something was cut
	// (too many fields, a name limit); the fields that fit are kept.
	Warning *DecodeError
}

// Reset empties r for reuse.
func (r *Record) Reset() {
	r.Fields = r.Fields[:0]
	r.SchemaID = 0
	r.Type = ""
	r.Time = 0
	r.Warning = nil
}

func (r *Record) add(f Field) { r.Fields = append(r.Fields, f) }

// Lookup returns the field with name id, if the record has it.
func (r *Record) Lookup(id int32) (Field, bool) {
	for i := range r.Fields {
		if r.Fields[i].ID == id {
			return r.Fields[i], true
		}
	}
	return Field{}, false
}

// Limits bound what one record may expand to.
type Limits struct {
	MaxValueBytes int // larger values are refused (ErrTooLarge)
	MaxDepth      int // deeper JSON/Avro nesting is kept as one JSON string
	MaxFields     int // fields per record; the rest are dropped with a warning
	MaxNames      int // distinct field names per decoder
}

// DefaultLimits are the limits used when a Limits field is zero.
var DefaultLimits = Limits{
	MaxValueBytes: 4 << 20,
	MaxDepth:      16,
	MaxFields:     1000,
	MaxNames:      10000,
}

func (l Limits) withDefaults() Limits {
	l.MaxValueBytes = positiveOr(l.MaxValueBytes, DefaultLimits.MaxValueBytes)
	l.MaxDepth = positiveOr(l.MaxDepth, DefaultLimits.MaxDepth)
	l.MaxFields = positiveOr(l.MaxFields, DefaultLimits.MaxFields)
	l.MaxNames = positiveOr(l.MaxNames, DefaultLimits.MaxNames)
	return l
}

// positiveOr is v, or def when v is zero or negative (a limit left unset).
func positiveOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// ErrClass names a class of decode failure. The values are the kind label
// of the pitwall_decode_errors_total metric and appear in frame notices, so
// they are stable.
type ErrClass string

// Decode failure classes.
const (
	ErrEmpty               ErrClass = "empty"                 // empty or tombstone value
	ErrTooLarge            ErrClass = "too_large"             // value above MaxValueBytes
	ErrInvalidJSON         ErrClass = "invalid_json"          // not parseable JSON
	ErrNoHeader            ErrClass = "no_wire_header"        // a registry format without the Confluent header
	ErrUnknownSchema       ErrClass = "unknown_schema"        // schema id not in the registry
	ErrRegistryUnavailable ErrClass = "registry_unavailable"  // registry unreachable and id not cached
	ErrNoRegistry          ErrClass = "no_registry"           // wire-format record but no registry configured
	ErrBadSchema           ErrClass = "bad_schema"            // schema not parseable, or of an unknown type
	ErrAvroInvalid         ErrClass = "avro_invalid"          // truncated or corrupt Avro body
	ErrProtobufInvalid     ErrClass = "protobuf_invalid"      // corrupt Protobuf body or message index
	ErrLineProtocol        ErrClass = "line_protocol_invalid" // not InfluxDB line protocol
	ErrExtraLines          ErrClass = "extra_lines"           // line protocol: lines after the first were dropped
	ErrFormatMismatch      ErrClass = "format_mismatch"       // the registered schema's type is not the query's format
	ErrTooManyFields       ErrClass = "too_many_fields"       // fields beyond MaxFields/MaxNames dropped
	ErrTypeMismatch        ErrClass = "type_mismatch"         // a field changed type (counted by frame builders)
)

// DecodeError is a failure to decode one record. It never carries the
// record's bytes, only a short description.
type DecodeError struct {
	Class ErrClass
	Msg   string
	Err   error
}

func (e *DecodeError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Class, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Class, e.Msg)
}

func (e *DecodeError) Unwrap() error { return e.Err }

func decErr(class ErrClass, err error, format string, args ...any) *DecodeError {
	return &DecodeError{Class: class, Msg: fmt.Sprintf(format, args...), Err: err}
}

// ClassOf returns the ErrClass of err, or "other".
func ClassOf(err error) ErrClass {
	var de *DecodeError
	if errors.As(err, &de) {
		return de.Class
	}
	return "other"
}
