package codec

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// avroReader runs a compiled program over one Avro body.
type avroReader struct {
	buf    []byte
	pos    int
	names  *Names
	lim    Limits
	rec    *Record
	ids    []int32 // program slot -> name id (-1: name table full)
	prefix []byte
	budget int
	arena  []byte // text made while decoding (base64, decimals); reset per record
}

var errAvroBudget = errors.New("record expands beyond the decoding budget (corrupt block counts?)")

// MaxAvroNesting is the hard bound on how deep one Avro value may nest
// (records, arrays, maps and recursive references, each a level). Below
// Limits.MaxDepth fields are emitted; between it and MaxAvroNesting they are
// decoded and dropped; past it the record fails with avro_invalid. Without
// it, a recursive schema and a body of millions of links recursed until Go's
// stack overflowed: a fatal error that no recover catches (issue 12).
const MaxAvroNesting = 1000

var errAvroTooDeep = fmt.Errorf("value nested deeper than %d levels (a recursive schema with a hostile or corrupt body?)", MaxAvroNesting)

func (a *avroReader) decode(p *avroProgram, ids []int32, body []byte, rec *Record) error {
	a.buf, a.pos, a.rec, a.ids = body, 0, rec, ids
	a.prefix = a.prefix[:0]
	a.arena = a.arena[:0]
	a.budget = 8*len(body) + 4*len(p.names) + 1024
	err := a.run(p.root, false, false, 0)
	a.buf, a.rec = nil, nil
	if err != nil {
		return decErr(ErrAvroInvalid, nil, "Avro body of schema id %d: %v at byte %d of %d", p.writerID, err, a.pos, len(body))
	}
	return nil
}

var errTruncated = errors.New("truncated")

func (a *avroReader) long() (int64, error) {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if a.pos >= len(a.buf) {
			return 0, errTruncated
		}
		b := a.buf[a.pos]
		a.pos++
		u |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errors.New("varint longer than 10 bytes")
}

func (a *avroReader) take(n int64) ([]byte, error) {
	if n < 0 {
		return nil, errors.New("negative length")
	}
	if n > int64(len(a.buf)-a.pos) {
		return nil, errTruncated
	}
	b := a.buf[a.pos : a.pos+int(n) : a.pos+int(n)]
	a.pos += int(n)
	return b, nil
}

// put emits f under op's name unless emission is off. The common case (a
// field with a schema name, room left) is tested first and appends at once;
// the rest is in putSlow. That took an Avro telemetry decode from about 250
// to 165 ns (BenchmarkDecodeAvroByID, issue 7).
func (a *avroReader) put(op *avroOp, dyn, drop bool, f Field) {
	if op.emit && !drop && !dyn {
		if id := a.ids[op.slot]; id >= 0 && len(a.rec.Fields) < a.lim.MaxFields {
			f.ID = id
			a.rec.Fields = append(a.rec.Fields, f)
			return
		}
	}
	a.putSlow(op, dyn, drop, f)
}

// putSlow is put's other cases: emission off, a name built from the data,
// or a limit reached.
func (a *avroReader) putSlow(op *avroOp, dyn, drop bool, f Field) {
	if !op.emit || drop {
		return
	}
	if dyn {
		emitField(a.rec, a.names, a.lim, a.prefix, f)
		return
	}
	if a.rec.Warning == nil {
		a.rec.Warning = decErr(ErrTooManyFields, nil, "field or name limit reached; some fields were dropped")
	}
}

// enterDynamic makes the prefix hold op's full name when switching from
// static names to names built from the data.
func (a *avroReader) enterDynamic(op *avroOp, dyn bool) {
	if !dyn {
		a.prefix = append(a.prefix[:0], op.full...)
	}
}

func (a *avroReader) child(base int, name []byte) {
	a.prefix = a.prefix[:base]
	if base > 0 {
		a.prefix = append(a.prefix, '.')
	}
	a.prefix = append(a.prefix, name...)
}

func (a *avroReader) childStr(base int, name string) {
	a.prefix = a.prefix[:base]
	if base > 0 {
		a.prefix = append(a.prefix, '.')
	}
	a.prefix = append(a.prefix, name...)
}

