package codec

import (
	"math"
	"math/big"
	"sort"
	"strconv"
)

// This file holds the Avro values that are not read from a body's bytes as
// they stand: a reader schema's defaults for fields the writer lacks, and
// decimals (a big-endian unscaled integer and the schema's scale).

// putDefault emits a reader default (a JSON-like value from the schema).
func (a *avroReader) putDefault(op *avroOp, dyn bool, v any) {
	switch v := v.(type) {
	case map[string]any:
		saved := len(a.prefix)
		a.enterDynamic(op, dyn)
		a.defaultTree(v)
		if dyn {
			a.prefix = a.prefix[:saved]
		} else {
			a.prefix = a.prefix[:0]
		}
	case []any:
		saved := len(a.prefix)
		a.enterDynamic(op, dyn)
		a.defaultTree(v)
		if dyn {
			a.prefix = a.prefix[:saved]
		} else {
			a.prefix = a.prefix[:0]
		}
	default:
		a.put(op, dyn, false, scalarField(v))
	}
}

func (a *avroReader) defaultTree(v any) {
	base := len(a.prefix)
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a.childStr(base, k)
			a.defaultTree(v[k])
		}
	case []any:
		for i, item := range v {
			a.child(base, strconv.AppendInt(nil, int64(i), 10))
			a.defaultTree(item)
		}
	default:
		emitField(a.rec, a.names, a.lim, a.prefix, scalarField(v))
	}
	a.prefix = a.prefix[:base]
}

func scalarField(v any) Field {
	switch v := v.(type) {
	case bool:
		return Field{Kind: KindBool, Bool: v}
	case string:
		return Field{Kind: KindString, Bytes: []byte(v)}
	case []byte:
		return Field{Kind: KindString, Bytes: v}
	case float64:
		return Field{Kind: KindNumber, Num: v}
	case float32:
		return Field{Kind: KindNumber, Num: float64(v)}
	case int:
		return Field{Kind: KindNumber, Num: float64(v)}
	case int32:
		return Field{Kind: KindNumber, Num: float64(v)}
	case int64:
		return Field{Kind: KindNumber, Num: float64(v)}
	}
	return Field{Kind: KindNull}
}

// decimalValue reads a big-endian two's-complement unscaled integer.
func decimalValue(b []byte, scale int) float64 {
	if len(b) == 0 {
		return 0
	}
	if len(b) <= 8 {
		var v int64
		if b[0]&0x80 != 0 {
			v = -1
		}
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return float64(v) / math.Pow10(scale)
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return f / math.Pow10(scale)
}
