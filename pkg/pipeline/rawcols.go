package pipeline

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
	"github.com/pitwall-f1/pitwall/pkg/table"
)

// The Kafka columns of raw frames (the query's columns), and the series
// labels of seriesBy: a record's key (as text, base64, or its decoded
// fields as kafka.key.<name>), its headers (kafka.header.<name>, text),
// partition, offset and timestamp.

// Bounds of the header columns.
const (
	maxHeadersPerRecord = 64  // further headers of a record are not shown
	maxHeaderColumns    = 256 // distinct header names per query
)

const errTooManyHeaders codec.ErrClass = "too_many_headers"

type rawColumns struct {
	keyBound *codec.Names
	keyNames []string          // decoded key field id -> column name
	headers  map[string]string // header key -> column name
	buf      []byte
	interned map[string]string
}

// set fills the Kafka columns of the current row.
func (c *rawColumns) set(t *table.Table, q *query.Query, r *Rec, faults *Faults) {
	for _, col := range query.Columns { // in this order, whatever the query's
		if !q.HasColumn(col) {
			continue
		}
		switch col {
		case query.ColumnKey:
			c.key(t, q, r)
		case query.ColumnPartition:
			t.SetNumber(ColPartition, float64(r.Kafka.Partition))
		case query.ColumnOffset:
			t.SetNumber(ColOffset, float64(r.Kafka.Offset))
		case query.ColumnTimestamp:
			t.SetNumber(ColTimestamp, float64(r.Kafka.Timestamp.UnixMilli()))
		case query.ColumnHeaders:
			c.setHeaders(t, r, faults)
		}
	}
}

// key sets kafka.key (string or base64) or the decoded key's columns.
func (c *rawColumns) key(t *table.Table, q *query.Query, r *Rec) {
	switch {
	case r.Key != nil:
		for _, f := range r.Key.Fields {
			t.SetValue(c.keyName(r.KeyNames, f.ID), f)
		}
	case q.KeyFormat == query.KeyBase64:
		c.buf = base64.StdEncoding.AppendEncode(c.buf[:0], r.Kafka.Key)
		t.SetString(ColKey, c.buf)
	case q.KeyFormat == query.KeyString || r.Kafka.Key == nil:
		t.SetString(ColKey, r.Kafka.Key)
	}
	// A key that did not decode is counted (feed.go) and left out.
}

// keyName is the column of a decoded key field: kafka.key for a scalar
// key, kafka.key.<name> for the fields of a structured one.
func (c *rawColumns) keyName(names *codec.Names, id int32) string {
	if names != c.keyBound {
		c.keyBound, c.keyNames = names, c.keyNames[:0]
	}
	for int(id) >= len(c.keyNames) {
		c.keyNames = append(c.keyNames, "")
	}
	if c.keyNames[id] == "" {
		n := names.Name(id)
		if n == "value" {
			c.keyNames[id] = ColKey
		} else {
			c.keyNames[id] = ColKey + "." + n
		}
	}
	return c.keyNames[id]
}

func (c *rawColumns) setHeaders(t *table.Table, r *Rec, faults *Faults) {
	if c.headers == nil {
		c.headers = map[string]string{}
	}
	for i, h := range r.Kafka.Headers {
		if i >= maxHeadersPerRecord {
			faults.Add(errTooManyHeaders, where(r.Kafka), fmt.Sprintf("a record has %d headers; the first %d are shown", len(r.Kafka.Headers), maxHeadersPerRecord))
			return
		}
		name, ok := c.headers[h.Key]
		if !ok {
			if len(c.headers) >= maxHeaderColumns {
				faults.Add(errTooManyHeaders, where(r.Kafka), fmt.Sprintf("records have more than %d distinct header names; the others are not shown", maxHeaderColumns))
				continue
			}
			name = ColHeaderPrefix + h.Key
			c.headers[h.Key] = name
		}
		t.SetString(name, h.Value)
	}
}

// seriesLabel is the series of a record: "name=value, ..." over the
// query's seriesBy names (sorted), values from the key, headers,
// partition or payload.
func (c *rawColumns) seriesLabel(q *query.Query, r *Rec) string {
	c.buf = c.buf[:0]
	for i, name := range q.SeriesBy {
		if i > 0 {
			c.buf = append(c.buf, ", "...)
		}
		c.buf = append(c.buf, name...)
		c.buf = append(c.buf, '=')
		c.buf = appendLabelValue(c.buf, labelValue(q, r, name))
	}
	if c.interned == nil {
		c.interned = map[string]string{}
	}
	if s, ok := c.interned[string(c.buf)]; ok {
		return s
	}
	s := string(c.buf)
	if len(c.interned) < 4*maxRawSeries {
		c.interned[s] = s
	}
	return s
}

