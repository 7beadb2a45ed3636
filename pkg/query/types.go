package query

import (
	"slices"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1frame"
)

// Type is one query type (docs/DESIGN.md's queryType): its name, its short
// code in channel paths, the topic a query reads when it names none, and,
// for the seven F1 types, the pkg/f1frame query type that makes its frames.
// pkg/pipeline makes a type's Pipeline: raw and telemetry fill a
// pkg/table, an F1 type feeds its kind's Builder.
type Type struct {
	Name string
	Code string // [a-z0-9]{1,4}, unique
	// DefaultTopic is read when a query names no topic ("" makes topic
	// required). An F1 type's is the main topic of its f1frame type.
	DefaultTopic string
	// F1 is the f1frame query type of an F1 type, "" for raw and telemetry.
	F1 f1frame.QueryType
}

// The query types that are not F1 kinds.
const (
	Raw       = "raw"
	Telemetry = "telemetry"
)

// Types are the nine query types, in the order of docs/DESIGN.md (and of
// the query editor). This list is the only place a query type is named.
var Types = []Type{
	{Name: Raw, Code: "raw"},
	{Name: Telemetry, Code: "tel", DefaultTopic: f1.TopicTelemetry},
	f1Type(f1frame.WheelSpin, "ws"),
	f1Type(f1frame.GearAnomalies, "ga"),
	f1Type(f1frame.Alerts, "al"),
	f1Type(f1frame.Leaderboard, "lb"),
	f1Type(f1frame.AverageSpeed, "as"),
	f1Type(f1frame.RaceControl, "rc"),
	f1Type(f1frame.Predictions, "pr"),
}

func f1Type(kind f1frame.QueryType, code string) Type {
	return Type{Name: string(kind), Code: code, DefaultTopic: kind.Topics()[0], F1: kind}
}

// TypeNamed returns the query type called name.
func TypeNamed(name string) (Type, bool) {
	i := slices.IndexFunc(Types, func(t Type) bool { return t.Name == name })
	if i < 0 {
		return Type{}, false
	}
	return Types[i], true
}

// typeByCode returns the query type whose channel-path code is code.
func typeByCode(code string) (Type, bool) {
	i := slices.IndexFunc(Types, func(t Type) bool { return t.Code == code })
	if i < 0 {
		return Type{}, false
	}
	return Types[i], true
}

func typeNames() string {
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// Topics are the topics a query of this type reads: q.Topic, and for an F1
// type the other topics of its kind (merged by timestamp), with the query's
// topic in place of the kind's main one (a query may point the main topic
// elsewhere, e.g. a replay's).
func (t Type) Topics(q *Query) []string {
	if t.F1 == "" {
		return []string{q.Topic}
	}
	def := t.F1.Topics()
	out := make([]string, 0, len(def))
	for i, topic := range def {
		if i == 0 && q.Topic != "" {
			topic = q.Topic
		}
		if !slices.Contains(out, topic) {
			out = append(out, topic)
		}
	}
	return out
}
