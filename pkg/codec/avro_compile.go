package codec

import (
	"fmt"

	"github.com/iskorotkov/avro/v2"
)

// An Avro value is decoded by walking a tree of ops compiled from the writer
// schema (the schema id in the record) resolved against a reader schema (the
// subject's latest version, so that records written with older or newer
// versions come out with the same columns). Writer fields the reader lacks
// are decoded and dropped; reader fields the writer lacks get the reader's
// default. Names are flattened like JSON: "a.b", array items "a.0", map
// values "m.key".

type opKind uint8

const (
	opNull opKind = iota
	opBool
	opInt // int and long (zigzag varint)
	opFloat
	opDouble
	opString // string, and bytes/fixed shown as text
	opBytes  // bytes shown base64
	opFixed  // fixed shown base64
	opEnum
	opRecord
	opArray
	opMap
	opUnion
	opDefault // a reader field missing from the writer
	opRef     // a recursive reference: names become dynamic below it
)

// leaf reports whether ops of this kind emit a value under their own name.
func (k opKind) leaf() bool {
	switch k {
	case opRecord, opArray, opMap, opUnion, opRef:
		return false
	}
	return true
}

// Numeric conversions applied to ints.
const (
	convNone = iota
	convMicrosToMillis
)

type avroOp struct {
	kind     opKind
	name     string // local name (field name); "" for the root
	full     string // full flattened name when statically reachable
	slot     int32  // index of full in program.names; -1 when dynamic
	emit     bool   // false: decode and drop (writer-only field)
	conv     uint8
	decimal  int // for decimal logical types: scale+1 (0: not decimal)
	size     int // fixed size
	symbols  [][]byte
	fields   []*avroOp
	items    *avroOp
	branches []*avroOp
	def      any
	target   *avroOp // opRef
}

// avroProgram is a compiled (writer, reader) pair. It is immutable and shared.
type avroProgram struct {
	root     *avroOp
	names    []string // static full names by slot
	writerID int
	readerID int // 0 when decoding with the writer schema alone
}

const maxProgramOps = 20000

type compiler struct {
	names   []string
	slots   map[string]int32
	ops     int
	stack   map[string]*avroOp // named records being compiled (recursion)
	noEmit  bool
	dynamic bool
}

// compileAvro builds the program for writer resolved against reader (nil:
// writer alone).
func compileAvro(writer, reader avro.Schema) (*avroProgram, error) {
	c := &compiler{slots: map[string]int32{}, stack: map[string]*avroOp{}}
	w, r := deref(writer), deref(reader)
	rootName := ""
	if w.Type() != avro.Record {
		rootName = "value"
	}
	root, err := c.compile(w, r, rootName, rootName)
	if err != nil {
		return nil, err
	}
	return &avroProgram{root: root, names: c.names}, nil
}

