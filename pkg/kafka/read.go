package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Range is a half-open offset range [Start, End) of one partition.
type Range struct {
	Start, End int64
}

// A range read fetches at most this much per response (compressed bytes),
// so that what franz-go holds decompressed while the records are handed on
// stays small; see the measurements in consumer.go and internal/bench.
const (
	rangeFetchMaxBytes     = 512 << 10
	rangeFetchMaxPartBytes = 128 << 10
)

// ReadRange reads each partition of topic between its range's offsets and
// calls fn for every record, in offset order within a partition. It returns
// when every partition has reached its End, when fn returns an error, or when
// ctx ends (then with ctx's error, after fn saw everything read so far).
// iso is ReadCommitted when not given.
func (c *Client) ReadRange(ctx context.Context, topic string, ranges map[int32]Range, fn func(*kgo.Record) error, iso ...Isolation) error {
	return c.ReadRanges(ctx, map[string]map[int32]Range{topic: ranges}, fn, nil, iso...)
}

// ReadRanges is ReadRange over the partitions of several topics at once, with
// one consumer: every fetch brings records of every partition still open, so
// the partitions advance together. done (optional) is called once for each
// partition that has nothing more to give (its End reached, its range empty,
// or its records deleted since the offsets were listed).
func (c *Client) ReadRanges(ctx context.Context, ranges map[string]map[int32]Range, fn func(*kgo.Record) error, done func(topic string, partition int32), iso ...Isolation) error {
	start := map[string]map[int32]int64{}
	end := map[string]map[int32]int64{}
	open := 0
	var names []string
	for t, ps := range ranges {
		names = append(names, t)
		for p, r := range ps {
			if r.Start >= r.End {
				if done != nil {
					done(t, p)
				}
				continue
			}
			if start[t] == nil {
				start[t], end[t] = map[int32]int64{}, map[int32]int64{}
			}
			start[t][p], end[t][p] = r.Start, r.End
			open++
		}
	}
	if open == 0 {
		return nil
	}
	sort.Strings(names)
	what := strings.Join(names, ", ")
	cl, err := c.newConsumer(start, isolation(iso),
		kgo.FetchMaxBytes(min(c.cfg.FetchMaxBytes, rangeFetchMaxBytes)),
		kgo.FetchMaxPartitionBytes(min(c.cfg.FetchMaxBytes, rangeFetchMaxPartBytes)))
	if err != nil {
		return err
	}
	defer c.release(cl)

	for open > 0 {
		fetches := cl.PollRecords(ctx, 10000)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("reading %s: %w", what, c.Explain(err))
		}
		if err := fetchError(fetches); err != nil {
			return fmt.Errorf("reading %s: %w", what, c.Explain(err))
		}
		var ferr error
		fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
			stop, ok := end[fp.Topic][fp.Partition]
			if !ok || ferr != nil {
				return
			}
			for _, r := range fp.Records {
				if r.Offset >= stop {
					break
				}
				if !r.Attrs.IsControl() {
					if ferr = fn(r); ferr != nil {
						return
					}
				}
			}
			last := int64(-1)
			if n := len(fp.Records); n > 0 {
				last = fp.Records[n-1].Offset
			}
			// Done once the last wanted offset is read, or the partition
			// holds nothing more (records compacted or deleted since the
			// offsets were listed).
			if last >= stop-1 || (fp.HighWatermark >= 0 && fp.HighWatermark <= last+1 && fp.HighWatermark < stop && len(fp.Records) > 0) {
				delete(end[fp.Topic], fp.Partition)
				open--
				cl.PauseFetchPartitions(map[string][]int32{fp.Topic: {fp.Partition}})
				if done != nil {
					done(fp.Topic, fp.Partition)
				}
			}
		})
		if ferr != nil {
			return ferr
		}
	}
	return nil
}

// fetchError returns the first error of a poll that is not transient.
func fetchError(fetches kgo.Fetches) error {
	var out error
	fetches.EachError(func(t string, p int32, err error) {
		if out != nil {
			return
		}
		var dl *kgo.ErrDataLoss
		switch {
		case errors.As(err, &dl):
			// The client already reset to a valid offset; keep reading.
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		default:
			out = fmt.Errorf("partition %d: %w", p, err)
		}
	})
	return out
}
