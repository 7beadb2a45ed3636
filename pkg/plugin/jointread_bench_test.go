package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// BenchmarkJointRangeReads: N time-range telemetry queries over the same
// records, sent at once as a dashboard's panels send them (one QueryData
// request each, a different field each), with the joint read on (they share
// one fetch and decode, pipeline.ReadJoint) and off (JointReads false: each
// reads alone, as before issue 11's change). The records are two laps of
// Monza with the whole grid as JSON on f1-telemetry's 4 partitions.
// records-read/op is the plugin's count of telemetry records read per
// iteration (all N queries): N times the topic's records alone, once joint.
// The joint read starts at once; queries that arrive while it reads join it
// (handed the records read so far), so N=1 pays no wait. Each iteration's
// range starts a microsecond later than the one before (the same records):
// no iteration is answered from the read the one before kept.
//
// cached: the N queries come just after a read of their range ended (one
// query, untimed): they are answered from the records it kept
// (pipeline.JointCacheTTL), after asking Kafka for the range's offsets. A
// read keeps all its records when it has several members (a dashboard's
// panels); a lone one past pipeline.JointLoneKeptMax keeps none, so the
// untimed query runs with that bound raised to the two laps' size.
func BenchmarkJointRangeReads(b *testing.B) {
	d, race := gridRaceDS(b, f1.TopicTelemetry)
	total := len(race.byTopic[f1.TopicTelemetry])
	fields := []string{"speed_kph", "rpm", "gear", "throttle_pct", "brake"}
	from, to := time.UnixMilli(race.startMs-1000), time.UnixMilli(race.endMs+1000)
	counter := pipeline.MetricRecordsRead(f1.TopicTelemetry, "query")
	shift := time.Duration(0)
	request := func(field string, from time.Time) *backend.QueryDataRequest {
		return rangeRequest(map[string]any{"queryType": "telemetry", "topic": f1.TopicTelemetry,
			"fields": []string{field}, "offset": "timeRange"}, from, to)
	}

	for _, mode := range []struct {
		name          string
		joint, cached bool
	}{{"joint", true, false}, {"separate", false, false}, {"cached", true, true}} {
		for _, n := range []int{1, 5, 10} {
			b.Run(fmt.Sprintf("%s/N=%d", mode.name, n), func(b *testing.B) {
				old := pipeline.JointReads
				pipeline.JointReads = mode.joint
				defer func() { pipeline.JointReads = old }()
				reqs := make([]*backend.QueryDataRequest, n)
				errs := make([]error, n)
				before := testutil.ToFloat64(counter)
				b.ReportAllocs()
				b.ResetTimer()
				for it := 0; it < b.N; it++ {
					shift += time.Microsecond
					for i := range reqs {
						reqs[i] = request(fields[i%len(fields)], from.Add(shift))
					}
					if mode.cached {
						b.StopTimer()
						lone := pipeline.JointLoneKeptMax
						pipeline.JointLoneKeptMax = 64 << 20
						err := jointBenchQuery(d, request("rpm", from.Add(shift)))
						pipeline.JointLoneKeptMax = lone
						if err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					// The queries leave together once every goroutine is
					// running, as a dashboard's requests arrive together.
					var wg, ready sync.WaitGroup
					start := make(chan struct{})
					ready.Add(n)
					for i, req := range reqs {
						wg.Go(func() { ready.Done(); <-start; errs[i] = jointBenchQuery(d, req) })
					}
					ready.Wait()
					close(start)
					wg.Wait()
					for _, err := range errs {
						if err != nil {
							b.Fatal(err)
						}
					}
				}
				b.StopTimer()
				read := testutil.ToFloat64(counter) - before
				if !mode.joint && read != float64(b.N*n*total) || mode.joint && read != float64(b.N*total) {
					b.Fatalf("%s N=%d read %.0f records in %d iterations of a topic of %d", mode.name, n, read, b.N, total)
				}
				b.ReportMetric(read/float64(b.N), "records-read/op")
			})
		}
	}
}

// gridRaceDS is a datasource over two laps of Monza with the whole grid
// (goldenRaceConfig), as JSON on kfake: the race's records of topics, or of
// every topic when none is named.
func gridRaceDS(tb testing.TB, topics ...string) (*Datasource, simRace) {
	c := testCluster(tb, f1TopicSpecs())
	d := newTestDS(tb, c, dsOpts{})
	cfg := goldenRaceConfig()
	cfg.Drivers = f1.Grid()
	race := runSim(tb, cfg, f1SchemaIDs{})
	if len(topics) == 0 {
		produceRace(tb, c, race)
	}
	for _, t := range topics {
		produce(tb, c, t, race.byTopic[t]...)
	}
	return d, race
}

// rangeRequest is a QueryData request of one query (refId A) over from-to.
func rangeRequest(q map[string]any, from, to time.Time) *backend.QueryDataRequest {
	raw, _ := json.Marshal(q)
	return &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: testOrg},
		Queries: []backend.DataQuery{{RefID: "A", JSON: raw, MaxDataPoints: 1000, Interval: time.Second,
			TimeRange: backend.TimeRange{From: from, To: to}}}}
}

// jointBenchQuery runs one request and says what went wrong, if anything.
func jointBenchQuery(d *Datasource, req *backend.QueryDataRequest) error {
	resp, err := d.QueryData(context.Background(), req)
	if err != nil {
		return err
	}
	r := resp.Responses["A"]
	if r.Error != nil {
		return r.Error
	}
	if len(r.Frames) == 0 || r.Frames[0].Rows() == 0 {
		return fmt.Errorf("no rows")
	}
	return nil
}
