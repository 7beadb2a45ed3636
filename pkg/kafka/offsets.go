package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Topic is one topic of the cluster.
type Topic struct {
	Name       string `json:"name"`
	Partitions int    `json:"partitions"`
	Internal   bool   `json:"internal,omitempty"`
}

// Partition is one partition with its current offset bounds.
type Partition struct {
	Partition   int32 `json:"partition"`
	StartOffset int64 `json:"startOffset"`
	EndOffset   int64 `json:"endOffset"`
}

// ErrUnknownTopic is wrapped by look-ups of a topic the cluster lacks.
var ErrUnknownTopic = errors.New("unknown topic")

// Topics lists the cluster's topics (internal ones included, flagged),
// sorted by name.
func (c *Client) Topics(ctx context.Context) ([]Topic, error) {
	tds, err := c.adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", c.Explain(err))
	}
	out := make([]Topic, 0, len(tds))
	for _, td := range tds {
		if td.Err != nil {
			continue
		}
		out = append(out, Topic{Name: td.Topic, Partitions: len(td.Partitions), Internal: td.IsInternal})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// PartitionIDs lists the partitions of topic, sorted.
func (c *Client) PartitionIDs(ctx context.Context, topic string) ([]int32, error) {
	tds, err := c.adm.ListTopicsWithInternal(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("describing topic %s: %w", topic, c.Explain(err))
	}
	td, ok := tds[topic]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return nil, fmt.Errorf("topic %q: %w", topic, ErrUnknownTopic)
	}
	if td.Err != nil {
		return nil, fmt.Errorf("describing topic %s: %w", topic, c.Explain(td.Err))
	}
	ids := make([]int32, 0, len(td.Partitions))
	for p := range td.Partitions {
		ids = append(ids, p)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// Partitions lists the partitions of topic with their start and end offsets.
func (c *Client) Partitions(ctx context.Context, topic string) ([]Partition, error) {
	start, err := c.StartOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	end, err := c.EndOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	out := make([]Partition, 0, len(end))
	for p, e := range end {
		out = append(out, Partition{Partition: p, StartOffset: start[p], EndOffset: e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Partition < out[j].Partition })
	return out, nil
}

// StartOffsets returns the log start offset of each partition of topic.
func (c *Client) StartOffsets(ctx context.Context, topic string) (map[int32]int64, error) {
	l, err := c.adm.ListStartOffsets(ctx, topic)
	return c.offsets(topic, "start offsets", l, err)
}

// EndOffsets returns the end offset of each partition of topic: the last
// stable offset (one past the last record a read_committed reader may see),
// which is the high watermark unless a transaction is open. Reads end
// there, so an open transaction neither shows nor stalls them.
func (c *Client) EndOffsets(ctx context.Context, topic string) (map[int32]int64, error) {
	l, err := c.adm.ListCommittedOffsets(ctx, topic)
	return c.offsets(topic, "end offsets", l, err)
}

// EndOffsetsFor is EndOffsets for a read of isolation iso: for
// ReadUncommitted the high watermark (one past the last record written,
// open transactions included).
func (c *Client) EndOffsetsFor(ctx context.Context, topic string, iso Isolation) (map[int32]int64, error) {
	if iso != ReadUncommitted {
		return c.EndOffsets(ctx, topic)
	}
	l, err := c.adm.ListEndOffsets(ctx, topic)
	return c.offsets(topic, "end offsets", l, err)
}

// OffsetsAfter returns, per partition, the first offset whose record
// timestamp is at or after ms (the end offset when there is none).
func (c *Client) OffsetsAfter(ctx context.Context, topic string, ms int64) (map[int32]int64, error) {
	l, err := c.adm.ListOffsetsAfterMilli(ctx, ms, topic)
	return c.offsets(topic, fmt.Sprintf("offsets after %d ms", ms), l, err)
}

func (c *Client) offsets(topic, what string, l kadm.ListedOffsets, err error) (map[int32]int64, error) {
	if err != nil {
		return nil, fmt.Errorf("reading %s of %s: %w", what, topic, c.Explain(err))
	}
	ps, ok := l[topic]
	if !ok {
		return nil, fmt.Errorf("topic %q: %w", topic, ErrUnknownTopic)
	}
	out := make(map[int32]int64, len(ps))
	for p, o := range ps {
		if o.Err != nil {
			if errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
				return nil, fmt.Errorf("topic %q: %w", topic, ErrUnknownTopic)
			}
			return nil, fmt.Errorf("reading %s of %s partition %d: %w", what, topic, p, c.Explain(o.Err))
		}
		out[p] = o.Offset
	}
	return out, nil
}

// TrimmedBefore reports, per partition of topic, whether a read from ms on
// starts at the oldest record Kafka still holds while older ones were
// deleted (by retention, or DeleteRecords): the log start offset is above
// 0, the first record at or after ms is the one at the log start, and its
// timestamp is later than ms. It returns those partitions with the oldest
// kept record's time; a range from ms cannot show what was before it.
func (c *Client) TrimmedBefore(ctx context.Context, topic string, ms int64) (map[int32]time.Time, error) {
	starts, err := c.StartOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	after, err := c.adm.ListOffsetsAfterMilli(ctx, ms, topic)
	if err != nil {
		return nil, fmt.Errorf("reading offsets after %d ms of %s: %w", ms, topic, c.Explain(err))
	}
	out := map[int32]time.Time{}
	after.Each(func(o kadm.ListedOffset) {
		if o.Err == nil && o.Topic == topic && starts[o.Partition] > 0 && o.Offset == starts[o.Partition] && o.Timestamp > ms {
			out[o.Partition] = time.UnixMilli(o.Timestamp)
		}
	})
	return out, nil
}
