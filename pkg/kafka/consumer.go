package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Offsets are per-topic, per-partition offsets.
type Offsets map[string]map[int32]int64

// Clone returns a deep copy.
func (o Offsets) Clone() Offsets {
	out := make(Offsets, len(o))
	for t, ps := range o {
		out[t] = make(map[int32]int64, len(ps))
		for p, off := range ps {
			out[t][p] = off
		}
	}
	return out
}

// Consumer reads partitions of one or more topics from given offsets, for a
// live stream. It remembers the next offset of each partition (Next), so a
// stream that stops can be resumed without gaps or duplicates, and the
// partitions' high watermarks (Lag). Poll from one goroutine; Next and Lag
// may be called from any.
type Consumer struct {
	c      *Client
	cl     *kgo.Client
	topics string

	mu   sync.Mutex
	next Offsets
	hwm  Offsets
	lost []DataLoss
}

// DataLoss is a span of offsets a stream expected to read but could not:
// records deleted by retention before they were read, or a log the broker
// truncated. The stream went on from To.
type DataLoss struct {
	Topic     string
	Partition int32
	From, To  int64 // [From, To) are gone (To <= From: the broker could not say)
	Reason    string
}

func (l DataLoss) String() string {
	if l.To > l.From {
		return fmt.Sprintf("%s partition %d: offsets %d to %d (%d records) %s", l.Topic, l.Partition, l.From, l.To-1, l.To-l.From, l.Reason)
	}
	return fmt.Sprintf("%s partition %d: records before offset %d %s", l.Topic, l.Partition, l.From, l.Reason)
}

// A stream's consumer fetches less per response than a range read: franz-go
// buffers one fetch per broker while Poll is not called (a slow sender), and
// FetchMaxBytes counts compressed bytes, so a 4 MiB fetch of small,
// well-compressed records decompresses to close to a million records
// (measured: +185 MB of heap for a 10⁶-record backlog; +27 MB with these).
const (
	streamFetchMaxBytes     = 512 << 10
	streamFetchMaxPartBytes = 128 << 10
)

// Consume starts consuming from the given offset of each partition.
// Partitions not in start are not read. Nothing is fetched faster than Poll
// is called: franz-go buffers at most one fetch (streamFetchMaxBytes, or
// FetchMaxBytes when smaller) per broker. iso is ReadCommitted when not
// given.
func (c *Client) Consume(start Offsets, iso ...Isolation) (*Consumer, error) {
	var names []string
	for t, ps := range start {
		if len(ps) == 0 {
			return nil, fmt.Errorf("consuming %s: no partitions", t)
		}
		names = append(names, t)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("consuming: no topics")
	}
	sort.Strings(names)
	cl, err := c.newConsumer(start, isolation(iso),
		kgo.FetchMaxBytes(min(c.cfg.FetchMaxBytes, streamFetchMaxBytes)),
		kgo.FetchMaxPartitionBytes(min(c.cfg.FetchMaxBytes, streamFetchMaxPartBytes)))
	if err != nil {
		return nil, err
	}
	return &Consumer{c: c, cl: cl, topics: strings.Join(names, ","), next: start.Clone(), hwm: start.Clone()}, nil
}

// Poll waits for records (up to max) until ctx ends. It returns the records
// read (control records removed), or an error that is not transient (the
// topic was deleted, authorization was revoked, the client was closed). When
// ctx ends it returns what it has and no error: check ctx.
func (k *Consumer) Poll(ctx context.Context, max int) ([]*kgo.Record, error) {
	fetches := k.cl.PollRecords(ctx, max)
	if err := fetchError(fetches); err != nil {
		return nil, fmt.Errorf("consuming %s: %w", k.topics, k.c.Explain(err))
	}
	var out []*kgo.Record
	k.mu.Lock()
	fetches.EachError(func(_ string, _ int32, err error) {
		var dl *kgo.ErrDataLoss
		if errors.As(err, &dl) {
			k.lost = append(k.lost, DataLoss{Topic: dl.Topic, Partition: dl.Partition, From: dl.ResetTo, To: dl.ConsumedTo,
				Reason: "were lost by the broker (its log was truncated, e.g. after an unclean leader election)"})
		}
	})
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if fp.HighWatermark >= 0 && k.hwm[fp.Topic] != nil {
			k.hwm[fp.Topic][fp.Partition] = fp.HighWatermark
		}
		// franz-go moves a consumer that fell below the log start to the
		// log start without a word: the records in between were deleted
		// by retention before this stream read them.
		if want, ok := k.next[fp.Topic][fp.Partition]; ok && len(fp.Records) > 0 {
			if got := fp.Records[0].Offset; got > want && want < fp.LogStartOffset {
				k.lost = append(k.lost, DataLoss{Topic: fp.Topic, Partition: fp.Partition, From: want, To: min(got, fp.LogStartOffset),
					Reason: "were deleted by the topic's retention before the stream read them"})
			}
		}
		for _, r := range fp.Records {
			if k.next[fp.Topic] != nil {
				k.next[fp.Topic][fp.Partition] = r.Offset + 1
			}
			if !r.Attrs.IsControl() {
				out = append(out, r)
			}
		}
	})
	k.mu.Unlock()
	return out, nil
}

// TakeDataLoss returns the spans lost since the last call.
func (k *Consumer) TakeDataLoss() []DataLoss {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.lost
	k.lost = nil
	return out
}

// Next returns the next offset to read of each partition: where a new
// Consumer must start to continue this one exactly.
func (k *Consumer) Next() Offsets {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.next.Clone()
}

// Lag is how many records the partitions hold beyond what was polled, as of
// the last fetch.
func (k *Consumer) Lag() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	var lag int64
	for t, ps := range k.hwm {
		for p, h := range ps {
			if d := h - k.next[t][p]; d > 0 {
				lag += d
			}
		}
	}
	return lag
}

// Alive checks that a broker still answers, within ctx.
func (k *Consumer) Alive(ctx context.Context) error {
	if err := k.cl.Ping(ctx); err != nil {
		return k.c.Explain(err)
	}
	return nil
}

// Close stops the consumer.
func (k *Consumer) Close() { k.c.release(k.cl) }
