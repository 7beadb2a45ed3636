package pipeline

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// A query type (docs/DESIGN.md's queryType, listed in pkg/query) is
// answered the same way over a time range (Read, for QueryData) and live
// (RunStream): the core reads Kafka, decodes each record and hands it to
// the type's Pipeline, which turns records into frames. The core owns
// offsets, decoding, bad-record accounting, batching, schema-then-data
// sending; a type owns only its frames.

// Pipeline turns decoded records into frames.
type Pipeline interface {
	// Add takes one record.
	Add(r *Rec)
	// Pending is how many rows Add has buffered since the last Frames call
	// (the stream flushes early when it grows large).
	Pending() int
	// Frames returns the frames for what was added and starts over. A
	// stream calls it once per flush interval (final=false) and sends
	// what it returns; QueryData calls it once (final=true). Return nil
	// when there is nothing to send. A stream's frames should keep their
	// schema from one call to the next: the core resends the schema only
	// when it changes.
	Frames(final bool) []*data.Frame
}

// New makes the pipeline of q's query type for one QueryData query or one
// stream.
func New(q *query.Query, env *Env) (Pipeline, error) {
	t, ok := query.TypeNamed(q.QueryType)
	switch {
	case !ok:
		return nil, fmt.Errorf("queryType %q has no pipeline", q.QueryType)
	case t.F1 != "":
		return newF1Pipeline(t.F1, q, env)
	case t.Name == query.Raw:
		return newRawPipeline(q, env)
	case t.Name == query.Telemetry:
		return newTelemetryPipeline(q, env)
	}
	return nil, fmt.Errorf("queryType %q has no pipeline", q.QueryType)
}

// topics are the topics a query reads (pkg/query's Type.Topics).
func topics(q *query.Query) []string {
	t, _ := query.TypeNamed(q.QueryType)
	return t.Topics(q)
}

// Mode says what a pipeline's frames are for.
type Mode int

const (
	// ModeQuery: complete frames for a panel, alerting or annotations.
	ModeQuery Mode = iota
	// ModeStream: frames for Grafana Live. QueryData also uses this mode for
	// the history it returns with a stream (stream: true), so that the live
	// frames append to it (same schema).
	ModeStream
)

// Env is what a pipeline may know about its run.
type Env struct {
	Mode Mode
	// From and To bound a time-range query (zero for streams and for the
	// other offset modes).
	From, To time.Time
	// MaxDataPoints is the panel's point budget per series (0: no limit).
	// Pipelines decimate to it at the final Frames call, keeping extremes.
	MaxDataPoints int
	// Resolution is a stream's time per point for drawing
	// (query.Query.Resolution): a telemetry stream pushes at most two
	// points (a bucket's extremes) per series per 2·Resolution. Zero pushes
	// every record. Detection (alerts, wheel spin, anomalies) never sees it.
	Resolution time.Duration
	// Faults is where a pipeline counts records it had to skip or cut
	// (for example a field whose type changed); they become notices.
	Faults *Faults
	// RefID of the query (empty for streams).
	RefID string
	// FromAlert is set for Grafana alerting (the FromAlert header): the
	// query must answer with plain series an alert rule can evaluate.
	FromAlert bool
}

// span is the time range of a time-range query in unix ns, 0 and 0 for
// the other offset modes and for streams.
func (e *Env) span() (from, to int64) {
	if e.From.IsZero() {
		return 0, 0
	}
	return e.From.UnixNano(), e.To.UnixNano()
}

// Rec is one decoded record handed to a pipeline. It and its fields are
// only valid during the Add call.
type Rec struct {
	*codec.Record
	Names *codec.Names // Field.ID indexes it
	Kafka *kgo.Record  // topic, partition, offset, key, timestamp, headers
	// Key is the decoded key when the query's keyFormat decodes keys
	// (json, avro, protobuf, jsonschema) and the key decoded; else nil.
	Key      *codec.Record
	KeyNames *codec.Names
}

// where names a record for a fault notice.
func where(r *kgo.Record) string {
	return fmt.Sprintf("%s partition %d offset %d", r.Topic, r.Partition, r.Offset)
}

// MetaOf returns f's meta, adding an empty one first if it has none.
func MetaOf(f *data.Frame) *data.FrameMeta {
	if f.Meta == nil {
		f.Meta = &data.FrameMeta{}
	}
	return f.Meta
}
