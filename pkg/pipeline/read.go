package plugin

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
)

var errLimit = errors.New("record limit reached")

// recordFeeder decodes Kafka records and hands them to a pipeline, counting
// bad records in faults. It is shared by QueryData and RunStream.
type recordFeeder struct {
	d        *Datasource
	q        *Query
	pipe     Pipeline
	faults   *Faults
	decoders map[string]*codec.Decoder
	rec      codec.Record
	cur      Rec // what Add gets; reused, as a Rec is only valid during Add
	counts   readCounts
}

func (d *Datasource) newFeeder(q *Query, pipe Pipeline, faults *Faults) *recordFeeder {
	return &recordFeeder{d: d, q: q, pipe: pipe, faults: faults, decoders: map[string]*codec.Decoder{}}
}

func where(r *kgo.Record) string {
	return fmt.Sprintf("%s partition %d offset %d", r.Topic, r.Partition, r.Offset)
}

// feed decodes one record and adds it; a bad record is counted, not fatal.
func (f *recordFeeder) feed(ctx context.Context, r *kgo.Record) {
	f.counts.add(r.Topic, len(r.Value))
	dec := f.decoders[r.Topic]
	if dec == nil {
		dec = codec.NewDecoder(f.q.Format, r.Topic, f.d.registry, f.d.limits)
		f.decoders[r.Topic] = dec
	}
	if err := dec.Decode(ctx, r.Value, &f.rec); err != nil {
		f.faults.AddErr(err, where(r))
		return
	}
	if f.rec.Warning != nil {
		f.faults.Add(f.rec.Warning.Kind, where(r), f.rec.Warning.Msg)
	}
	f.cur = Rec{Record: &f.rec, Names: dec.Names(), Kafka: r}
	f.pipe.Add(&f.cur)
}

// readQuery reads the records a QueryData query asks for into its pipeline.
// It returns notices about the read itself (limits, timeouts).
func (d *Datasource) readQuery(ctx context.Context, q *Query, qt QueryType, env *Env, feeder *recordFeeder) ([]data.Notice, error) {
	readTimeout := max(30*time.Second, 3*d.settings.Timeout)
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	var notices []data.Notice
	total := 0
	topics := qt.topics(q)
	// lastN keeps the newest N overall, and several topics are fed merged
	// by time: both need the records first.
	buffer := q.Offset == OffsetLastN || len(topics) > 1
	var held []*kgo.Record
	for _, topic := range topics {
		ranges, err := d.queryRanges(ctx, q, topic, env)
		if err != nil {
			return nil, err
		}
		from, to := env.From.UnixMilli(), env.To.UnixMilli()
		if q.Offset == OffsetTimeRange {
			if n := d.trimmedNotice(ctx, topic, from); n != nil {
				notices = append(notices, *n)
			}
		}
		err = d.kafka.ReadRange(ctx, topic, ranges, func(r *kgo.Record) error {
			if q.Offset == OffsetTimeRange {
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
		if q.Offset == OffsetLastN && len(held) > int(q.LastN) {
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
func (d *Datasource) trimmedNotice(ctx context.Context, topic string, from int64) *data.Notice {
	mctx, cancel := context.WithTimeout(ctx, d.settings.Timeout)
	defer cancel()
	trimmed, err := d.kafka.TrimmedBefore(mctx, topic, from)
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
func (d *Datasource) queryRanges(ctx context.Context, q *Query, topic string, env *Env) (map[int32]kafka.Range, error) {
	mctx, cancel := context.WithTimeout(ctx, d.settings.Timeout)
	defer cancel()
	ends, err := d.kafka.EndOffsets(mctx, topic)
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
	case OffsetTimeRange:
		if starts, err = d.kafka.OffsetsAfter(mctx, topic, env.From.UnixMilli()); err != nil {
			return nil, err
		}
		// The end is the first offset after `to` (to is inclusive).
		after, err := d.kafka.OffsetsAfter(mctx, topic, env.To.UnixMilli()+1)
		if err != nil {
			return nil, err
		}
		for p, o := range after {
			if o >= 0 && o < ends[p] {
				ends[p] = o
			}
		}
	default:
		if starts, err = d.kafka.StartOffsets(mctx, topic); err != nil {
			return nil, err
		}
	}
	out := make(map[int32]kafka.Range, len(ends))
	for p, end := range ends {
		start := starts[p]
		switch q.Offset {
		case OffsetLatest:
			start = max(start, end-1)
		case OffsetLastN:
			start = max(start, end-q.LastN)
		}
		out[p] = kafka.Range{Start: start, End: end}
	}
	return out, nil
}

// streamStarts returns where a stream for q starts reading each partition
// of topic: the end (latest, timeRange), the start (earliest), or N before
// the end (lastN).
func (d *Datasource) streamStarts(ctx context.Context, q *Query, topic string) (map[int32]int64, error) {
	mctx, cancel := context.WithTimeout(ctx, d.settings.Timeout)
	defer cancel()
	ends, err := d.kafka.EndOffsets(mctx, topic)
	if err != nil {
		return nil, err
	}
	starts := ends
	if q.Offset == OffsetEarliest || q.Offset == OffsetLastN {
		if starts, err = d.kafka.StartOffsets(mctx, topic); err != nil {
			return nil, err
		}
	}
	out := map[int32]int64{}
	for p, end := range ends {
		if q.Partition >= 0 && p != q.Partition {
			continue
		}
		switch q.Offset {
		case OffsetEarliest:
			out[p] = starts[p]
		case OffsetLastN:
			out[p] = max(starts[p], end-q.LastN)
		default:
			out[p] = end
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("partition %d does not exist in topic %s", q.Partition, topic)
	}
	return out, nil
}
