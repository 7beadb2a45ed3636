package pipeline

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// fetchMissed hands the joiner that g.replay feeds the records the read has
// handed on so far, read again from Kafka: per partition, from the start of
// the read's range to the offset after the last record handed on (handed),
// only those in the query's time range, merged by timestamp when the query
// reads several topics, as read merges them. Kafka's records at given
// offsets do not change, so they are the records the read handed on; the
// joiner then gets every record after with the others, and answers what it
// answers alone. The read keeps what it reads here and every record after
// for the queries that join later (up to keepMax; past it, it keeps
// nothing and a later joiner reads again). It runs on the read's goroutine:
// the members wait for it as they wait for a joiner handed kept records.
// The records are not counted as read again (the metrics count a range's
// records once); their faults reach the joiner only.
func (g *jointRead) fetchMissed(joiner *jointMember) error {
	ranges := map[string]map[int32]kafka.Range{}
	var parts []tp
	for topic, ps := range g.share.ranges {
		if !joiner.wants(topic) {
			continue
		}
		for p, r := range ps {
			if end, ok := g.handed[tp{topic, p}]; ok && end > r.Start {
				if ranges[topic] == nil {
					ranges[topic] = map[int32]kafka.Range{}
				}
				ranges[topic][p] = kafka.Range{Start: r.Start, End: end}
				parts = append(parts, tp{topic, p})
			}
		}
	}
	// A joiner of some of the read's topics reads only those: the read
	// keeps nothing of them, as later joiners may want the others.
	whole := joiner.only == nil
	if len(parts) == 0 {
		if whole {
			g.kept, g.keptBytes, g.keeping, g.handed = nil, 0, true, nil
		}
		return nil
	}
	var kept []*kgo.Record
	var keptBytes int64
	keeping := true
	feed := func(r *kgo.Record) {
		if keeping {
			if n := recBytes(r) + keptRecordOverhead; keptBytes+n <= g.keepMax {
				kept = append(kept, r)
				keptBytes += n
			} else {
				kept, keptBytes, keeping = nil, 0, false
			}
		}
		g.replay.feed(g.ctx, r)
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.src.readTimeout())
	defer cancel()
	m, err := readRanges(ctx, g.src, g.q, g.env, joiner.topics, ranges, parts, feed, nil)
	if err != nil {
		return fmt.Errorf("reading %d partitions again: %w", len(parts), err)
	}
	if m != nil {
		m.flush()
	}
	if keeping && whole {
		g.kept, g.keptBytes, g.keeping, g.handed = kept, keptBytes, true, nil
	}
	return nil
}