func (a *avroReader) run(op *avroOp, dyn, drop bool, depth int) error {
	if a.budget--; a.budget < 0 {
		return errAvroBudget
	}
	if depth > MaxAvroNesting {
		return errAvroTooDeep
	}
	switch op.kind {
	case opNull:
		a.put(op, dyn, drop, Field{Kind: KindNull})
	case opBool:
		b, err := a.take(1)
		if err != nil {
			return err
		}
		a.put(op, dyn, drop, Field{Kind: KindBool, Bool: b[0] != 0})
	case opInt:
		v, err := a.long()
		if err != nil {
			return err
		}
		n := float64(v)
		if op.conv == convMicrosToMillis {
			n /= 1000
		}
		if op.decimal > 0 {
			n /= math.Pow10(op.decimal - 1)
		}
		a.put(op, dyn, drop, Field{Kind: KindNumber, Num: n})
	case opFloat:
		b, err := a.take(4)
		if err != nil {
			return err
		}
		a.put(op, dyn, drop, Field{Kind: KindNumber, Num: float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))})
	case opDouble:
		b, err := a.take(8)
		if err != nil {
			return err
		}
		a.put(op, dyn, drop, Field{Kind: KindNumber, Num: math.Float64frombits(binary.LittleEndian.Uint64(b))})
	case opString, opBytes, opFixed:
		return a.bytesOp(op, dyn, drop)
	case opEnum:
		i, err := a.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(op.symbols)) {
			return errors.New("enum index out of range")
		}
		a.put(op, dyn, drop, Field{Kind: KindString, Bytes: op.symbols[i]})
	case opUnion:
		i, err := a.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(op.branches)) {
			return errors.New("union branch out of range")
		}
		return a.run(op.branches[i], dyn, drop, depth)
	case opRecord:
		if depth >= a.lim.MaxDepth && !drop {
			drop = true
			if a.rec.Warning == nil {
				a.rec.Warning = decErr(ErrTooManyFields, nil, "nesting deeper than %d levels was dropped", a.lim.MaxDepth)
			}
		}
		base := len(a.prefix)
		for _, f := range op.fields {
			if dyn {
				a.childStr(base, f.name)
			}
			if err := a.run(f, dyn, drop, depth+1); err != nil {
				return err
			}
		}
		a.prefix = a.prefix[:base]
	case opArray, opMap:
		return a.blocks(op, dyn, drop, depth)
	case opDefault:
		if op.emit && !drop {
			a.putDefault(op, dyn, op.def)
		}
	case opRef:
		a.enterDynamic(op, dyn)
		return a.run(op.target, true, drop, depth+1)
	}
	return nil
}

func (a *avroReader) bytesOp(op *avroOp, dyn, drop bool) error {
	var b []byte
	var err error
	if op.kind == opFixed {
		b, err = a.take(int64(op.size))
	} else {
		var n int64
		if n, err = a.long(); err == nil {
			b, err = a.take(n)
		}
	}
	if err != nil {
		return err
	}
	switch {
	case op.decimal > 0:
		a.put(op, dyn, drop, Field{Kind: KindNumber, Num: decimalValue(b, op.decimal-1)})
	case op.kind == opString:
		a.put(op, dyn, drop, Field{Kind: KindString, Bytes: b})
	default:
		if !op.emit || drop {
			return nil
		}
		start := len(a.arena)
		a.arena = base64.StdEncoding.AppendEncode(a.arena, b)
		a.put(op, dyn, drop, Field{Kind: KindString, Bytes: a.arena[start:len(a.arena):len(a.arena)]})
	}
	return nil
}

// blocks decodes array items or map entries, named by index or key.
func (a *avroReader) blocks(op *avroOp, dyn, drop bool, depth int) error {
	saved := len(a.prefix)
	a.enterDynamic(op, dyn)
	base := len(a.prefix)
	var idx int64
	var num [20]byte
	for {
		count, err := a.long()
		if err != nil {
			return err
		}
		if count == 0 {
			break
		}
		if count < 0 {
			count = -count
			if _, err := a.long(); err != nil { // block size in bytes
				return err
			}
		}
		for ; count > 0; count-- {
			if a.budget--; a.budget < 0 {
				return errAvroBudget
			}
			if op.kind == opMap {
				n, err := a.long()
				if err != nil {
					return err
				}
				key, err := a.take(n)
				if err != nil {
					return err
				}
				a.child(base, key)
			} else {
				a.child(base, strconv.AppendInt(num[:0], idx, 10))
			}
			idx++
			if err := a.run(op.items, true, drop, depth+1); err != nil {
				return err
			}
		}
	}
	if dyn {
		a.prefix = a.prefix[:saved]
	} else {
		a.prefix = a.prefix[:0]
	}
	return nil
}