// labelsOf is the series labels of r, for a series' frame.
func labelsOf(q *query.Query, r *Rec) data.Labels {
	l := data.Labels{}
	for _, name := range q.SeriesBy {
		l[name] = string(appendLabelValue(nil, labelValue(q, r, name)))
	}
	return l
}

// labelValue is the text of seriesBy column name for record r.
func labelValue(q *query.Query, r *Rec, name string) []byte {
	switch {
	case name == ColKey:
		if r.Key != nil {
			if id, ok := r.KeyNames.Lookup("value"); ok {
				if f, ok := r.Key.Lookup(id); ok {
					return fieldText(f)
				}
			}
		}
		if q.KeyFormat == query.KeyBase64 {
			return base64.StdEncoding.AppendEncode(nil, r.Kafka.Key)
		}
		return r.Kafka.Key
	case strings.HasPrefix(name, ColKey+"."):
		if r.Key != nil {
			if id, ok := r.KeyNames.Lookup(name[len(ColKey)+1:]); ok {
				if f, ok := r.Key.Lookup(id); ok {
					return fieldText(f)
				}
			}
		}
		return nil
	case strings.HasPrefix(name, ColHeaderPrefix):
		for _, h := range r.Kafka.Headers {
			if h.Key == name[len(ColHeaderPrefix):] {
				return h.Value
			}
		}
		return nil
	case name == ColPartition:
		return strconv.AppendInt(nil, int64(r.Kafka.Partition), 10)
	}
	if id, ok := r.Names.Lookup(name); ok {
		if f, ok := r.Lookup(id); ok {
			return fieldText(f)
		}
	}
	return nil
}

// fieldText is a field's value as label text.
func fieldText(f codec.Field) []byte {
	switch f.Kind {
	case codec.KindString:
		return f.Bytes
	case codec.KindNumber:
		return strconv.AppendFloat(nil, f.Num, 'g', -1, 64)
	case codec.KindBool:
		return strconv.AppendBool(nil, f.Bool)
	case codec.KindTime:
		return strconv.AppendFloat(nil, f.Num, 'f', -1, 64)
	}
	return nil
}

// appendLabelValue appends v with the characters that would break Grafana
// Live's "k=v, k2=v2" labels column (= , " { }) replaced by _.
func appendLabelValue(b, v []byte) []byte {
	for _, ch := range v {
		switch ch {
		case '=', ',', '"', '{', '}':
			ch = '_'
		}
		b = append(b, ch)
	}
	return b
}

// Where a raw row's time came from.
const (
	srcField     = iota // the query's timeField
	srcPayload          // a time the payload carries (line protocol)
	srcCreate           // the Kafka timestamp, CreateTime
	srcLogAppend        // the Kafka timestamp, LogAppendTime
	nSources
)

// timeSources counts the rows of each time source.
type timeSources [nSources]int

func (s *timeSources) add(src int) { s[src]++ }

func sourceName(src int, field string) string {
	switch src {
	case srcField:
		return "payload field " + field
	case srcPayload:
		return "payload timestamp (line protocol)"
	case srcCreate:
		return "kafka.timestamp (CreateTime)"
	}
	return "kafka.timestamp (LogAppendTime)"
}

// String names the sources used, the most used first ("kafka.timestamp
// (CreateTime)" when nothing was read).
func (s *timeSources) String(field string) string {
	order := []int{}
	for i := range s {
		if s[i] > 0 {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return sourceName(srcCreate, field)
	}
	sort.SliceStable(order, func(a, b int) bool { return s[order[a]] > s[order[b]] })
	names := make([]string, len(order))
	for i, src := range order {
		names[i] = sourceName(src, field)
	}
	return strings.Join(names, ", ")
}

// notice says when rows took their time from different sources: a
// timeField missing from some records, or mixed timestamp types.
func (s *timeSources) notice(field string) *data.Notice {
	var parts []string
	for i := range s {
		if s[i] > 0 {
			parts = append(parts, fmt.Sprintf("%s for %d row(s)", sourceName(i, field), s[i]))
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return &data.Notice{Severity: data.NoticeSeverityInfo, Text: "time: " + strings.Join(parts, "; ")}
}
