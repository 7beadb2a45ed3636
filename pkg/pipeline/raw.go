package pipeline

import (
	"math"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
	"github.com/pitwall-f1/pitwall/pkg/table"
)

// raw: any topic, any JSON or Avro payload, flattened into one frame: the
// time (the Kafka timestamp, or the payload's timeField), the optional
// kafka.key / kafka.partition / kafka.offset / kafka.timestamp columns, then
// one column per flattened payload field in first-seen order.

// Names of the optional Kafka columns of raw frames.
const (
	ColKey       = "kafka.key"
	ColPartition = "kafka.partition"
	ColOffset    = "kafka.offset"
	ColTimestamp = "kafka.timestamp"
)

type rawPipeline struct {
	q        *query.Query
	env      *Env
	t        *table.Table
	cur      *Rec
	from, to int64
	pending  int
	timeIDs  idCache
	drvIDs   idCache
}

func newRawPipeline(q *query.Query, env *Env) (Pipeline, error) {
	p := &rawPipeline{q: q, env: env}
	var skip []string
	if q.TimeField != "" {
		skip = []string{q.TimeField}
	}
	p.t = table.New(table.Options{Allow: q.Fields, Skip: skip}, env.Faults)
	p.t.SetWhere(func() string { return where(p.cur.Kafka) })
	p.from, p.to = env.span()
	return p, nil
}

func (p *rawPipeline) Add(r *Rec) {
	if len(p.q.Drivers) > 0 && !p.driverMatches(r) {
		return
	}
	p.cur = r
	ts := r.Kafka.Timestamp.UnixNano()
	if p.q.TimeField != "" {
		if id, ok := p.timeIDs.id(r.Names, p.q.TimeField); ok {
			if f, ok := r.Lookup(id); ok {
				if v, ok := fieldTime(f); ok {
					ts = v
				}
			}
		}
	}
	p.t.AddRow(ts, "")
	if len(p.q.Columns) > 0 {
		p.kafkaColumns(r)
	}
	for _, f := range r.Fields {
		p.t.SetField(r.Names, f)
	}
	p.pending++
	p.t.Compact(p.env.MaxDataPoints, p.from, p.to) // as it reads: a long query's memory stays bounded
}

func (p *rawPipeline) kafkaColumns(r *Rec) {
	for _, c := range []string{query.ColumnKey, query.ColumnPartition, query.ColumnOffset, query.ColumnTimestamp} {
		if !p.q.HasColumn(c) {
			continue
		}
		switch c {
		case query.ColumnKey:
			p.t.SetString(ColKey, r.Kafka.Key)
		case query.ColumnPartition:
			p.t.SetNumber(ColPartition, float64(r.Kafka.Partition))
		case query.ColumnOffset:
			p.t.SetNumber(ColOffset, float64(r.Kafka.Offset))
		case query.ColumnTimestamp:
			p.t.SetNumber(ColTimestamp, float64(r.Kafka.Timestamp.UnixMilli()))
		}
	}
}

// driverMatches: the record key (F1 topics are keyed by driver) or a
// "driver" field names a wanted driver.
func (p *rawPipeline) driverMatches(r *Rec) bool {
	if p.q.WantsDriver(strings.ToUpper(string(r.Kafka.Key))) {
		return true
	}
	if id, ok := p.drvIDs.id(r.Names, "driver"); ok {
		if f, ok := r.Lookup(id); ok && f.Kind == codec.KindString {
			return p.q.WantsDriver(strings.ToUpper(string(f.Bytes)))
		}
	}
	return false
}

func (p *rawPipeline) Pending() int { return p.pending }

func (p *rawPipeline) Frames(final bool) []*data.Frame {
	p.pending = 0
	if p.t.Rows() == 0 && !final {
		return nil
	}
	return []*data.Frame{p.t.Take(p.q.Topic, nil, final, p.env.MaxDataPoints, p.from, p.to)}
}

// fieldTime reads a time from a payload field: a number is epoch
// milliseconds (seconds below 1e11, microseconds above 1e14, nanoseconds
// above 1e17), a string is RFC 3339.
func fieldTime(f codec.Field) (int64, bool) {
	switch f.Kind {
	case codec.KindNumber:
		v := f.Num
		switch {
		case v <= 0:
			return 0, false
		case v < 1e11:
			return int64(v * 1e9), true
		case v < 1e14:
			ms := math.Floor(v)
			return int64(ms)*int64(time.Millisecond) + int64((v-ms)*1e6), true
		case v < 1e17:
			return int64(v * 1e3), true
		}
		return int64(v), true
	case codec.KindString:
		t, err := time.Parse(time.RFC3339Nano, string(f.Bytes))
		if err != nil {
			return 0, false
		}
		return t.UnixNano(), true
	}
	return 0, false
}

// idCache remembers one name's id in the last names table seen.
type idCache struct {
	names *codec.Names
	val   int32
	ok    bool
}

func (c *idCache) id(names *codec.Names, name string) (int32, bool) {
	if c.names != names || !c.ok {
		c.names = names
		c.val, c.ok = names.Lookup(name)
	}
	return c.val, c.ok
}
