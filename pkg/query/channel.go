package query

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// A stream's channel is ds/<uid>/<path>. After a plugin restart Grafana calls
// RunStream with the path alone, so the path holds the whole live query:
//
//	<org>/<type code>/<topic>[/<option>=<value>]...
//
// Options appear only when not the default, in this order: f (format:
// j|a|b|s|x|l for json, avro, protobuf, jsonschema, text, influx),
// p (partition), o (start: e = earliest, n<N> = last N; default latest),
// d (drivers), s (fields), k (raw columns: letters of k p o t h), t (time
// field), i (flush ms), v (resolution ms), y (key format: b|j|a|p|s for base64, json, avro,
// protobuf, jsonschema), l (seriesBy), x (isolation: u = read_uncommitted),
// r (precision: u|m|s), then the type's params (keys of 2+ characters) in
// key order. Lists are joined with "."; inside a value, bytes other than
// [A-Za-z0-9_-] are written =XX (hex). Grafana allows only
// [A-Za-z0-9_\-/=.] in paths, and Pitwall keeps them to MaxPathLen
// characters. Decoding accepts only the canonical form, so one live query
// has exactly one channel.

// MaxPathLen is the longest channel path (after ds/<uid>/) Pitwall makes.
const MaxPathLen = 150

// ErrPathTooLong says a query does not fit in a channel path.
var ErrPathTooLong = errors.New("live query does not fit in a channel path")

// EncodeChannelPath returns the channel path of q's live stream in org.
func EncodeChannelPath(org int64, q *Query) (string, error) {
	qt, ok := TypeNamed(q.QueryType)
	if !ok {
		return "", fmt.Errorf("queryType %q has no stream", q.QueryType)
	}
	if err := checkStreamable(q); err != nil {
		return "", err
	}
	segs := []string{strconv.FormatInt(org, 10), qt.Code, escape(q.Topic)}
	add := func(k, v string) { segs = append(segs, k+"="+v) }
	if c, ok := formatCodes[q.Format]; ok {
		add("f", c)
	}
	if q.Partition >= 0 {
		add("p", strconv.Itoa(int(q.Partition)))
	}
	switch q.Offset {
	case OffsetEarliest:
		add("o", "e")
	case OffsetLastN:
		add("o", "n"+strconv.FormatInt(q.LastN, 10))
	}
	if len(q.Drivers) > 0 {
		add("d", escapeList(q.Drivers))
	}
	if len(q.Fields) > 0 {
		add("s", escapeList(q.Fields))
	}
	if len(q.Columns) > 0 {
		var b strings.Builder
		for _, c := range Columns {
			if q.HasColumn(c) {
				b.WriteByte(c[0])
			}
		}
		add("k", b.String())
	}
	if q.TimeField != "" {
		add("t", escape(q.TimeField))
	}
	if q.Flush != 0 {
		add("i", strconv.FormatInt(q.Flush.Milliseconds(), 10))
	}
	if q.Resolution > 0 {
		add("v", strconv.FormatInt(q.Resolution.Milliseconds(), 10))
	}
	if c, ok := keyCodes[q.KeyFormat]; ok {
		add("y", c)
	}
	if len(q.SeriesBy) > 0 {
		add("l", escapeList(q.SeriesBy))
	}
	if q.Isolation == ReadUncommitted {
		add("x", "u")
	}
	if q.Precision != "" && q.Precision != "ns" {
		add("r", q.Precision[:1])
	}
	keys := make([]string, 0, len(q.Params))
	for k := range q.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(k, escape(q.Params[k]))
	}
	p := strings.Join(segs, "/")
	if len(p) > MaxPathLen {
		return "", fmt.Errorf("%w: %d characters, at most %d; pick fewer drivers or fields, or shorter names", ErrPathTooLong, len(p), MaxPathLen)
	}
	return p, nil
}

// DecodeChannelPath rebuilds the live query of a path, and its org.
func DecodeChannelPath(path string) (int64, *Query, error) {
	if len(path) > MaxPathLen {
		return 0, nil, fmt.Errorf("%w: %d characters", ErrPathTooLong, len(path))
	}
	segs := strings.Split(path, "/")
	if len(segs) < 3 {
		return 0, nil, fmt.Errorf("channel path %q is not <org>/<type>/<topic>[/option=value...]", path)
	}
	org, err := strconv.ParseInt(segs[0], 10, 64)
	if err != nil || org < 0 || strconv.FormatInt(org, 10) != segs[0] {
		return 0, nil, fmt.Errorf("channel path %q: %q is not an org id", path, segs[0])
	}
	qt, ok := typeByCode(segs[1])
	if !ok {
		return 0, nil, fmt.Errorf("channel path %q: unknown query type code %q", path, segs[1])
	}
	topic, err := unescape(segs[2])
	if err != nil {
		return 0, nil, fmt.Errorf("channel path %q: topic: %w", path, err)
	}
	raw := map[string]any{"queryType": qt.Name, "topic": topic, "stream": true, "offset": OffsetLatest}
	params := map[string]string{}
	for _, s := range segs[3:] {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return 0, nil, fmt.Errorf("channel path %q: segment %q is not option=value", path, s)
		}
		if err := decodeOption(k, v, raw, params); err != nil {
			return 0, nil, fmt.Errorf("channel path %q: %w", path, err)
		}
	}
	if len(params) > 0 {
		raw["params"] = params
	}
	q, err := parseQueryMap(raw)
	if err != nil {
		return 0, nil, fmt.Errorf("channel path %q: %w", path, err)
	}
	if !q.Stream { // e.g. an annotation view: read by time range only
		return 0, nil, fmt.Errorf("channel path %q is not a live query: annotation queries are read by time range, not streamed", path)
	}
	// Only the canonical form is accepted.
	if again, err := EncodeChannelPath(org, q); err != nil || again != path {
		return 0, nil, fmt.Errorf("channel path %q is not in canonical form (expected %q)", path, again)
	}
	return org, q, nil
}

