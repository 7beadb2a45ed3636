package codec

import (
	"strconv"

	// fastjson is the JSON parser. Measured on the 2-core dev machine for
	// a 20-field object flattened into a column sink (the same loop for
	// each parser, in a scratch module so the losers are not dependencies;
	// BenchmarkDecodeJSON20 vs BenchmarkStdlibJSON20 in bench_test.go keep
	// the two that matter in this repo): encoding/json into map[string]any
	// ~6,800 ns, go-json-experiment jsontext token reading ~1,700 ns,
	// buger/jsonparser ~870 ns, fastjson ~770 ns, bytedance/sonic's ast
	// visitor ~760 ns. fastjson and sonic tie; fastjson is pure Go (no JIT or
	// assembly, so every GOOS/GOARCH the plugin ships for gets the same code),
	// has no dependencies, allocates nothing once its Parser is warm, fully
	// validates the input, and is actively maintained (v1.6.10, 2026).
	"github.com/valyala/fastjson"
)

// jsonFlattener turns one JSON value into flattened fields: nested objects
// joined with ".", array items indexed ("a.0.b"). A top-level scalar or array
// is named "value". Subtrees deeper than MaxDepth are kept as one string
// holding their JSON text.
type jsonFlattener struct {
	p      fastjson.Parser
	names  *Names
	lim    Limits
	rec    *Record
	prefix []byte
	arena  []byte // JSON text of too-deep subtrees, reset per record
	// shape holds the name and id of each field of the records decoded
	// before, by place: a topic's records mostly repeat their fields in
	// the same order, and comparing a name with the one last seen at its
	// place costs less than hashing it (names.ID). A name that differs
	// is looked up as before, and takes the place.
	shape []shapeName
}

type shapeName struct {
	name string
	id   int32
}

func (j *jsonFlattener) decode(value []byte, rec *Record) error {
	v, err := j.p.ParseBytes(value)
	if err != nil {
		return decErr(ErrInvalidJSON, nil, "value is not valid JSON (%s)", shortJSONErr(err))
	}
	j.rec = rec
	j.prefix = j.prefix[:0]
	j.arena = j.arena[:0]
	if v.Type() == fastjson.TypeObject {
		j.object(v, 1)
	} else {
		j.prefix = append(j.prefix, "value"...)
		j.value(v, 1)
	}
	j.rec = nil
	return nil
}

func (j *jsonFlattener) object(v *fastjson.Value, depth int) {
	o, _ := v.Object()
	base := len(j.prefix)
	o.Visit(func(k []byte, child *fastjson.Value) {
		j.prefix = j.prefix[:base]
		if base > 0 {
			j.prefix = append(j.prefix, '.')
		}
		j.prefix = append(j.prefix, k...)
		j.value(child, depth+1)
	})
	j.prefix = j.prefix[:base]
}

func (j *jsonFlattener) value(v *fastjson.Value, depth int) {
	switch v.Type() {
	case fastjson.TypeObject:
		if depth > j.lim.MaxDepth {
			j.raw(v)
			return
		}
		j.object(v, depth)
	case fastjson.TypeArray:
		if depth > j.lim.MaxDepth {
			j.raw(v)
			return
		}
		items, _ := v.Array()
		base := len(j.prefix)
		for i, item := range items {
			j.prefix = j.prefix[:base]
			if base > 0 {
				j.prefix = append(j.prefix, '.')
			}
			j.prefix = strconv.AppendInt(j.prefix, int64(i), 10)
			j.value(item, depth+1)
		}
		j.prefix = j.prefix[:base]
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil { // out of float64 range: keep the digits
			j.emit(Field{Kind: KindString, Bytes: v.MarshalTo(nil)})
			return
		}
		j.emit(Field{Kind: KindNumber, Num: f})
	case fastjson.TypeString:
		j.emit(Field{Kind: KindString, Bytes: v.GetStringBytes()})
	case fastjson.TypeTrue:
		j.emit(Field{Kind: KindBool, Bool: true})
	case fastjson.TypeFalse:
		j.emit(Field{Kind: KindBool})
	case fastjson.TypeNull:
		j.emit(Field{Kind: KindNull})
	}
}

// raw keeps a too-deep subtree as its JSON text.
func (j *jsonFlattener) raw(v *fastjson.Value) {
	start := len(j.arena)
	j.arena = v.MarshalTo(j.arena)
	j.emit(Field{Kind: KindString, Bytes: j.arena[start:len(j.arena):len(j.arena)]})
}

func (j *jsonFlattener) emit(f Field) {
	rec := j.rec
	at := len(rec.Fields)
	if at < len(j.shape) && at < j.lim.MaxFields && j.shape[at].name == string(j.prefix) {
		f.ID = j.shape[at].id
		rec.add(f)
		return
	}
	emitField(rec, j.names, j.lim, j.prefix, f)
	if len(rec.Fields) == at+1 { // added: remember its name at its place
		id := rec.Fields[at].ID
		if s := (shapeName{name: j.names.Name(id), id: id}); at < len(j.shape) {
			j.shape[at] = s
		} else {
			j.shape = append(j.shape, s) // at == len(j.shape): every place before it is known
		}
	}
}

// emitField names f and appends it to rec, unless a limit is reached (then
// rec.Warning says so and f is dropped).
func emitField(rec *Record, names *Names, lim Limits, name []byte, f Field) {
	if len(rec.Fields) >= lim.MaxFields {
		if rec.Warning == nil {
			rec.Warning = decErr(ErrTooManyFields, nil, "record has more than %d fields; the rest were dropped", lim.MaxFields)
		}
		return
	}
	id, ok := names.ID(name)
	if !ok {
		if rec.Warning == nil {
			rec.Warning = decErr(ErrTooManyFields, nil, "more than %d distinct field names; new names were dropped", lim.MaxNames)
		}
		return
	}
	f.ID = id
	rec.add(f)
}

// shortJSONErr keeps a parse error short: fastjson quotes the input around
// the failure, which may be long (and is the user's data).
func shortJSONErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
