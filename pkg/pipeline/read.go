package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

var errLimit = errors.New("record limit reached")

// Read reads the records a QueryData query asks for (over env's time range
// for the timeRange offset) into its pipeline. It returns notices about the
// read itself (limits, timeouts); bad records are counted in env.Faults.
func Read(ctx context.Context, src *Source, q *query.Query, env *Env, pipe Pipeline) ([]data.Notice, error) {
	feeder := newFeeder(src, q, pipe, env.Faults)
	readTimeout := max(30*time.Second, 3*src.Timeout)
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	var notices []data.Notice
	total := 0
	topics := topics(q)
	// lastN keeps the newest N overall, and several topics are fed merged
	// by time: both need the records first.
	buffer := q.Offset == query.OffsetLastN || len(topics) > 1
	var held []*kgo.Record
	for _, topic := range topics {
		ranges, err := queryRanges(ctx, src, q, topic, env)
		if err != nil {
			return nil, err
		}
		from, to := env.From.UnixMilli(), env.To.UnixMilli()
		if q.Offset == query.OffsetTimeRange {
			if n := trimmedNotice(ctx, src, topic, from); n != nil {
				notices = append(notices, *n)
			}
		}
		err = src.Kafka.ReadRange(ctx, topic, ranges, func(r *kgo.Record) error {
			if q.Offset == query.OffsetTimeRange {
				if ms := r.Timestamp.UnixMilli(); ms < from || ms > to {
					return nil
				}
			}
			if total >= q.Limit {
				return errLimit
			}
			total++
			if buffer {
				held = append(held, r)
				return nil
			}
			feeder.feed(ctx, r)
			return nil
		})
		switch {
		case errors.Is(err, errLimit):
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("stopped after %d records (the query's limit); narrow the time range or raise limit", q.Limit)})
		case err != nil && ctx.Err() != nil && total > 0:
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("read stopped after %s with %d records; the range holds more: narrow it", readTimeout, total)})
		case err != nil:
			return nil, err
		}
	}
	if buffer {
		sort.SliceStable(held, func(i, j int) bool { return held[i].Timestamp.Before(held[j].Timestamp) })
		if q.Offset == query.OffsetLastN && len(held) > int(q.LastN) {
			// Per partition we read the last N; keep the N newest overall.
			held = held[len(held)-int(q.LastN):]
		}
		for _, r := range held {
			feeder.feed(ctx, r)
		}
	}
	feeder.counts.flush("query")
	feeder.faults.flushMetrics()
	return notices, nil
}

// trimmedNotice says when a time range starts before the oldest record
// Kafka still holds of topic (older ones were deleted by retention): the
// range is answered from there. Nil when nothing is missing, or when the
// look-up fails (the read that follows reports a broken broker).
func trimmedNotice(ctx context.Context, src *Source, topic string, from int64) *data.Notice {
	mctx, cancel := context.WithTimeout(ctx, src.Timeout)
	defer cancel()
	trimmed, err := src.Kafka.TrimmedBefore(mctx, topic, from)
	if err != nil || len(trimmed) == 0 {
		return nil
	}
	var parts []int32
	var kept time.Time
	for p, t := range trimmed {
		parts = append(parts, p)
		if t.After(kept) {
			kept = t // the latest of the partitions' oldest kept records: complete from there
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	return &data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
		"%s no longer holds the start of this range: the oldest records Kafka keeps are from %s (partitions %v); older ones were deleted by retention",
		topic, kept.UTC().Format(time.RFC3339), parts)}
}

// queryRanges turns the query's offset mode into per-partition ranges.
func queryRanges(ctx context.Context, src *Source, q *query.Query, topic string, env *Env) (map[int32]kafka.Range, error) {
	mctx, cancel := context.WithTimeout(ctx, src.Timeout)
	defer cancel()
	ends, err := src.Kafka.EndOffsets(mctx, topic)
	if err != nil {
		return nil, err
	}
	if q.Partition >= 0 {
		if _, ok := ends[q.Partition]; !ok {
			return nil, fmt.Errorf("partition %d does not exist in topic %s (it has %d)", q.Partition, topic, len(ends))
		}
		ends = map[int32]int64{q.Partition: ends[q.Partition]}
	}
	starts := map[int32]int64{}
	switch q.Offset {
	case query.OffsetTimeRange:
		if starts, err = src.Kafka.OffsetsAfter(mctx, topic, env.From.UnixMilli()); err != nil {
			return nil, err
		}
		// The end is the first offset after `to` (to is inclusive).
		after, err := src.Kafka.OffsetsAfter(mctx, topic, env.To.UnixMilli()+1)
		if err != nil {
			return nil, err
		}
		for p, o := range after {
			if o >= 0 && o < ends[p] {
				ends[p] = o
			}
		}
	default:
		if starts, err = src.Kafka.StartOffsets(mctx, topic); err != nil {
			return nil, err
		}
	}
	out := make(map[int32]kafka.Range, len(ends))
	for p, end := range ends {
		start := starts[p]
		switch q.Offset {
		case query.OffsetLatest:
			start = max(start, end-1)
		case query.OffsetLastN:
			start = max(start, end-q.LastN)
		}
		out[p] = kafka.Range{Start: start, End: end}
	}
	return out, nil
}
