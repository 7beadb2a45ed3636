package codec

import (
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// pbReader walks the wire bytes of one Protobuf message over its compiled
// pbMsg tree with protowire, emitting flattened fields: no dynamic message
// is built, nothing is allocated once its buffers are warm. Unknown fields
// (written with a newer schema) are skipped; a field absent from the wire
// reads as its zero value when it has no presence (proto3 scalars), and as
// null otherwise (proto3 optional, proto2, messages, wrappers).
type pbReader struct {
	names  *Names
	lim    Limits
	rec    *Record
	ids    []int32 // program slot -> name id (-1: name table full)
	prefix []byte
	arena  []byte // text made while decoding (base64, enum numbers, map keys)
	budget int
	counts []int32 // repeated items seen, per field of each message being decoded
	seen   []bool  // fields seen, per field of each message being decoded
}

// MaxProtoNesting is the hard bound on how deep one Protobuf value may nest
// (messages in messages, map values). Below Limits.MaxDepth fields are
// emitted; between it and MaxProtoNesting they are decoded and dropped;
// past it the record fails with protobuf_invalid.
const MaxProtoNesting = 1000

var (
	errProtoTooDeep = fmt.Errorf("message nested deeper than %d levels", MaxProtoNesting)
	errProtoBudget  = errors.New("message expands beyond the decoding budget")
)

func (p *pbReader) decode(prog *protoProgram, ids []int32, body []byte, rec *Record) error {
	p.rec, p.ids = rec, ids
	p.prefix, p.arena = p.prefix[:0], p.arena[:0]
	p.counts, p.seen = p.counts[:0], p.seen[:0]
	p.budget = 8*len(body) + 4*len(prog.names) + 1024
	err := p.message(prog.root, body, false, false, 0)
	p.rec = nil
	if err != nil {
		return decErr(ErrProtobufInvalid, nil, "Protobuf body of schema id %d (message %s): %v", prog.id, prog.name, err)
	}
	return nil
}

func wireErr(n int) error { return protowire.ParseError(n) }

// message decodes the fields of one message. In dynamic mode (dyn) the
// prefix holds the message's full name and names are built from it.
func (p *pbReader) message(m *pbMsg, b []byte, dyn, drop bool, depth int) error {
	if depth > MaxProtoNesting {
		return errProtoTooDeep
	}
	if depth >= p.lim.MaxDepth && !drop {
		drop = true
		p.warn(decErr(ErrTooManyFields, nil, "nesting deeper than %d levels was dropped", p.lim.MaxDepth))
	}
	base, cbase, sbase := len(p.prefix), len(p.counts), len(p.seen)
	if m.lists {
		for range m.fields {
			p.counts = append(p.counts, 0)
		}
	}
	// Which fields were seen: a bit mask for up to 64 fields, else p.seen.
	var mask uint64
	wide := m.defaults && len(m.fields) > 64
	if wide {
		for range m.fields {
			p.seen = append(p.seen, false)
		}
	}
	for len(b) > 0 {
		if p.budget--; p.budget < 0 {
			return errProtoBudget
		}
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return wireErr(n)
		}
		b = b[n:]
		i := m.lookup(num)
		if i < 0 || m.fields[i].kind == protoreflect.GroupKind {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return wireErr(n)
			}
			b = b[n:]
			continue
		}
		f := &m.fields[i]
		if wide {
			p.seen[sbase+i] = true
		} else {
			mask |= 1 << (uint(i) & 63)
		}
		if f.fast && typ == f.wire && !dyn && !drop {
			if id := p.ids[f.slot]; id >= 0 && len(p.rec.Fields) < p.lim.MaxFields {
				// The hot path: a scalar with its own column, decoded
				// into its place (a telemetry record is all of these).
				k, err := p.hot(f, id, typ, b)
				if err != nil {
					return err
				}
				b = b[k:]
				continue
			}
		}
		if dyn {
			p.prefix = p.prefix[:base]
		}
		var err error
		switch {
		case f.isMap:
			n, err = p.mapEntry(f, typ, b, dyn, drop, depth, base)
		case f.list:
			n, err = p.listItems(f, typ, b, dyn, drop, depth, base, cbase+i)
		default:
			if dyn {
				p.child(base, f.name)
			}
			n, err = p.value(f, typ, b, dyn, drop, depth)
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	if m.defaults && !drop {
		for i := range m.fields {
			seen := mask&(1<<(uint(i)&63)) != 0
			if wide {
				seen = p.seen[sbase+i]
			}
			if f := &m.fields[i]; f.implicit && !seen {
				if p.budget--; p.budget < 0 {
					return errProtoBudget
				}
				if dyn {
					p.child(base, f.name)
				}
				p.put(f, dyn, false, p.zero(f))
			}
		}
	}
	p.prefix, p.counts, p.seen = p.prefix[:base], p.counts[:cbase], p.seen[:sbase]
	return nil
}

// listItems decodes one item of a repeated field, or a packed run of them.
func (p *pbReader) listItems(f *pbField, typ protowire.Type, b []byte, dyn, drop bool, depth, base, counter int) (int, error) {
	if want := wireType(f.kind); typ == protowire.BytesType && want != protowire.BytesType {
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, wireErr(n)
		}
		for len(v) > 0 {
			if p.budget--; p.budget < 0 {
				return 0, errProtoBudget
			}
			p.itemName(f, dyn, base, counter)
			k, err := p.value(f, want, v, true, drop, depth)
			if err != nil {
				return 0, err
			}
			v = v[k:]
		}
		return n, nil
	}
	p.itemName(f, dyn, base, counter)
	return p.value(f, typ, b, true, drop, depth)
}

