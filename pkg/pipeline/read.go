package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

var (
	errLimit  = errors.New("record limit reached")
	errBudget = errors.New("byte budget reached")
)

// Read reads the records a QueryData query asks for (over env's time range
// for the timeRange offset) into its pipeline. It returns notices about the
// read itself (limits, timeouts); bad records are counted in env.Faults.
//
// Every offset mode reads per partition (lastN: the last N records of each
// partition, as the query editor says) and hands each record on as it
// arrives; no raw record is held. A type reading several topics gets them
// merged by timestamp (merge.go).
func Read(ctx context.Context, src *Source, q *query.Query, env *Env, pipe Pipeline) ([]data.Notice, error) {
	return read(ctx, src, q, env, pipe, nil)
}

// readShare is what a joint read (jointread.go) adds to read.
type readShare struct {
	// notes gets every fault of a record that does not decode (the joint
	// read tells its members whose topics it is of).
	notes func(kind codec.ErrClass, topic, where, msg string)
	// topics, when set, are the topics read instead of the query's own
	// (a joint read of a wider set: jointwiden.go).
	topics []string
	// trimmed gets the notice of each topic whose range starts before what
	// Kafka keeps, instead of the notices read returns (a member is told of
	// its own topics only). Required.
	trimmed map[string]data.Notice
	// feed is handed each record in the order read hands them on, with the
	// function that decodes it and hands it to the pipeline.
	feed func(r *kgo.Record, feed func(*kgo.Record))
	// timedOut is set when the read stopped at its timeout with records
	// still to read (a notice says so).
	timedOut bool
	// ranges are the offsets read, per topic and partition.
	ranges map[string]map[int32]kafka.Range
}

// read is Read, its records shared when share is set.
func read(ctx context.Context, src *Source, q *query.Query, env *Env, pipe Pipeline, share *readShare) ([]data.Notice, error) {
	release, err := acquireRead(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	feeder := newFeeder(src, q, pipe, env.Faults)
	topics := topics(q)
	if share != nil {
		feeder.notes = share.notes
		if share.topics != nil {
			topics = share.topics
		}
	}
	readTimeout := src.readTimeout()
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	ranges := make(map[string]map[int32]kafka.Range, len(topics))
	var parts []tp
	var notices []data.Notice
	for _, topic := range topics {
		r, err := queryRanges(ctx, src, q, topic, env)
		if err != nil {
			return nil, err
		}
		if q.Offset == query.OffsetTimeRange {
			if n := trimmedNotice(ctx, src, topic, env.From.UnixMilli()); n != nil {
				if share != nil {
					share.trimmed[topic] = *n
				} else {
					notices = append(notices, *n)
				}
			}
		}
		ranges[topic] = r
		for p := range r {
			parts = append(parts, tp{topic, p})
		}
	}
	if share != nil {
		share.ranges = ranges
	}
	budget := src.queryBytes()
	feed := func(r *kgo.Record) { feeder.feed(ctx, r) }
	if share != nil && share.feed != nil {
		decode := feed
		feed = func(r *kgo.Record) { share.feed(r, decode) }
	}
	total, bytes := 0, int64(0)
	m, err := readRanges(ctx, src, q, env, topics, ranges, parts, feed, func(r *kgo.Record) error {
		if total >= q.Limit {
			return errLimit
		}
		if bytes+recBytes(r) > budget {
			return errBudget
		}
		total++
		bytes += recBytes(r)
		return nil
	})
	switch {
	case errors.Is(err, errLimit):
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("stopped after %d records (the query's limit); narrow the time range or raise limit", q.Limit)})
	case errors.Is(err, errBudget):
		metricQueriesCut.Inc()
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("the result was cut: the records read reached the query's budget of %s after %d records; "+
				"narrow the time range, read one partition, or lower lastN", byteSize(budget), total)})
	case err != nil && ctx.Err() != nil && total > 0:
		if share != nil {
			share.timedOut = true
		}
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("read stopped after %s with %d records; the range holds more: narrow it", readTimeout, total)})
	case err != nil:
		return nil, err
	}
	if m != nil {
		m.flush()
		if m.early > 0 {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: fmt.Sprintf("%d records were merged ahead of time: one topic's partitions ran far ahead of another's (more than %d MiB waited), "+
					"so values derived near them may be slightly off; narrow the time range", m.early, maxMergeHeld>>20)})
		}
	}
	feeder.flushCounts("query")
	feeder.faults.flushMetrics()
	return notices, nil
}

// readRanges reads ranges (parts: their partitions, of topics) and hands
// feed each record in q's time range (for the timeRange offset), merged by
// timestamp (ties in the order of topics) when there are several topics;
// the merger it returns (nil for one topic)
// still holds the records that wait for the other topics (flush). admit,
// when set, sees each record first; its error stops the read.
func readRanges(ctx context.Context, src *Source, q *query.Query, env *Env, topics []string, ranges map[string]map[int32]kafka.Range, parts []tp,
	feed func(*kgo.Record), admit func(*kgo.Record) error) (*merger, error) {
	var m *merger
	var done func(string, int32)
	if len(topics) > 1 {
		m = newMerger(topics, parts, feed)
		feed, done = m.add, m.done
	}
	from, to := env.From.UnixMilli(), env.To.UnixMilli()
	err := src.Kafka.ReadRanges(ctx, ranges, func(r *kgo.Record) error {
		if q.Offset == query.OffsetTimeRange {
			if ms := r.Timestamp.UnixMilli(); ms < from || ms > to {
				return nil
			}
		}
		if admit != nil {
			if err := admit(r); err != nil {
				return err
			}
		}
		feed(r)
		return nil
	}, done, isolation(q))
	return m, err
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
	ends, err := src.Kafka.EndOffsetsFor(mctx, topic, isolation(q))
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

// byteSize writes n bytes for a notice: "256 MiB", "64 KiB", "512 B".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
