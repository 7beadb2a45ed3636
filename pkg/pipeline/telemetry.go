package pipeline

import (
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
	"github.com/pitwall-f1/pitwall/pkg/table"
)

// telemetry: car samples of f1-telemetry as one time series per driver.
// Time is the sample's ts (the Kafka timestamp when absent); the series are
// the numeric fields (speed_kph, rpm, gear, throttle_pct, brake, drs, ...;
// `fields` picks some), labelled {driver=...}.
//
// For QueryData (and alerting) each driver is one frame of the multi-frame
// time-series format. Live, all drivers share one frame in Grafana Live's
// labels layout (a leading "labels" column holding "driver=VER"), which
// Grafana splits into the same per-driver series; QueryData with stream:true
// returns its history in that layout too so the live rows append to it.
//
// Decimated points are put on places every driver shares (table
// Options.Grid, Table.OnGrid; a Live push's too, thin): Grafana joins a
// panel's series on time, and twenty drivers at their own instants made
// that join twenty times longer.

type telemetryPipeline struct {
	q        *query.Query
	env      *Env
	opt      table.Options
	tables   map[string]*table.Table // per driver (ModeQuery)
	live     *table.Table            // all drivers (ModeStream)
	labels   map[string]string       // driver -> "driver=VER"
	codes    driverCodes
	cur      *Rec
	from, to int64
	pending  int
	tsID     idCache
	driverID idCache
}

func newTelemetryPipeline(q *query.Query, env *Env) (Pipeline, error) {
	p := &telemetryPipeline{q: q, env: env, tables: map[string]*table.Table{}, labels: map[string]string{},
		opt: table.Options{NumbersOnly: true, Skip: []string{"ts"}, Allow: q.Fields, Grid: true}}
	if env.Mode == ModeStream {
		o := p.opt
		o.Labels = true
		p.live = table.New(o, env.Faults)
		p.live.SetWhere(p.where)
	}
	p.from, p.to = env.span()
	return p, nil
}

func (p *telemetryPipeline) where() string { return where(p.cur.Kafka) }

func (p *telemetryPipeline) Add(r *Rec) {
	var raw []byte
	if id, ok := p.driverID.id(r.Names, "driver"); ok {
		if f, ok := r.Lookup(id); ok && f.Kind == codec.KindString {
			raw = f.Bytes
		}
	}
	if len(raw) == 0 {
		raw = r.Kafka.Key
	}
	driver := p.codes.code(raw)
	if driver == "" || !p.q.WantsDriver(driver) {
		return
	}
	p.cur = r
	ts := r.Kafka.Timestamp.UnixNano()
	if id, ok := p.tsID.id(r.Names, "ts"); ok {
		if f, ok := r.Lookup(id); ok {
			if f.Kind == codec.KindNumber && f.Num > 0 { // ts is epoch ms (docs/DESIGN.md)
				ts = int64(f.Num) * int64(time.Millisecond)
			}
		}
	}
	t := p.table(driver)
	label := p.labels[driver]
	if label == "" {
		label = "driver=" + driver
		p.labels[driver] = label
	}
	t.AddRow(ts, label)
	for _, f := range r.Fields {
		t.SetField(r.Names, f)
	}
	p.pending++
	t.Compact(p.env.MaxDataPoints, p.from, p.to)
}

func (p *telemetryPipeline) table(driver string) *table.Table {
	if p.live != nil {
		return p.live
	}
	t := p.tables[driver]
	if t == nil {
		t = table.New(p.opt, p.env.Faults)
		t.SetWhere(p.where)
		p.tables[driver] = t
	}
	return t
}

func (p *telemetryPipeline) Pending() int { return p.pending }

func (p *telemetryPipeline) Frames(final bool) []*data.Frame {
	p.pending = 0
	if p.live != nil {
		if p.live.Rows() == 0 && !final {
			return nil
		}
		var held *table.Table
		if !final && p.env.Resolution > 0 {
			if held = p.thin(); p.live.Rows() == 0 {
				p.live.Append(held)
				return nil
			}
		}
		f := p.markGaps(p.live.Take("telemetry", nil, final, p.env.MaxDataPoints, p.from, p.to), p.live.Widening())
		if held != nil {
			p.live.Append(held)
		}
		return []*data.Frame{f}
	}
	drivers := make([]string, 0, len(p.tables))
	for d := range p.tables {
		drivers = append(drivers, d)
	}
	sort.Strings(drivers)
	frames := make([]*data.Frame, 0, len(drivers))
	for _, d := range drivers {
		f := p.tables[d].Take(d, data.Labels{"driver": d}, final, p.env.MaxDataPoints, p.from, p.to)
		f.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, p.markGaps(f, p.tables[d].Widening()))
	}
	return frames
}

// minGap is the shortest gap in a driver's samples that breaks its line:
// a car sends several samples a second, so a longer silence is a break
// (between two races, a producer stopped, a car out), not data to join.
const minGap = 10 * time.Second

// markGaps sets the time field's config.interval to the gap that breaks a
// line: Grafana's time series insert a null where two points are further
// apart (applyNullInsertThreshold), so a series does not draw a straight
// line across the gap between two races. It is the larger of minGap and
// three of Decimate's buckets (maxPoints/2 over [from, to], times widen
// when the decimation widened them to fit the budget: Table.Widening), so
// decimated points of a running race stay joined.
func (p *telemetryPipeline) markGaps(f *data.Frame, widen int) *data.Frame {
	gap := float64(minGap.Milliseconds())
	if p.to > p.from && p.env.MaxDataPoints > 0 {
		bucketMs := float64(widen) * 2 * float64(p.to-p.from) / float64(p.env.MaxDataPoints) / float64(time.Millisecond)
		gap = max(gap, 3*bucketMs)
	}
	for _, fld := range f.Fields {
		if fld.Type().Time() {
			if fld.Config == nil {
				fld.Config = &data.FieldConfig{}
			}
			fld.Config.Interval = gap
		}
	}
	return f
}

// thin decimates a Live push for drawing to the stream's resolution: time
// is cut into buckets of 2·Resolution aligned to the epoch, and each series
// keeps of each bucket the records holding a column's lowest or highest
// value, whole, at most two rows a bucket on average (Table.Decimate, the
// one decimator). Rows of the bucket still open (at or after the
// newest row's bucket start) are held back for the next push and returned,
// so each bucket is pushed once and a series gets at most one point per
// Resolution: a panel's buffer of maxDataPoints per series holds its whole
// time range. A 10x race sends 40 samples a second per car; unthinned, the
// browser kept the last 25 s of a 5-minute window.
func (p *telemetryPipeline) thin() *table.Table {
	b := 2 * p.env.Resolution.Nanoseconds()
	from, to := p.live.Span()
	cut := to - to%b
	held := p.live.SplitAt(cut)
	if p.live.Rows() > 0 {
		start := from - from%b
		n := int(2 * (cut - start) / b)
		p.live.Decimate(n, start, cut-1)
		p.live.OnGrid(n, start, cut-1)
	}
	return held
}
