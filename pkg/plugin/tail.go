package plugin

import (
	"context"
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// tailRanges gives, for each partition of topic, the range of its newest n
// records that end skip records before the partition's end, clipped to
// what the partition still holds. An unknown topic gives an error that
// wraps kafka.ErrUnknownTopic.
func (d *Datasource) tailRanges(ctx context.Context, topic string, skip, n int) (map[int32]kafka.Range, error) {
	ends, err := d.kafka.EndOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	starts, err := d.kafka.StartOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("start offsets of %s: %w", topic, err)
	}
	ranges := make(map[int32]kafka.Range, len(ends))
	for p, e := range ends {
		hi := max(starts[p], e-int64(skip))
		ranges[p] = kafka.Range{Start: max(starts[p], hi-int64(n)), End: hi}
	}
	return ranges, nil
}
