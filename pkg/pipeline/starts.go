package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1frame"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// snapshotLookbackTime is how far back a latest-predictions stream starts
// reading its topics (a few records per car per lap: cheap).
const snapshotLookbackTime = 15 * time.Minute

// raceLookbackTime is how far back a leaderboard stream starts reading
// timing and race control: a whole race, so that a board joined mid-race
// has lights out (the race clock, the grid), the cars that retired long
// ago (OUT, last) and the flags. An F1 race ends at most 3 hours after
// lights out (2 h of racing, 3 h with suspensions); the formation lap comes
// before. Timing is a record per car per lap (about 1,100 a race), race
// control a few hundred: still cheap. A board of 15 minutes had 19 of the
// 20 Monza cars on lap 30 and a clock of 829 s for a race 2,541 s old.
const raceLookbackTime = 3*time.Hour + 15*time.Minute

// snapshotLookback: a leaderboard or latest-predictions stream sends whole tables,
// each replacing the panel's, so one folded from nothing would replace the
// full table of QueryData with an empty one, then with the cars seen so far
// (a lap, at 1x a minute and a half). It starts with the race's timing and
// race control (raceLookbackTime) or the recent predictions instead (a few
// records per car per lap); telemetry (average speed, DRS) goes on from now.
func snapshotLookback(q *query.Query, topic string) time.Duration {
	switch {
	case topic == f1.TopicTelemetry:
		return 0
	case q.QueryType == string(f1frame.Leaderboard):
		return raceLookbackTime
	case q.QueryType == string(f1frame.Predictions) && q.Params[query.ParamView] == string(f1frame.ViewLatest):
		// Snapshots only: a stream that appends (predictions' series) would
		// send the looked-back records again on top of QueryData's history.
		return snapshotLookbackTime
	}
	return 0
}

// streamStarts returns where a stream for q starts reading each partition
// of topic: the end (latest, timeRange; for snapshot streams, see
// snapshotLookback, snapshotLookbackTime before it), the start (earliest), or N before
// the end (lastN).
func streamStarts(ctx context.Context, src *Source, q *query.Query, topic string) (map[int32]int64, error) {
	mctx, cancel := context.WithTimeout(ctx, src.Timeout)
	defer cancel()
	ends, err := src.Kafka.EndOffsetsFor(mctx, topic, isolation(q))
	if err != nil {
		return nil, err
	}
	starts := ends
	if q.Offset == query.OffsetEarliest || q.Offset == query.OffsetLastN {
		if starts, err = src.Kafka.StartOffsets(mctx, topic); err != nil {
			return nil, err
		}
	}
	if lookback := snapshotLookback(q, topic); lookback > 0 && (q.Offset == query.OffsetLatest || q.Offset == query.OffsetTimeRange) {
		recent, err := src.Kafka.OffsetsAfter(mctx, topic, time.Now().Add(-lookback).UnixMilli())
		if err != nil {
			return nil, err
		}
		for p, end := range ends {
			if o, ok := recent[p]; ok && o >= 0 && o < end {
				ends[p] = o
			}
		}
	}
	out := map[int32]int64{}
	for p, end := range ends {
		if q.Partition >= 0 && p != q.Partition {
			continue
		}
		switch q.Offset {
		case query.OffsetEarliest:
			out[p] = starts[p]
		case query.OffsetLastN:
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

// startsAtEnd: a stream for q starts at the end of its partitions (see
// streamStarts).
func startsAtEnd(q *query.Query) bool {
	if q.Offset != query.OffsetLatest && q.Offset != query.OffsetTimeRange {
		return false
	}
	for _, t := range topics(q) {
		if snapshotLookback(q, t) > 0 {
			return false
		}
	}
	return true
}
