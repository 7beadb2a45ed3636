package pipeline

import (
	"math"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
	"github.com/pitwall-f1/pitwall/pkg/table"
)

// raw: any topic, any payload format, flattened into one frame: the time
// (the Kafka timestamp, the payload's timeField, or the time the payload
// carries, such as a line-protocol timestamp), the optional kafka.key(.*),
// kafka.partition, kafka.offset, kafka.timestamp and kafka.header.<name>
// columns, then one column per flattened payload field in first-seen
// order. With seriesBy the rows are split into series by those columns'
// values: one labelled frame per series over a time range, one frame in
// Grafana Live's labels layout live. The frame's meta.custom.timeSource
// says where the times came from.

// Names of the optional Kafka columns of raw frames.
const (
	ColKey       = "kafka.key"
	ColPartition = "kafka.partition"
	ColOffset    = "kafka.offset"
	ColTimestamp = "kafka.timestamp"
	// ColHeaderPrefix starts the name of a header's column.
	ColHeaderPrefix = "kafka.header."
)

// maxRawSeries bounds the series of one seriesBy query; the rows of
// further series are dropped and counted (too_many_series).
const maxRawSeries = 500

const errTooManySeries codec.ErrClass = "too_many_series"

type rawPipeline struct {
	q        *query.Query
	env      *Env
	opt      table.Options
	tables   map[string]*rawSeries // by label ("" without seriesBy, and live)
	cur      *Rec
	from, to int64
	pending  int
	timeIDs  idCache
	drvIDs   idCache
	codes    driverCodes // the key or driver field as the code Drivers lists
	cols     rawColumns
	times    timeSources
}

// rawSeries is one series' rows and labels.
type rawSeries struct {
	t      *table.Table
	labels data.Labels
}

func newRawPipeline(q *query.Query, env *Env) (Pipeline, error) {
	p := &rawPipeline{q: q, env: env, tables: map[string]*rawSeries{}}
	var skip []string
	if q.TimeField != "" {
		skip = []string{q.TimeField}
	}
	p.opt = table.Options{Allow: q.Fields, Skip: skip, Labels: env.Mode == ModeStream && len(q.SeriesBy) > 0}
	p.from, p.to = env.span()
	return p, nil
}

func (p *rawPipeline) where() string { return where(p.cur.Kafka) }

func (p *rawPipeline) Add(r *Rec) {
	if len(p.q.Drivers) > 0 && !p.driverMatches(r) {
		return
	}
	p.cur = r
	label := ""
	if len(p.q.SeriesBy) > 0 {
		label = p.cols.seriesLabel(p.q, r)
	}
	s := p.series(label)
	if s == nil {
		return
	}
	t := s.t
	t.AddRow(p.rowTime(r), label)
	if len(p.q.Columns) > 0 {
		p.cols.set(t, p.q, r, p.env.Faults)
	}
	for _, f := range r.Fields {
		t.SetField(r.Names, f)
	}
	p.pending++
	t.Compact(p.env.MaxDataPoints, p.from, p.to) // a long query's memory stays bounded
}

// series returns the table of label, or nil when there are too many.
func (p *rawPipeline) series(label string) *rawSeries {
	if p.opt.Labels {
		label = "" // live: one table, the label per row
	}
	s := p.tables[label]
	if s != nil {
		return s
	}
	if len(p.tables) >= maxRawSeries {
		p.env.Faults.Add(errTooManySeries, where(p.cur.Kafka),
			"seriesBy makes more than 500 series; the rows of the others were left out: pick columns with fewer values")
		return nil
	}
	s = &rawSeries{t: table.New(p.opt, p.env.Faults)}
	s.t.SetWhere(p.where)
	if label != "" {
		s.labels = labelsOf(p.q, p.cur)
	}
	p.tables[label] = s
	return s
}

// rowTime is the record's time: the timeField's value, else a time the
// payload carries, else the Kafka timestamp; timeSources counts which.
func (p *rawPipeline) rowTime(r *Rec) int64 {
	if p.q.TimeField != "" {
		if id, ok := p.timeIDs.id(r.Names, p.q.TimeField); ok {
			if f, ok := r.Lookup(id); ok {
				if v, ok := fieldTime(f); ok {
					p.times.add(srcField)
					return v
				}
			}
		}
	}
	if r.Time != 0 {
		p.times.add(srcPayload)
		return r.Time
	}
	if r.Kafka.Attrs.TimestampType() == 1 {
		p.times.add(srcLogAppend)
	} else {
		p.times.add(srcCreate)
	}
	return r.Kafka.Timestamp.UnixNano()
}

// driverMatches: the record key (F1 topics are keyed by driver) or a
// "driver" field names a wanted driver.
func (p *rawPipeline) driverMatches(r *Rec) bool {
	if p.q.WantsDriver(p.codes.code(r.Kafka.Key)) {
		return true
	}
	if id, ok := p.drvIDs.id(r.Names, "driver"); ok {
		if f, ok := r.Lookup(id); ok && f.Kind == codec.KindString {
			return p.q.WantsDriver(p.codes.code(f.Bytes))
		}
	}
	return false
}

func (p *rawPipeline) Pending() int { return p.pending }

func (p *rawPipeline) Frames(final bool) []*data.Frame {
	p.pending = 0
	labels := make([]string, 0, len(p.tables))
	rows := 0
	for l, s := range p.tables {
		labels = append(labels, l)
		rows += s.t.Rows()
	}
	if rows == 0 && !final {
		return nil
	}
	if len(labels) == 0 { // nothing read: one empty frame, as before
		p.series("")
		labels = append(labels, "")
	}
	sort.Strings(labels)
	frames := make([]*data.Frame, 0, len(labels))
	for _, l := range labels {
		s := p.tables[l]
		f := s.t.Take(p.q.Topic, s.labels, final, p.env.MaxDataPoints, p.from, p.to)
		MetaOf(f).Custom = map[string]any{"timeSource": p.times.String(p.q.TimeField)}
		if s.labels != nil {
			MetaOf(f).Type, MetaOf(f).TypeVersion = data.FrameTypeTimeSeriesMulti, data.FrameTypeVersion{0, 1}
		}
		frames = append(frames, f)
	}
	if final && p.env.Mode == ModeQuery {
		if n := p.times.notice(p.q.TimeField); n != nil {
			MetaOf(frames[0]).Notices = append(MetaOf(frames[0]).Notices, *n)
		}
	}
	return frames
}

// fieldTime reads a time from a payload field: a time field as it is, a
// number as epoch milliseconds (seconds below 1e11, microseconds above
// 1e14, nanoseconds above 1e17), a string as RFC 3339.
func fieldTime(f codec.Field) (int64, bool) {
	switch f.Kind {
	case codec.KindTime:
		return codec.TimeNanos(f.Num), true
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