// itemName sets the prefix to the name of f's next item: "<field>.<index>".
func (p *pbReader) itemName(f *pbField, dyn bool, base, counter int) {
	if dyn {
		p.child(base, f.name)
	} else {
		p.prefix = append(p.prefix[:0], f.full...)
	}
	p.prefix = append(p.prefix, '.')
	p.prefix = strconv.AppendInt(p.prefix, int64(p.counts[counter]), 10)
	p.counts[counter]++
}

// mapEntry decodes one entry of a map field, named "<map>.<key>".
func (p *pbReader) mapEntry(f *pbField, typ protowire.Type, b []byte, dyn, drop bool, depth, base int) (int, error) {
	if typ != protowire.BytesType {
		return skip(f.num, typ, b)
	}
	e, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return 0, wireErr(n)
	}
	var key, val []byte
	var keyTyp, valTyp protowire.Type
	for rest := e; len(rest) > 0; {
		num, t, k := protowire.ConsumeTag(rest)
		if k < 0 {
			return 0, wireErr(k)
		}
		rest = rest[k:]
		k = protowire.ConsumeFieldValue(num, t, rest)
		if k < 0 {
			return 0, wireErr(k)
		}
		switch num {
		case 1:
			key, keyTyp = rest[:k], t
		case 2:
			val, valTyp = rest[:k], t
		}
		rest = rest[k:]
	}
	if dyn {
		p.child(base, f.name)
	} else {
		p.prefix = append(p.prefix[:0], f.full...)
	}
	kf := p.zero(f.key)
	if key != nil && keyTyp == wireType(f.key.kind) {
		var err error
		if kf, _, err = p.scalar(f.key, keyTyp, key); err != nil {
			return 0, err
		}
	}
	p.prefix = append(p.prefix, '.')
	p.prefix = appendKeyText(p.prefix, kf)
	switch {
	case val != nil:
		if _, err := p.value(f.val, valTyp, val, true, drop, depth+1); err != nil {
			return 0, err
		}
	case f.val.kind != protoreflect.MessageKind:
		p.put(f.val, true, drop, p.zero(f.val))
	}
	return n, nil
}

// appendKeyText appends a map key as text.
func appendKeyText(b []byte, f Field) []byte {
	switch f.Kind {
	case KindString:
		return append(b, f.Bytes...)
	case KindBool:
		return strconv.AppendBool(b, f.Bool)
	}
	return strconv.AppendFloat(b, f.Num, 'f', -1, 64)
}

// value decodes one value of field f at the start of b and emits it.
func (p *pbReader) value(f *pbField, typ protowire.Type, b []byte, dyn, drop bool, depth int) (int, error) {
	if f.kind == protoreflect.MessageKind {
		if typ != protowire.BytesType {
			return skip(f.num, typ, b)
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, wireErr(n)
		}
		if f.msg.wkt != wktNone {
			fl, err := p.wellKnown(f.msg, v)
			if err != nil {
				return 0, err
			}
			p.put(f, dyn, drop, fl)
			return n, nil
		}
		if f.ref && !dyn { // a recursive type: names are built from here on
			p.prefix = append(p.prefix[:0], f.full...)
			dyn = true
		}
		return n, p.message(f.msg, v, dyn, drop, depth+1)
	}
	if typ != f.wire {
		return skip(f.num, typ, b)
	}
	fl, n, err := p.scalar(f, typ, b)
	if err != nil {
		return 0, err
	}
	p.put(f, dyn, drop, fl)
	return n, nil
}

func skip(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
	n := protowire.ConsumeFieldValue(num, typ, b)
	if n < 0 {
		return 0, wireErr(n)
	}
	return n, nil
}

// put emits fl under f's static name, or under the prefix when dynamic.
func (p *pbReader) put(f *pbField, dyn, drop bool, fl Field) {
	if drop {
		return
	}
	if !dyn && f.slot >= 0 {
		if id := p.ids[f.slot]; id >= 0 && len(p.rec.Fields) < p.lim.MaxFields {
			fl.ID = id
			p.rec.Fields = append(p.rec.Fields, fl)
			return
		}
		p.warn(decErr(ErrTooManyFields, nil, "field or name limit reached; some fields were dropped"))
		return
	}
	emitField(p.rec, p.names, p.lim, p.prefix, fl)
}

func (p *pbReader) warn(e *DecodeError) {
	if p.rec.Warning == nil {
		p.rec.Warning = e
	}
}

func (p *pbReader) child(base int, name string) {
	p.prefix = p.prefix[:base]
	if base > 0 {
		p.prefix = append(p.prefix, '.')
	}
	p.prefix = append(p.prefix, name...)
}
