package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Pitwall reads Kafka; the one thing it writes is the race commands of the
// leaderboard panel (f1-race-commands, read by `producer serve`). These two
// calls are all the writing there is.

// EnsureTopic creates topic with the given partitions (and the broker's
// default replication) when the cluster lacks it. It reports whether it
// created the topic; a topic that already exists is not an error.
func (c *Client) EnsureTopic(ctx context.Context, topic string, partitions int32) (bool, error) {
	if _, err := c.PartitionIDs(ctx, topic); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrUnknownTopic) {
		return false, err
	}
	resp, err := c.adm.CreateTopic(ctx, partitions, -1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, kerr.TopicAlreadyExists):
		return false, nil // created meanwhile by someone else
	}
	return false, fmt.Errorf("creating topic %s with %d partition(s): %w", topic, partitions, c.Explain(err))
}

// Produce writes one record and waits until the brokers acknowledge it (or
// ctx ends). It returns where the record landed.
func (c *Client) Produce(ctx context.Context, topic string, key, value []byte, ts time.Time) (int32, int64, error) {
	r := &kgo.Record{Topic: topic, Key: key, Value: value, Timestamp: ts}
	if err := c.cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			return 0, 0, fmt.Errorf("producing to %s: topic %q: %w", topic, topic, ErrUnknownTopic)
		}
		return 0, 0, fmt.Errorf("producing to %s: %w", topic, c.Explain(err))
	}
	return r.Partition, r.Offset, nil
}
