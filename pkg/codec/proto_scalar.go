package codec

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The scalar values of the Protobuf walker (pbReader): wire types, the
// scalar kinds, zeros of absent fields, well-known types, and the hot path
// of a scalar with a static name.

// hot appends a scalar of a field with a static name: doubles and strings
// straight into the record, the other kinds through scalar.
func (p *pbReader) hot(f *pbField, id int32, typ protowire.Type, b []byte) (int, error) {
	switch {
	case f.kind == protoreflect.DoubleKind:
		if len(b) < 8 {
			return 0, wireErr(-1)
		}
		p.rec.Fields = append(p.rec.Fields, Field{ID: id, Kind: KindNumber, Num: math.Float64frombits(binary.LittleEndian.Uint64(b))})
		return 8, nil
	case f.kind == protoreflect.StringKind:
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, wireErr(n)
		}
		p.rec.Fields = append(p.rec.Fields, Field{ID: id, Kind: KindString, Bytes: v[:len(v):len(v)]})
		return n, nil
	case typ == protowire.VarintType && f.kind != protoreflect.EnumKind:
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return 0, wireErr(n)
		}
		p.rec.Fields = append(p.rec.Fields, p.varint(f, v))
		p.rec.Fields[len(p.rec.Fields)-1].ID = id
		return n, nil
	}
	fl, n, err := p.scalar(f, typ, b)
	if err != nil {
		return 0, err
	}
	fl.ID = id
	p.rec.Fields = append(p.rec.Fields, fl)
	return n, nil
}

// wireType is the wire type a scalar kind is written with.
func wireType(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	}
	return protowire.VarintType
}

// scalar decodes one scalar of f's kind (typ is its wire type).
func (p *pbReader) scalar(f *pbField, typ protowire.Type, b []byte) (Field, int, error) {
	switch typ {
	case protowire.VarintType:
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return Field{}, 0, wireErr(n)
		}
		return p.varint(f, v), n, nil
	case protowire.Fixed32Type:
		v, n := protowire.ConsumeFixed32(b)
		if n < 0 {
			return Field{}, 0, wireErr(n)
		}
		switch f.kind {
		case protoreflect.FloatKind:
			return Field{Kind: KindNumber, Num: float64(math.Float32frombits(v))}, n, nil
		case protoreflect.Sfixed32Kind:
			return Field{Kind: KindNumber, Num: float64(int32(v))}, n, nil // #nosec G115 -- sfixed32 is a two's-complement int32
		}
		return Field{Kind: KindNumber, Num: float64(v)}, n, nil
	case protowire.Fixed64Type:
		v, n := protowire.ConsumeFixed64(b)
		if n < 0 {
			return Field{}, 0, wireErr(n)
		}
		switch f.kind {
		case protoreflect.DoubleKind:
			return Field{Kind: KindNumber, Num: math.Float64frombits(v)}, n, nil
		case protoreflect.Sfixed64Kind:
			return Field{Kind: KindNumber, Num: float64(int64(v))}, n, nil // #nosec G115 -- sfixed64 is a two's-complement int64
		}
		return Field{Kind: KindNumber, Num: float64(v)}, n, nil
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return Field{}, 0, wireErr(n)
	}
	if f.kind == protoreflect.BytesKind {
		start := len(p.arena)
		p.arena = base64.StdEncoding.AppendEncode(p.arena, v)
		return Field{Kind: KindString, Bytes: p.arena[start:len(p.arena):len(p.arena)]}, n, nil
	}
	return Field{Kind: KindString, Bytes: v[:len(v):len(v)]}, n, nil
}

// varint turns a varint of f's kind into a field.
func (p *pbReader) varint(f *pbField, v uint64) Field {
	// #nosec G115 -- each conversion is the Protobuf meaning of the varint's bits
	switch f.kind {
	case protoreflect.BoolKind:
		return Field{Kind: KindBool, Bool: v != 0}
	case protoreflect.Int32Kind:
		return Field{Kind: KindNumber, Num: float64(int32(v))}
	case protoreflect.Int64Kind:
		return Field{Kind: KindNumber, Num: float64(int64(v))}
	case protoreflect.Uint32Kind:
		return Field{Kind: KindNumber, Num: float64(uint32(v))}
	case protoreflect.Sint32Kind:
		return Field{Kind: KindNumber, Num: float64(int32(protowire.DecodeZigZag(v & math.MaxUint32)))}
	case protoreflect.Sint64Kind:
		return Field{Kind: KindNumber, Num: float64(protowire.DecodeZigZag(v))}
	case protoreflect.EnumKind:
		n := protoreflect.EnumNumber(int32(v))
		if name := f.enumName(n); name != nil {
			return Field{Kind: KindString, Bytes: name}
		}
		start := len(p.arena)
		p.arena = strconv.AppendInt(p.arena, int64(n), 10)
		return Field{Kind: KindString, Bytes: p.arena[start:len(p.arena):len(p.arena)]}
	}
	return Field{Kind: KindNumber, Num: float64(v)} // uint64
}

// zero is the value of an absent field without presence.
func (p *pbReader) zero(f *pbField) Field {
	switch f.kind {
	case protoreflect.BoolKind:
		return Field{Kind: KindBool}
	case protoreflect.StringKind, protoreflect.BytesKind:
		return Field{Kind: KindString, Bytes: []byte{}}
	case protoreflect.EnumKind:
		return p.varint(f, 0)
	}
	return Field{Kind: KindNumber}
}

// wellKnown decodes a Timestamp (a time), a Duration (seconds) or a
// wrapper (its value; zero when the wrapper is present but empty).
func (p *pbReader) wellKnown(m *pbMsg, b []byte) (Field, error) {
	if m.wkt == wktWrapper {
		vf := &m.fields[0]
		out := p.zero(vf)
		for len(b) > 0 {
			num, typ, n := protowire.ConsumeTag(b)
			if n < 0 {
				return Field{}, wireErr(n)
			}
			b = b[n:]
			if num == 1 && typ == wireType(vf.kind) {
				fl, k, err := p.scalar(vf, typ, b)
				if err != nil {
					return Field{}, err
				}
				out, n = fl, k
			} else if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return Field{}, wireErr(n)
			}
			b = b[n:]
		}
		return out, nil
	}
	var secs, nanos int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Field{}, wireErr(n)
		}
		b = b[n:]
		if typ == protowire.VarintType && (num == 1 || num == 2) {
			v, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return Field{}, wireErr(k)
			}
			if num == 1 {
				secs = int64(v) // #nosec G115 -- int64 seconds on the wire
			} else {
				nanos = int64(int32(v)) // #nosec G115 -- int32 nanos on the wire
			}
			n = k
		} else if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
			return Field{}, wireErr(n)
		}
		b = b[n:]
	}
	if m.wkt == wktDuration {
		return Field{Kind: KindNumber, Num: float64(secs) + float64(nanos)/1e9}, nil
	}
	return Field{Kind: KindTime, Num: float64(secs)*1e3 + float64(nanos)/1e6}, nil
}
