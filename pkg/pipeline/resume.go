package pipeline

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// Resumes keeps where failed streams stopped, so the RunStream that Grafana
// starts again reads on from the next offset of each partition: nothing is
// lost and nothing arrives twice. Entries expire, so a stream that comes
// back much later starts afresh. One per datasource instance, in memory: a
// plugin restart loses them (see startNotices). Safe for concurrent use.
type Resumes struct {
	mu      sync.Mutex
	entries map[string]resumeEntry
	ttl     time.Duration
}

type resumeEntry struct {
	next kafka.Offsets
	at   time.Time
}

// resumeState is what Take found.
type resumeState int

const (
	resumeNone    resumeState = iota // nothing saved: a first start, or a restart of the plugin
	resumeOK                         // saved offsets to go on from
	resumeExpired                    // saved, but longer ago than the TTL: starts afresh
)

// NewResumes returns an empty store.
func NewResumes() *Resumes {
	return &Resumes{entries: map[string]resumeEntry{}, ttl: 10 * time.Minute}
}

// Save keeps next as where the stream of path goes on.
func (r *Resumes) Save(path string, next kafka.Offsets) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[path] = resumeEntry{next: next.Clone(), at: time.Now()}
}

// Take returns and forgets the saved offsets of path (false: none, or
// expired).
func (r *Resumes) Take(path string) (kafka.Offsets, bool) {
	next, st := r.take(path)
	return next, st == resumeOK
}

// take is Take, telling no entry from an expired one.
func (r *Resumes) take(path string) (kafka.Offsets, resumeState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[path]
	delete(r.entries, path)
	switch {
	case !ok:
		return nil, resumeNone
	case time.Since(e.at) > r.ttl:
		return nil, resumeExpired
	}
	return e.next, resumeOK
}

// startNotices says what a stream's start means for what the panel shows,
// when it is not a plain first start: a stream restarted without its saved
// offsets (the plugin restarted while the panel was open, or the stream was
// away longer than the resume TTL) re-reads (earliest, lastN) or skips
// (latest, timeRange) records; a resumed stream whose offsets were deleted
// by retention in the meantime has lost them. fresh says the plugin saw no
// subscription to the channel before this start (see StreamOptions.Fresh).
//
// Resumed offsets below a partition's log start are moved up to it (the
// consumer would do so silently).
func startNotices(ctx context.Context, src *Source, q *query.Query, start kafka.Offsets, state resumeState, fresh bool, ttl time.Duration) []data.Notice {
	var why string
	switch {
	case state == resumeOK:
		return retentionNotices(ctx, src, start)
	case state == resumeExpired:
		why = fmt.Sprintf("this stream stopped more than %s ago, longer than Pitwall keeps its place", ttl)
	case fresh:
		why = "Pitwall restarted (or its datasource settings changed) while this panel was open, and lost its place in the stream"
	default:
		return nil
	}
	var what string
	switch q.Offset {
	case query.OffsetEarliest, query.OffsetLastN:
		what = fmt.Sprintf("it read the topic again from the start (offset %s): rows shown before the restart arrive a second time. Reload the panel for a view without them", q.Offset)
	default:
		what = "it went on from the end of each partition: records written while it was away were skipped. Reload the panel to read them by time range"
	}
	return []data.Notice{{Severity: data.NoticeSeverityWarning, Text: why + "; " + what + "."}}
}

// retentionNotices checks resumed offsets against the log start: records
// deleted by retention while the stream was away are gone. It moves such
// offsets up to the log start.
func retentionNotices(ctx context.Context, src *Source, start kafka.Offsets) []data.Notice {
	var lost []kafka.DataLoss
	for topic, parts := range start {
		mctx, cancel := context.WithTimeout(ctx, src.Timeout)
		first, err := src.Kafka.StartOffsets(mctx, topic)
		cancel()
		if err != nil {
			continue // the consumer will say what is wrong
		}
		for p, off := range parts {
			if f, ok := first[p]; ok && off < f {
				lost = append(lost, kafka.DataLoss{Topic: topic, Partition: p, From: off, To: f,
					Reason: "were deleted by the topic's retention while the stream was away"})
				parts[p] = f
			}
		}
	}
	return dataLossNotices(lost)
}

// dataLossNotices describes spans of lost records, one notice each.
func dataLossNotices(lost []kafka.DataLoss) []data.Notice {
	sort.Slice(lost, func(i, j int) bool {
		if lost[i].Topic != lost[j].Topic {
			return lost[i].Topic < lost[j].Topic
		}
		return lost[i].Partition < lost[j].Partition
	})
	out := make([]data.Notice, 0, len(lost))
	for _, l := range lost {
		metricDataLoss.WithLabelValues(l.Topic).Inc()
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: "records missing from this stream: " + l.String()})
	}
	return out
}

// maxStreamNotices bounds a stream's own notices; past it, one more
// notice counts the rest (the metrics have them all).
const maxStreamNotices = 8

// streamNotices are the notices about a stream itself (its start, records
// it lost), kept on every frame it sends.
type streamNotices struct {
	list []data.Notice
	more int
}

func (n *streamNotices) add(ns ...data.Notice) {
	for _, x := range ns {
		if len(n.list) < maxStreamNotices {
			n.list = append(n.list, x)
		} else {
			n.more++
		}
	}
}

// all returns the notices, the count of the rest last.
func (n *streamNotices) all() []data.Notice {
	out := append([]data.Notice{}, n.list...)
	if n.more > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("%d more spans of records missing from this stream (pitwall_stream_data_loss_total counts them)", n.more)})
	}
	return out
}