func deref(s avro.Schema) avro.Schema {
	if ref, ok := s.(*avro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

func (c *compiler) newOp(kind opKind, name, full string) (*avroOp, error) {
	c.ops++
	if c.ops > maxProgramOps {
		return nil, fmt.Errorf("schema expands to more than %d nodes", maxProgramOps)
	}
	op := &avroOp{kind: kind, name: name, full: full, slot: -1, emit: !c.noEmit}
	if !c.dynamic && !c.noEmit && kind.leaf() {
		s, ok := c.slots[full]
		if !ok {
			s = int32(len(c.names)) // #nosec G115 -- below maxProgramOps
			c.names = append(c.names, full)
			c.slots[full] = s
		}
		op.slot = s
	}
	return op, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// compile compiles writer schema w (already dereferenced) against reader r
// (nil: none) at local name `name`, full name `full`.
func (c *compiler) compile(w, r avro.Schema, name, full string) (*avroOp, error) {
	if ref, ok := w.(*avro.RefSchema); ok {
		if cur, inStack := c.stack[ref.Schema().FullName()]; inStack {
			op, err := c.newOp(opRef, name, full)
			if err != nil {
				return nil, err
			}
			op.target = cur
			return op, nil
		}
		w = ref.Schema()
	}
	r = deref(r)
	if w.Type() == avro.Union {
		return c.union(w.(*avro.UnionSchema), r, name, full)
	}
	if ru, ok := r.(*avro.UnionSchema); ok {
		r = matchBranch(w, ru)
	}
	if r != nil && !compatible(w, r) {
		return nil, fmt.Errorf("field %q: writer type %s cannot be read as %s", full, w.Type(), r.Type())
	}
	switch w.Type() {
	case avro.Record:
		return c.record(w.(*avro.RecordSchema), r, name, full)
	case avro.Array:
		op, err := c.newOp(opArray, name, full)
		if err != nil {
			return nil, err
		}
		var ri avro.Schema
		if r != nil {
			ri = r.(*avro.ArraySchema).Items()
		}
		op.items, err = c.dynamicChild(w.(*avro.ArraySchema).Items(), ri)
		return op, err
	case avro.Map:
		op, err := c.newOp(opMap, name, full)
		if err != nil {
			return nil, err
		}
		var rv avro.Schema
		if r != nil {
			rv = r.(*avro.MapSchema).Values()
		}
		op.items, err = c.dynamicChild(w.(*avro.MapSchema).Values(), rv)
		return op, err
	case avro.Enum:
		op, err := c.newOp(opEnum, name, full)
		if err != nil {
			return nil, err
		}
		for _, sym := range w.(*avro.EnumSchema).Symbols() {
			op.symbols = append(op.symbols, []byte(sym))
		}
		return op, nil
	case avro.Fixed:
		fixed := w.(*avro.FixedSchema)
		op, err := c.newOp(opFixed, name, full)
		if err != nil {
			return nil, err
		}
		op.size = fixed.Size()
		if dec, ok := fixed.Logical().(*avro.DecimalLogicalSchema); ok {
			op.decimal = dec.Scale() + 1
		}
		return op, nil
	}
	return c.primitive(w, name, full)
}

func (c *compiler) primitive(w avro.Schema, name, full string) (*avroOp, error) {
	var kind opKind
	switch w.Type() {
	case avro.Null:
		kind = opNull
	case avro.Boolean:
		kind = opBool
	case avro.Int, avro.Long:
		kind = opInt
	case avro.Float:
		kind = opFloat
	case avro.Double:
		kind = opDouble
	case avro.String:
		kind = opString
	case avro.Bytes:
		kind = opBytes
	default:
		return nil, fmt.Errorf("field %q: unsupported Avro type %s", full, w.Type())
	}
	op, err := c.newOp(kind, name, full)
	if err != nil {
		return nil, err
	}
	if ps, ok := w.(*avro.PrimitiveSchema); ok && ps.Logical() != nil {
		switch l := ps.Logical().(type) {
		case *avro.DecimalLogicalSchema:
			op.decimal = l.Scale() + 1
		default:
			switch l.Type() {
			case avro.TimestampMicros, avro.LocalTimestampMicros, avro.TimeMicros:
				op.conv = convMicrosToMillis
			}
		}
	}
	return op, nil
}

// dynamicChild compiles array items / map values, whose names depend on the
// data (index or key).
func (c *compiler) dynamicChild(w, r avro.Schema) (*avroOp, error) {
	saved := c.dynamic
	c.dynamic = true
	defer func() { c.dynamic = saved }()
	return c.compile(w, deref(r), "", "")
}

func (c *compiler) record(w *avro.RecordSchema, r avro.Schema, name, full string) (*avroOp, error) {
	op, err := c.newOp(opRecord, name, full)
	if err != nil {
		return nil, err
	}
	c.stack[w.FullName()] = op
	defer delete(c.stack, w.FullName())

	var rr *avro.RecordSchema
	if r != nil {
		rr = r.(*avro.RecordSchema)
	}
	used := map[string]bool{}
	for _, wf := range w.Fields() {
		var rf *avro.Field
		if rr != nil {
			rf = findField(rr, wf.Name())
		}
		saved := c.noEmit
		var child *avroOp
		switch {
		case rr == nil:
			child, err = c.compile(wf.Type(), nil, wf.Name(), join(full, wf.Name()))
		case rf == nil: // the reader dropped this field: decode, don't show
			c.noEmit = true
			child, err = c.compile(wf.Type(), nil, wf.Name(), join(full, wf.Name()))
		default:
			used[rf.Name()] = true
			child, err = c.compile(wf.Type(), rf.Type(), rf.Name(), join(full, rf.Name()))
		}
		c.noEmit = saved
		if err != nil {
			return nil, err
		}
		op.fields = append(op.fields, child)
	}
	if rr != nil {
		for _, rf := range rr.Fields() {
			if used[rf.Name()] {
				continue
			}
			if !rf.HasDefault() {
				return nil, fmt.Errorf("reader field %q is not in the writer schema and has no default", join(full, rf.Name()))
			}
			d, err := c.newOp(opDefault, rf.Name(), join(full, rf.Name()))
			if err != nil {
				return nil, err
			}
			d.def = rf.Default()
			op.fields = append(op.fields, d)
		}
	}
	return op, nil
}

func (c *compiler) union(w *avro.UnionSchema, r avro.Schema, name, full string) (*avroOp, error) {
	op, err := c.newOp(opUnion, name, full)
	if err != nil {
		return nil, err
	}
	for _, wb := range w.Types() {
		var rb avro.Schema
		if ru, ok := r.(*avro.UnionSchema); ok {
			rb = matchBranch(wb, ru)
		} else if r != nil && compatible(deref(wb), r) {
			rb = r
		}
		// A writer branch the reader cannot take is decoded as written.
		b, err := c.compile(wb, rb, name, full)
		if err != nil {
			return nil, err
		}
		op.branches = append(op.branches, b)
	}
	return op, nil
}

func findField(r *avro.RecordSchema, name string) *avro.Field {
	for _, f := range r.Fields() {
		if f.Name() == name {
			return f
		}
	}
	for _, f := range r.Fields() {
		for _, a := range f.Aliases() {
			if a == name {
				return f
			}
		}
	}
	return nil
}

// matchBranch finds the reader union branch for writer type w.
func matchBranch(w avro.Schema, ru *avro.UnionSchema) avro.Schema {
	w = deref(w)
	for _, rb := range ru.Types() {
		rb = deref(rb)
		if rb.Type() == w.Type() && sameName(w, rb) {
			return rb
		}
	}
	for _, rb := range ru.Types() {
		if rb = deref(rb); compatible(w, rb) {
			return rb
		}
	}
	return nil
}

func sameName(a, b avro.Schema) bool {
	na, ok1 := a.(avro.NamedSchema)
	nb, ok2 := b.(avro.NamedSchema)
	return !ok1 || !ok2 || na.FullName() == nb.FullName()
}

// compatible reports whether data written as w can be read as r (Avro
// schema resolution: same type, or a numeric / string-bytes promotion).
func compatible(w, r avro.Schema) bool {
	w, r = deref(w), deref(r)
	if r.Type() == avro.Union {
		return matchBranch(w, r.(*avro.UnionSchema)) != nil
	}
	wt, rt := w.Type(), r.Type()
	if wt == rt {
		return true
	}
	switch wt {
	case avro.Int:
		return rt == avro.Long || rt == avro.Float || rt == avro.Double
	case avro.Long:
		return rt == avro.Float || rt == avro.Double
	case avro.Float:
		return rt == avro.Double
	case avro.String:
		return rt == avro.Bytes
	case avro.Bytes:
		return rt == avro.String
	}
	return false
}