func decodeOption(k, v string, raw map[string]any, params map[string]string) error {
	var err error
	switch k {
	case "f":
		f, ok := byCode(formatCodes, v)
		if !ok {
			return fmt.Errorf("format %q is not one of j a b s x l", v)
		}
		raw["format"] = string(f)
	case "y":
		f, ok := byCode(keyCodes, v)
		if !ok {
			return fmt.Errorf("key format %q is not one of b j a p s", v)
		}
		raw["keyFormat"] = f
	case "l":
		raw["seriesBy"], err = unescapeList(v)
	case "x":
		if v != "u" {
			return fmt.Errorf("isolation %q is not u", v)
		}
		raw["isolation"] = ReadUncommitted
	case "r":
		m := map[string]string{"u": "us", "m": "ms", "s": "s"}
		if m[v] == "" {
			return fmt.Errorf("precision %q is not u, m or s", v)
		}
		raw["precision"] = m[v]
	case "p":
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("partition %q is not a number", v)
		}
		raw["partition"] = n
	case "o":
		switch {
		case v == "e":
			raw["offset"] = OffsetEarliest
		case strings.HasPrefix(v, "n"):
			n, err := strconv.Atoi(v[1:])
			if err != nil {
				return fmt.Errorf("lastN %q is not a number", v[1:])
			}
			raw["offset"], raw["lastN"] = OffsetLastN, n
		default:
			return fmt.Errorf("start %q is not e or n<N>", v)
		}
	case "d":
		raw["drivers"], err = unescapeList(v)
	case "s":
		raw["fields"], err = unescapeList(v)
	case "k":
		var cols []string
		for _, c := range v {
			m := map[rune]string{'k': ColumnKey, 'p': ColumnPartition, 'o': ColumnOffset, 't': ColumnTimestamp, 'h': ColumnHeaders}
			if m[c] == "" {
				return fmt.Errorf("column letter %q is not one of k p o t h", c)
			}
			cols = append(cols, m[c])
		}
		raw["columns"] = cols
	case "t":
		raw["timeField"], err = unescape(v)
	case "i":
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("flush %q is not a number of milliseconds", v)
		}
		raw["flushMs"] = n
	case "v":
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("resolution %q is not a number of milliseconds", v)
		}
		raw["resolutionMs"] = n
	default:
		if len(k) < 2 {
			return fmt.Errorf("unknown option %q", k)
		}
		params[k], err = unescape(v)
	}
	return err
}

// Channel-path codes of the formats and key formats that are not the default.
var (
	formatCodes = map[codec.Format]string{codec.FormatJSON: "j", codec.FormatAvro: "a", codec.FormatProtobuf: "b",
		codec.FormatJSONSchema: "s", codec.FormatText: "x", codec.FormatInflux: "l"}
	keyCodes = map[string]string{KeyBase64: "b", KeyJSON: "j", KeyAvro: "a", KeyProtobuf: "p", KeyJSONSchema: "s"}
)

func byCode[K comparable](m map[K]string, code string) (K, bool) {
	for k, c := range m {
		if c == code {
			return k, true
		}
	}
	var zero K
	return zero, false
}

// StreamFlush is the fixed flush interval of q's stream (flushMs), or 0
// when the stream flushes adaptively (no flushMs).
func (q *Query) StreamFlush() time.Duration {
	if q.Flush < MinFlush {
		return 0
	}
	return q.Flush
}

const hexDigits = "0123456789ABCDEF"

func plainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plainByte(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('=')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case plainByte(c):
			b.WriteByte(c)
		case c == '=' && i+2 < len(s):
			hi, lo := strings.IndexByte(hexDigits, s[i+1]), strings.IndexByte(hexDigits, s[i+2])
			if hi < 0 || lo < 0 {
				return "", fmt.Errorf("bad escape %q", s[i:i+3])
			}
			b.WriteByte(byte(hi<<4 | lo)) // #nosec G115 -- two hex digits, 0..255
			i += 2
		default:
			return "", fmt.Errorf("unexpected %q in %q", c, s)
		}
	}
	return b.String(), nil
}

func escapeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = escape(s)
	}
	return strings.Join(out, ".")
}

func unescapeList(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ".") {
		u, err := unescape(part)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
