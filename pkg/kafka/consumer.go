package kafka

import (
	"context"
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
// FetchMaxBytes when smaller) per broker.
func (c *Client) Consume(start Offsets) (*Consumer, error) {
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
	cl, err := c.newConsumer(start,
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
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if fp.HighWatermark >= 0 && k.hwm[fp.Topic] != nil {
			k.hwm[fp.Topic][fp.Partition] = fp.HighWatermark
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
