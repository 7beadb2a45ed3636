package pipeline

import (
	"fmt"
	"sort"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Faults counts bad records by kind, remembers the first of each kind (where
// and why), and turns them into frame notices and metrics. A bad record never
// stops a query or a stream: it is counted here and the records around it go
// on.
type Faults struct {
	counts  map[codec.ErrClass]int
	first   map[codec.ErrClass]string
	pending map[codec.ErrClass]int // not yet added to the metrics
}

// Add records one bad record.
func (f *Faults) Add(kind codec.ErrClass, where, msg string) {
	f.add(kind, where, msg)
	f.pending[kind]++
}

// note records a bad record for the notices only: a shared consumer
// decoded it, and counts it in the metrics once for all its streams.
func (f *Faults) note(kind codec.ErrClass, where, msg string) { f.add(kind, where, msg) }

func (f *Faults) add(kind codec.ErrClass, where, msg string) {
	if f.counts == nil {
		f.counts, f.first, f.pending = map[codec.ErrClass]int{}, map[codec.ErrClass]string{}, map[codec.ErrClass]int{}
	}
	if f.counts[kind] == 0 {
		f.first[kind] = fmt.Sprintf("first at %s: %s", where, msg)
	}
	f.counts[kind]++
}

// AddErr records a decode error (a *codec.DecodeError, or any error).
func (f *Faults) AddErr(err error, where string) {
	f.Add(codec.ClassOf(err), where, err.Error())
}

// Total is the number of bad records seen.
func (f *Faults) Total() int {
	n := 0
	for _, c := range f.counts {
		n += c
	}
	return n
}

// Count is the number of bad records of one kind.
func (f *Faults) Count(kind codec.ErrClass) int { return f.counts[kind] }

func (f *Faults) kinds() []codec.ErrClass {
	out := make([]codec.ErrClass, 0, len(f.counts))
	for k := range f.counts {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Notices describes the faults for a complete frame: counts and the first
// occurrence of each kind.
func (f *Faults) Notices() []data.Notice {
	var out []data.Notice
	for _, k := range f.kinds() {
		out = append(out, data.Notice{
			Severity: data.NoticeSeverityWarning,
			Text:     fmt.Sprintf("%d record(s) skipped or cut (%s), %s", f.counts[k], k, f.first[k]),
		})
	}
	return out
}

// StreamNotices describes the faults for a live frame. The text only changes
// when a new kind appears, so the stream's schema (which holds the notices)
// is not resent on every bad record; the counts are in the metrics.
func (f *Faults) StreamNotices() []data.Notice {
	var out []data.Notice
	for _, k := range f.kinds() {
		out = append(out, data.Notice{
			Severity: data.NoticeSeverityWarning,
			Text:     fmt.Sprintf("records skipped or cut (%s, counted in pitwall_decode_errors_total), %s", k, f.first[k]),
		})
	}
	return out
}

// flushMetrics adds the counts since the last flush to the metrics.
func (f *Faults) flushMetrics() {
	for k, n := range f.pending {
		MetricDecodeErrors.WithLabelValues(string(k)).Add(float64(n))
		delete(f.pending, k)
	}
}
