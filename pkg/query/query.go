package query

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Offset modes (docs/DESIGN.md).
const (
	OffsetLatest    = "latest"
	OffsetEarliest  = "earliest"
	OffsetLastN     = "lastN"
	OffsetTimeRange = "timeRange"
)

// Limits of the query model.
const (
	// DefaultFlush is the batching interval a stream falls back to where it
	// needs one (a query without flushMs streams adaptively, see
	// pkg/pipeline's flush policy).
	DefaultFlush   = 100 * time.Millisecond
	MinFlush       = 10 * time.Millisecond
	MaxFlush       = 10 * time.Second
	MaxResolution  = 24 * time.Hour
	MaxLastN       = 1_000_000
	DefaultLimit   = 500_000 // records one query reads at most
	MaxLimit       = 5_000_000
	maxListEntries = 64
)

// Query is one parsed query (docs/DESIGN.md's query model). Fields beyond
// docs/DESIGN.md's common ones: flushMs (stream flush interval), columns (raw:
// key, partition, offset, timestamp), timeField (raw: the payload field
// holding the time; default the Kafka timestamp), limit (records one query
// reads at most) and params (options of a query type, kept in the channel
// path: keys [A-Za-z][A-Za-z0-9_]+, values short strings).
type Query struct {
	QueryType string
	Topic     string
	Format    codec.Format
	Partition int32 // -1: all
	Offset    string
	LastN     int64
	Drivers   []string // upper-case codes; empty: all
	Fields    []string // empty: all
	Stream    bool
	// Flush is flushMs: a fixed cadence for the stream's frames. Zero (no
	// flushMs) streams adaptively: a frame as soon as records arrive, at
	// most pipeline.MaxFramesPerSecond a second.
	Flush     time.Duration
	Columns   []string
	TimeField string
	Limit     int
	Params    map[string]string
	// KeyFormat is how raw queries decode record keys (KeyString...).
	KeyFormat string
	// Isolation is ReadCommitted or ReadUncommitted.
	Isolation string
	// Precision is the unit of line-protocol timestamps ("ns", "us", "ms", "s").
	Precision string
	// SeriesBy names the columns whose values split a raw query's rows
	// into series (labels): kafka.key, kafka.key.<field>,
	// kafka.header.<name> or a payload field.
	SeriesBy []string
	// Resolution is resolutionMs: the panel's time per point (its time
	// range over its maxDataPoints). A telemetry stream pushes at most one
	// point per Resolution per series for drawing (extremes kept); zero
	// pushes every record. The plugin sets it from the panel's query.
	Resolution time.Duration
}

type queryJSON struct {
	QueryType string            `json:"queryType"`
	Topic     string            `json:"topic"`
	Format    string            `json:"format"`
	Partition *int64            `json:"partition"`
	Offset    string            `json:"offset"`
	LastN     json.Number       `json:"lastN"`
	Drivers   stringList        `json:"drivers"`
	Fields    stringList        `json:"fields"`
	Stream    bool              `json:"stream"`
	FlushMs   json.Number       `json:"flushMs"`
	Columns   stringList        `json:"columns"`
	TimeField string            `json:"timeField"`
	Limit     json.Number       `json:"limit"`
	Params    map[string]string `json:"params"`
	KeyFormat string            `json:"keyFormat"`
	Isolation string            `json:"isolation"`
	Precision string            `json:"precision"`
	SeriesBy  stringList        `json:"seriesBy"`
	// ResolutionMs: see Query.Resolution.
	ResolutionMs json.Number `json:"resolutionMs"`
	// Options of the F1 types, kept in Params (see f1options.go).
	View             string          `json:"view"`
	SpinThresholdPct json.RawMessage `json:"spinThresholdPct"`
	OverspeedKph     json.RawMessage `json:"overspeedKph"`
	Model            string          `json:"model"`
	HorizonLaps      json.RawMessage `json:"horizonLaps"`
	MinSeverity      string          `json:"minSeverity"`
}

// stringList accepts a JSON list of strings or one comma-separated string
// (what a multi-value template variable may turn into).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = splitList([]string{one})
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a list of strings")
	}
	*l = splitList(many)
	return nil
}

// splitList splits entries on commas and strips the braces of Grafana's
// {a,b} multi-value format; blanks and "All"/"$__all" are dropped.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
		for _, part := range strings.Split(s, ",") {
			part = strings.TrimSpace(part)
			if part == "" || strings.EqualFold(part, "all") || part == "$__all" {
				continue
			}
			out = append(out, part)
		}
	}
	return out
}

