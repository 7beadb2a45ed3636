package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The time-range query: one race hour of full-grid telemetry (a whole race
// produced at speed max, so the hour is all in the broker), read through
// QueryData with MaxDataPoints 1000, the way a panel asks for it.

// QueryResult is the median of a few identical QueryData calls.
type QueryResult struct {
	Format, Kind string
	Records      int64 // records in the hour (read per query)
	Runs         int
	Median       time.Duration
	Min, Max     time.Duration
	ArrowMedian  time.Duration // encoding the response's frames to Arrow, as the SDK does for Grafana
	Frames, Rows int
	Phase        PhaseStats
}

func queryTopic(format string) string { return "bench-1h-" + format + "-telemetry" }

// prefillHour produces one race into the query topics of format and
// returns the time of its first telemetry record.
func prefillHour(ctx context.Context, env *runEnv, format string) (time.Time, error) {
	args := env.broker.raceArgs(format, "max", "bench-1h-"+format, 4, env.cfg.raceLaps()...)
	if err := env.broker.runRace(ctx, env.producer, args); err != nil {
		return time.Time{}, fmt.Errorf("pre-filling %s: %w", queryTopic(format), err)
	}
	return firstTimestamp(ctx, env.broker.kafka, queryTopic(format))
}

// firstTimestamp reads the first record of each partition of topic and
// returns the earliest timestamp. It uses its own small client, closed
// before any measurement.
func firstTimestamp(ctx context.Context, broker, topic string) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	adm, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(broker, ",")...), kgo.DisableClientMetrics())
	if err != nil {
		return time.Time{}, err
	}
	starts, err := kadm.NewClient(adm).ListStartOffsets(ctx, topic)
	adm.Close()
	if err != nil {
		return time.Time{}, fmt.Errorf("listing the start offsets of %s: %w", topic, err)
	}
	offs := map[int32]kgo.Offset{}
	starts.Each(func(o kadm.ListedOffset) { offs[o.Partition] = kgo.NewOffset().At(o.Offset) })
	if len(offs) == 0 {
		return time.Time{}, fmt.Errorf("topic %s has no partitions", topic)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(broker, ",")...), kgo.DisableClientMetrics(), kgo.FetchMaxBytes(1<<16), kgo.FetchMaxPartitionBytes(1<<16),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offs}))
	if err != nil {
		return time.Time{}, err
	}
	defer cl.Close()
	firsts := map[int32]time.Time{}
	for len(firsts) < len(offs) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return time.Time{}, fmt.Errorf("reading the first records of %s: %w", topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if _, ok := firsts[r.Partition]; !ok {
				firsts[r.Partition] = r.Timestamp
			}
		})
	}
	var first time.Time
	for _, t := range firsts {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first, nil
}

// runRangeQuery asks QueryData for the hour from first, runs times.
func runRangeQuery(ctx context.Context, env *runEnv, format, queryType string, first time.Time, hour time.Duration, runs int) (QueryResult, error) {
	res := QueryResult{Format: format, Kind: queryType, Runs: runs}
	topic := queryTopic(format)
	js, _ := json.Marshal(map[string]any{"queryType": queryType, "topic": topic, "format": format, "offset": "timeRange"})
	req := &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{OrgID: benchOrg},
		Queries: []backend.DataQuery{{RefID: "A", QueryType: queryType, JSON: js, MaxDataPoints: 1000, Interval: hour / 1000,
			TimeRange: backend.TimeRange{From: first, To: first.Add(hour - time.Millisecond)}}},
	}
	read := map[string]string{"topic": topic, "reader": "query"}
	ph := env.startPhase()
	var took, arrow []time.Duration
	for i := 0; i < runs; i++ {
		base := pluginCounter("pitwall_records_total", read)
		t0 := time.Now()
		resp, err := env.ds.QueryData(ctx, req)
		d := time.Since(t0)
		if err != nil {
			return res, fmt.Errorf("QueryData: %w", err)
		}
		r := resp.Responses["A"]
		if r.Error != nil {
			return res, fmt.Errorf("QueryData %s over %s: %w", queryType, topic, r.Error)
		}
		t1 := time.Now()
		if _, err := r.Frames.MarshalArrow(); err != nil {
			return res, fmt.Errorf("encoding the response to Arrow: %w", err)
		}
		arrow = append(arrow, time.Since(t1))
		took = append(took, d)
		res.Records = int64(pluginCounter("pitwall_records_total", read) - base)
		res.Frames, res.Rows = len(r.Frames), 0
		for _, f := range r.Frames {
			res.Rows += f.Rows()
		}
	}
	res.Min, res.Max = minMax(took)
	res.Median, res.ArrowMedian = median(took), median(arrow)
	res.Phase = ph.end()
	if res.Records == 0 || res.Rows == 0 {
		return res, fmt.Errorf("QueryData %s over %s read %d records into %d rows: the hour is empty", queryType, topic, res.Records, res.Rows)
	}
	return res, nil
}

func minMax(ds []time.Duration) (lo, hi time.Duration) {
	for i, d := range ds {
		if i == 0 || d < lo {
			lo = d
		}
		hi = max(hi, d)
	}
	return lo, hi
}
