package plugin

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// A query type (DESIGN.md's queryType) is answered the same way over a time
// range (QueryData) and live (RunStream): the core reads Kafka, decodes each
// record and hands it to the type's Pipeline, which turns records into
// frames. The core owns offsets, decoding, bad-record accounting, batching,
// schema-then-data sending and channel paths; a type owns only its frames.
//
// To add a type, register it from an init function in its own file:
//
//	func init() {
//		RegisterQueryType(QueryType{Name: "wheelSpin", Code: "ws", DefaultTopic: f1.TopicTelemetry, New: newWheelSpin})
//	}
type QueryType struct {
	Name string // the queryType value
	Code string // its short name in channel paths ([a-z0-9]{1,4}, unique)
	// DefaultTopic is used when a query names no topic ("" makes topic required).
	DefaultTopic string
	// Topics lists the topics the type reads for q (default: q.Topic alone).
	// Records of every listed topic go to the same pipeline; Rec.Kafka.Topic
	// tells them apart.
	Topics func(q *Query) []string
	// New makes the pipeline for one QueryData query or one stream.
	New func(q *Query, env *Env) (Pipeline, error)
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
	// Faults is where a pipeline counts records it had to skip or cut
	// (for example a field whose type changed); they become notices.
	Faults *Faults
	// RefID of the query (empty for streams).
	RefID string
	// FromAlert is set for Grafana alerting (the FromAlert header): the
	// query must answer with plain series an alert rule can evaluate.
	FromAlert bool
}

// Rec is one decoded record handed to a pipeline. It and its fields are
// only valid during the Add call.
type Rec struct {
	*codec.Record
	Names *codec.Names // Field.ID indexes it
	Kafka *kgo.Record  // topic, partition, offset, key, timestamp
}

// Num returns the numeric field called name.
func (r *Rec) Num(name string) (float64, bool) {
	id, ok := r.Names.Lookup(name)
	if !ok {
		return 0, false
	}
	f, ok := r.Lookup(id)
	if !ok || f.Kind != codec.KindNumber {
		return 0, false
	}
	return f.Num, true
}

// Str returns the string field called name (a copy).
func (r *Rec) Str(name string) (string, bool) {
	id, ok := r.Names.Lookup(name)
	if !ok {
		return "", false
	}
	f, ok := r.Lookup(id)
	if !ok || f.Kind != codec.KindString {
		return "", false
	}
	return string(f.Bytes), true
}

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

var queryTypes = map[string]QueryType{}

// RegisterQueryType adds a query type. It panics on a duplicate name or
// code (a programming error, caught by any test).
func RegisterQueryType(t QueryType) {
	if t.Name == "" || t.New == nil || !validCode(t.Code) {
		panic(fmt.Sprintf("query type %q: needs a name, a New function and a code of 1-4 [a-z0-9]", t.Name))
	}
	for _, o := range queryTypes {
		if o.Name == t.Name || o.Code == t.Code {
			panic(fmt.Sprintf("query type %q/%q registered twice", t.Name, t.Code))
		}
	}
	queryTypes[t.Name] = t
}

func validCode(c string) bool {
	if len(c) < 1 || len(c) > 4 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func queryTypeByCode(code string) (QueryType, bool) {
	for _, t := range queryTypes {
		if t.Code == code {
			return t, true
		}
	}
	return QueryType{}, false
}

// knownQueryTypes are the queryType values of DESIGN.md, implemented or not.
var knownQueryTypes = []string{"raw", "telemetry", "wheelSpin", "gearAnomalies", "alerts", "leaderboard", "averageSpeed", "raceControl"}

func registeredNames() string {
	names := make([]string, 0, len(queryTypes))
	for n := range queryTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (t QueryType) topics(q *Query) []string {
	if t.Topics != nil {
		return t.Topics(q)
	}
	return []string{q.Topic}
}
