package codec

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// InfluxDB line protocol (what Telegraf writes with data_format = "influx"):
//
//	measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// becomes the fields "measurement" (string), one string field per tag, and
// one field per field: floats and integers ("1i", "1u") are numbers,
// strings strings, t/true/f/false booleans. The timestamp (an integer in
// the decoder's precision, nanoseconds by default) is Record.Time. A
// record holds one point: Telegraf's Kafka output writes one per message
// unless use_batch_format is set; further lines are dropped and counted
// (extra_lines).

var (
	lineMeasurement = []byte("measurement")
	errLineEnd      = errors.New("line ends early")
)

// lineReader parses one line, unescaping into its arena.
type lineReader struct {
	b     []byte
	pos   int
	arena []byte
}

func decodeLine(value []byte, names *Names, lim Limits, precision time.Duration, rec *Record) error {
	line, rest := nextLine(value)
	if line == nil {
		return decErr(ErrLineProtocol, nil, "no line-protocol line (only blank lines or # comments)")
	}
	lr := lineReader{b: line}
	if err := lr.parse(names, lim, precision, rec); err != nil {
		rec.Reset()
		return decErr(ErrLineProtocol, nil, "not InfluxDB line protocol: %v at byte %d; if the topic holds something else, pick its format", err, lr.pos)
	}
	if n := countLines(rest); n > 0 {
		rec.Warning = decErr(ErrExtraLines, nil, "the record holds %d more line(s) after the first; one record shows one point (Telegraf: use_batch_format = false)", n)
	}
	return nil
}

// nextLine returns the first line that is neither blank nor a comment.
func nextLine(b []byte) (line, rest []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			line, b = b, nil
		} else {
			line, b = b[:i], b[i+1:]
		}
		line = bytes.TrimRight(line, "\r")
		if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] != '#' {
			return t, b
		}
	}
	return nil, nil
}

func countLines(b []byte) int {
	n := 0
	for {
		line, rest := nextLine(b)
		if line == nil {
			return n
		}
		n, b = n+1, rest
	}
}

func (l *lineReader) parse(names *Names, lim Limits, precision time.Duration, rec *Record) error {
	m, err := l.token(",  ")
	if err != nil {
		return err
	}
	if len(m) == 0 {
		return errors.New("no measurement")
	}
	emitField(rec, names, lim, lineMeasurement, Field{Kind: KindString, Bytes: m})
	for l.pos < len(l.b) && l.b[l.pos] == ',' {
		l.pos++
		k, err := l.token("=")
		if err != nil {
			return err
		}
		if l.pos >= len(l.b) || len(k) == 0 {
			return errors.New("a tag without key=value")
		}
		l.pos++ // '='
		v, err := l.token(", ")
		if err != nil {
			return err
		}
		emitField(rec, names, lim, k, Field{Kind: KindString, Bytes: v})
	}
	if l.pos >= len(l.b) || l.b[l.pos] != ' ' {
		return errors.New("no field set")
	}
	l.skipSpaces()
	for fields := 0; ; fields++ {
		k, err := l.token("=")
		if err != nil {
			return err
		}
		if l.pos >= len(l.b) || len(k) == 0 {
			return errors.New("a field without key=value")
		}
		l.pos++ // '='
		f, err := l.fieldValue()
		if err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
		emitField(rec, names, lim, k, f)
		if l.pos >= len(l.b) || l.b[l.pos] != ',' {
			break
		}
		l.pos++
	}
	l.skipSpaces()
	if l.pos < len(l.b) {
		ts, err := strconv.ParseInt(string(bytes.TrimRight(l.b[l.pos:], " \t")), 10, 64)
		if err != nil {
			return errors.New("the timestamp is not an integer")
		}
		rec.Time = ts * int64(precision)
		if precision > 1 && ts != 0 && rec.Time/int64(precision) != ts {
			return errors.New("the timestamp is out of range for its precision")
		}
		l.pos = len(l.b)
	}
	return nil
}

func (l *lineReader) skipSpaces() {
	for l.pos < len(l.b) && l.b[l.pos] == ' ' {
		l.pos++
	}
}

// token reads up to an unescaped byte of stops (or the end), unescaping
// backslash escapes.
func (l *lineReader) token(stops string) ([]byte, error) {
	start := l.pos
	escaped := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if c == '\\' && l.pos+1 < len(l.b) {
			escaped = true
			l.pos += 2
			continue
		}
		if bytes.IndexByte([]byte(stops), c) >= 0 {
			break
		}
		l.pos++
	}
	tok := l.b[start:l.pos]
	if !escaped {
		return tok, nil
	}
	from := len(l.arena)
	for i := 0; i < len(tok); i++ {
		if tok[i] == '\\' && i+1 < len(tok) {
			i++
		}
		l.arena = append(l.arena, tok[i])
	}
	return l.arena[from:len(l.arena):len(l.arena)], nil
}

// fieldValue reads a field value: "string", 1.5, 1i, 1u, t/true/f/false.
func (l *lineReader) fieldValue() (Field, error) {
	if l.pos >= len(l.b) {
		return Field{}, errLineEnd
	}
	if l.b[l.pos] == '"' {
		l.pos++
		from := len(l.arena)
		for l.pos < len(l.b) {
			c := l.b[l.pos]
			switch {
			case c == '\\' && l.pos+1 < len(l.b) && (l.b[l.pos+1] == '"' || l.b[l.pos+1] == '\\'):
				l.arena = append(l.arena, l.b[l.pos+1])
				l.pos += 2
			case c == '"':
				l.pos++
				return Field{Kind: KindString, Bytes: l.arena[from:len(l.arena):len(l.arena)]}, nil
			default:
				l.arena = append(l.arena, c)
				l.pos++
			}
		}
		return Field{}, errors.New("a string without its closing quote")
	}
	start := l.pos
	for l.pos < len(l.b) && l.b[l.pos] != ',' && l.b[l.pos] != ' ' {
		l.pos++
	}
	v := l.b[start:l.pos]
	switch string(v) {
	case "t", "T", "true", "True", "TRUE":
		return Field{Kind: KindBool, Bool: true}, nil
	case "f", "F", "false", "False", "FALSE":
		return Field{Kind: KindBool}, nil
	}
	if len(v) == 0 {
		return Field{}, errors.New("an empty value")
	}
	switch v[len(v)-1] {
	case 'i':
		n, err := strconv.ParseInt(string(v[:len(v)-1]), 10, 64)
		if err != nil {
			return Field{}, errors.New("not an integer")
		}
		return Field{Kind: KindNumber, Num: float64(n)}, nil
	case 'u':
		n, err := strconv.ParseUint(string(v[:len(v)-1]), 10, 64)
		if err != nil {
			return Field{}, errors.New("not an unsigned integer")
		}
		return Field{Kind: KindNumber, Num: float64(n)}, nil
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return Field{}, errors.New("not a number, string or boolean")
	}
	return Field{Kind: KindNumber, Num: f}, nil
}
