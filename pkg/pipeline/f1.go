package pipeline

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1frame"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// The seven F1 query types (docs/DESIGN.md): wheelSpin, gearAnomalies,
// alerts, leaderboard, averageSpeed, raceControl and predictions. Each is one pkg/f1frame
// Builder behind the core's Pipeline: the core reads the kind's topics
// (merged by timestamp when there are several), decodes each record,
// f1wire.Reader fills the pkg/f1 struct of its topic, and the Builder
// analyses it and makes the frames — complete ones over a time range
// (QueryData, annotations, alerting), and first-frame-then-flushes live
// (RunStream).

// errNotF1 counts records an F1 query cannot use (no driver, no event type,
// no alert kind): a metric label like codec's ErrClass values.
const errNotF1 codec.ErrClass = "not_f1_record"

// f1Pipeline adapts a Builder to the core's Pipeline.
type f1Pipeline struct {
	b       *f1frame.Builder
	env     *Env
	rd      *f1wire.Reader
	types   map[string]f1.RecordType // topic -> record type
	stream  bool                     // RunStream or a stream's history
	pending int

	lastTopic string
	lastType  f1.RecordType

	tel f1.Telemetry
	pos f1.Position
	rc  f1.RaceControl
	al  f1.Alert
	pr  f1.Prediction
}

func newF1Pipeline(kind f1frame.QueryType, q *query.Query, env *Env) (Pipeline, error) {
	opts, err := query.F1Options(q)
	if err != nil {
		return nil, err
	}
	opts.RefID = env.RefID
	opts.MaxDataPoints = env.MaxDataPoints
	opts.Live = env.Mode == ModeStream
	if env.FromAlert && opts.View == f1frame.ViewDefault && (kind == f1frame.WheelSpin || kind == f1frame.AverageSpeed) {
		// An alert rule evaluates series: no annotation or table frame.
		opts.View = f1frame.ViewSeries
	}
	b, err := f1frame.New(kind, opts)
	if err != nil {
		return nil, err
	}
	p := &f1Pipeline{b: b, env: env, rd: f1wire.NewReader(), types: map[string]f1.RecordType{}, stream: opts.Live}
	for i, t := range kind.Topics() {
		topic := t
		if i == 0 && q.Topic != "" {
			topic = q.Topic
		}
		if _, ok := p.types[topic]; !ok {
			p.types[topic] = f1.RecordTypeOf(t)
		}
	}
	return p, nil
}

func (p *f1Pipeline) Add(r *Rec) {
	if r.Kafka.Topic != p.lastTopic {
		p.lastTopic, p.lastType = r.Kafka.Topic, p.types[r.Kafka.Topic]
	}
	p.pending++
	switch p.lastType {
	case f1.TelemetryRecord:
		if p.rd.Telemetry(r.Record, r.Names, r.Kafka.Timestamp, r.Kafka.Key, &p.tel) {
			p.b.AddTelemetry(&p.tel)
			return
		}
		p.skip(r, "a telemetry record without a driver (field driver, or the record key)")
	case f1.PositionRecord:
		if p.rd.Position(r.Record, r.Names, r.Kafka.Timestamp, r.Kafka.Key, &p.pos) {
			p.b.AddPosition(&p.pos)
			return
		}
		p.skip(r, "a timing record without a driver (field driver, or the record key)")
	case f1.RaceControlRecord:
		if p.rd.RaceControl(r.Record, r.Names, r.Kafka.Timestamp, &p.rc) {
			p.b.AddRaceControl(&p.rc)
			return
		}
		p.skip(r, "a race-control record without a type (field type)")
	case f1.AlertRecord:
		if p.rd.Alert(r.Record, r.Names, r.Kafka.Timestamp, &p.al) {
			p.b.AddAlert(&p.al)
			return
		}
		p.skip(r, "an alert without a kind (field kind)")
	case f1.PredictionRecord:
		if p.rd.Prediction(r.Record, r.Names, r.Kafka.Timestamp, &p.pr) {
			p.b.AddPrediction(&p.pr)
			return
		}
		p.skip(r, "a prediction without a driver or a model (fields driver, model)")
	default:
		p.skip(r, "a record of a topic this query type does not read")
	}
}

func (p *f1Pipeline) skip(r *Rec, why string) {
	p.env.Faults.Add(errNotF1, where(r.Kafka), why)
}

func (p *f1Pipeline) Pending() int { return p.pending }

// Due is when the points the last live Frames call held back are due (the
// stream's holder).
func (p *f1Pipeline) Due() time.Time {
	if !p.stream {
		return time.Time{}
	}
	return p.b.Due()
}

// Frames: over a time range (and for a stream's history) the Builder's
// complete frames; live, each flush interval, what is new (nothing when
// nothing changed).
func (p *f1Pipeline) Frames(final bool) []*data.Frame {
	p.pending = 0
	if p.stream && !final {
		f, ok := p.b.Flush()
		if !ok {
			return nil
		}
		stableMeta(f)
		return []*data.Frame{f}
	}
	frames := p.b.Frames()
	for _, f := range frames {
		orderByTime(f)
	}
	if len(frames) > 0 {
		if n := p.notices(); len(n) > 0 {
			MetaOf(frames[0]).Notices = append(MetaOf(frames[0]).Notices, n...)
		}
	}
	return frames
}

// notices say what the Builder could not use or show.
func (p *f1Pipeline) notices() []data.Notice {
	st := p.b.Stats()
	var out []data.Notice
	if st.Invalid > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("%d record(s) had no driver or no time and were left out", st.Invalid)})
	}
	if st.DroppedEvents > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("%d detected event(s) were dropped (too many at once); narrow the time range or the drivers", st.DroppedEvents)})
	}
	if st.Late > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo,
			Text: fmt.Sprintf("%d point(s) arrived after newer ones of their series were drawn and were not drawn (detection still ran on them)", st.Late)})
	}
	return out
}

// stableMeta drops the race header from a live leaderboard snapshot's meta:
// it changes with every lap and flag, and a changed meta is a changed
// schema, which the core would resend with every push. The header travels
// in the frame's columns (race_id, race_lap, total_laps, flag, ...), which
// the panel reads first (FIELDS.md); meta.custom.snapshot stays.
func stableMeta(f *data.Frame) {
	if f.Meta == nil {
		return
	}
	custom, ok := f.Meta.Custom.(map[string]any)
	if !ok || custom["race"] == nil {
		return
	}
	kept := make(map[string]any, len(custom))
	for k, v := range custom {
		if k != "race" {
			kept[k] = v
		}
	}
	f.Meta.Custom = kept
}
