package codec

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Plain text: the whole value is one field named "value", a number when
// the text (trimmed) is one, else the text itself (without a trailing line
// break; invalid UTF-8 replaced).
// A topic whose values are sometimes numbers and sometimes not gets a
// column of its first kind, the others counted as type_mismatch.

var textName = []byte("value")

func decodeText(value []byte, names *Names, lim Limits, rec *Record) error {
	t := bytes.TrimSpace(value)
	if len(t) > 0 && len(t) < 64 {
		if v, err := strconv.ParseFloat(string(t), 64); err == nil {
			emitField(rec, names, lim, textName, Field{Kind: KindNumber, Num: v})
			return nil
		}
	}
	value = bytes.TrimRight(value, "\r\n")
	if !utf8.Valid(value) {
		value = bytes.ToValidUTF8(value, []byte("\uFFFD"))
	}
	emitField(rec, names, lim, textName, Field{Kind: KindString, Bytes: value})
	return nil
}