var (
	topicRe    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)
	driverRe   = regexp.MustCompile(`^[A-Z0-9_-]{1,16}$`)
	paramKeyRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{1,23}$`)
)

// ValidTopic reports whether s is a valid Kafka topic name.
func ValidTopic(s string) bool { return topicRe.MatchString(s) }

// ValidDriver reports whether s is a driver code as queries carry them
// (upper case).
func ValidDriver(s string) bool { return driverRe.MatchString(s) }

// Parse reads and validates one query's JSON. Errors say which field
// to fix.
func Parse(raw []byte) (*Query, error) {
	var j queryJSON
	if len(raw) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("query is not valid JSON for this datasource: %v", err)
		}
	}
	q := &Query{QueryType: strings.TrimSpace(j.QueryType), Topic: strings.TrimSpace(j.Topic), Partition: -1,
		Stream: j.Stream, TimeField: strings.TrimSpace(j.TimeField)}
	if q.QueryType == "" {
		q.QueryType = Raw
	}
	qt, ok := TypeNamed(q.QueryType)
	if !ok {
		return nil, fmt.Errorf("queryType %q is not one of %s", q.QueryType, typeNames())
	}
	if q.Topic == "" {
		q.Topic = qt.DefaultTopic
	}
	if q.Topic == "" {
		return nil, fmt.Errorf("topic is empty: pick a topic")
	}
	if !topicRe.MatchString(q.Topic) {
		return nil, fmt.Errorf("topic %q is not a valid Kafka topic name ([A-Za-z0-9._-], at most 249)", q.Topic)
	}
	var err error
	if q.Format, err = codec.ParseFormat(j.Format); err != nil {
		return nil, err
	}
	if j.Partition != nil {
		if *j.Partition < -1 || *j.Partition > 1<<20 {
			return nil, fmt.Errorf("partition %d is not -1 (all) or a partition number", *j.Partition)
		}
		q.Partition = int32(*j.Partition)
	}
	switch q.Offset = strings.TrimSpace(j.Offset); q.Offset {
	case "":
		q.Offset = OffsetTimeRange
	case OffsetLatest, OffsetEarliest, OffsetTimeRange:
	case OffsetLastN:
		n, err := intIn(j.LastN, "lastN", 1, MaxLastN, 0)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("offset is lastN but lastN is not a number from 1 to %d", MaxLastN)
		}
		q.LastN = int64(n)
	default:
		return nil, fmt.Errorf("offset %q is not one of latest, earliest, lastN, timeRange", j.Offset)
	}
	if q.Drivers, err = cleanList(j.Drivers, "drivers", func(s string) (string, error) {
		s = strings.ToUpper(s)
		if !driverRe.MatchString(s) {
			return "", fmt.Errorf("driver %q is not a driver code (like VER)", s)
		}
		return s, nil
	}); err != nil {
		return nil, err
	}
	if q.Fields, err = cleanList(j.Fields, "fields", func(s string) (string, error) {
		if len(s) > 200 {
			return "", fmt.Errorf("field name %.20q… is too long", s)
		}
		return s, nil
	}); err != nil {
		return nil, err
	}
	if q.Columns, err = cleanList(j.Columns, "columns", func(s string) (string, error) {
		if s = strings.ToLower(s); slices.Contains(Columns, s) {
			return s, nil
		}
		return "", fmt.Errorf("column %q is not one of %s", s, strings.Join(Columns, ", "))
	}); err != nil {
		return nil, err
	}
	if err := parseRecordOptions(q, &j); err != nil {
		return nil, err
	}
	ms, err := intIn(j.FlushMs, "flushMs", int(MinFlush/time.Millisecond), int(MaxFlush/time.Millisecond), 0)
	if err != nil {
		return nil, err
	}
	q.Flush = time.Duration(ms) * time.Millisecond // 0: adaptive
	res, err := intIn(j.ResolutionMs, "resolutionMs", 1, int(MaxResolution/time.Millisecond), 0)
	if err != nil {
		return nil, err
	}
	q.Resolution = time.Duration(res) * time.Millisecond // 0: every record
	if q.Limit, err = intIn(j.Limit, "limit", 1, MaxLimit, DefaultLimit); err != nil {
		return nil, err
	}
	if len(j.Params) > 16 {
		return nil, fmt.Errorf("params has %d entries; at most 16", len(j.Params))
	}
	for k, v := range j.Params {
		if !paramKeyRe.MatchString(k) {
			return nil, fmt.Errorf("params key %q must match [A-Za-z][A-Za-z0-9_]{1,23}", k)
		}
		if len(v) > 64 {
			return nil, fmt.Errorf("params %s is longer than 64 characters", k)
		}
		if q.Params == nil {
			q.Params = map[string]string{}
		}
		q.Params[k] = v
	}
	if err := setF1Params(q, &j); err != nil {
		return nil, err
	}
	return q, nil
}

// parseQueryMap is Parse for a query built in code.
func parseQueryMap(m map[string]any) (*Query, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// intIn reads an optional whole number in [lo, hi], def when absent.
func intIn(n json.Number, name string, lo, hi, def int) (int, error) {
	if n == "" {
		return def, nil
	}
	v, err := n.Int64()
	if err != nil || v < int64(lo) || v > int64(hi) {
		return 0, fmt.Errorf("%s %s is not a whole number from %d to %d", name, n, lo, hi)
	}
	return int(v), nil
}

// cleanList checks each entry, drops duplicates and sorts (so equal queries
// give equal channel paths).
func cleanList(in []string, name string, check func(string) (string, error)) ([]string, error) {
	if len(in) > maxListEntries {
		return nil, fmt.Errorf("%s has %d entries; at most %d", name, len(in), maxListEntries)
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		c, err := check(s)
		if err != nil {
			return nil, err
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

// WantsDriver reports whether the drivers filter lets code through.
func (q *Query) WantsDriver(code string) bool {
	if len(q.Drivers) == 0 {
		return true
	}
	for _, d := range q.Drivers {
		if d == code {
			return true
		}
	}
	return false
}

// Param returns the query type option called key.
func (q *Query) Param(key string) (string, bool) {
	v, ok := q.Params[key]
	return v, ok
}
