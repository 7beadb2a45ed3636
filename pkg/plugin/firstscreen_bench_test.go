package plugin

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// BenchmarkFirstScreenReads: the queries of the F1 dashboard's first
// screen (dashboards/f1-live.json at 1920x1080), sent at once as the
// browser sends them: the leaderboard (positions, telemetry, race
// control), the alerts panel and the alerts annotation (f1-alerts,
// telemetry) and the telemetry panels' query (telemetry, five fields),
// each its own QueryData request (the leaderboard first), over two laps of
// Monza with the whole grid. wider: the joint reads share by topics (pipeline.JointWiden, issue
// 11), so f1-telemetry is read once; same-topics: each set of topics reads
// on its own (as before), three reads of f1-telemetry. records-read/op is
// the plugin's count of telemetry records read per iteration; each
// iteration's range starts a microsecond later, so none is answered from
// the read the one before kept.
func BenchmarkFirstScreenReads(b *testing.B) {
	d, race := gridRaceDS(b)
	total := len(race.byTopic[f1.TopicTelemetry])
	from, to := time.UnixMilli(race.startMs-1000), time.UnixMilli(race.endMs+1000)
	counter := pipeline.MetricRecordsRead(f1.TopicTelemetry, "query")
	queries := firstScreen()[:4] // wheel spin comes in the browser's next wave
	shift := time.Duration(0)
	for _, mode := range []struct {
		name  string
		wider bool
	}{{"wider", true}, {"same-topics", false}} {
		b.Run(mode.name, func(b *testing.B) {
			old := pipeline.JointWiden
			pipeline.JointWiden = mode.wider
			defer func() { pipeline.JointWiden = old }()
			errs := make([]error, len(queries))
			before := testutil.ToFloat64(counter)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				shift += time.Microsecond
				// The leaderboard leaves first and the others 2 ms later, in
				// the dashboard's panel order, as the browser sends them.
				var wg, ready sync.WaitGroup
				first, rest := make(chan struct{}), make(chan struct{})
				ready.Add(len(queries))
				for i, q := range queries {
					req := rangeRequest(q, from.Add(shift), to)
					start := rest
					if i == 0 {
						start = first
					}
					wg.Go(func() { ready.Done(); <-start; errs[i] = jointBenchQuery(d, req) })
				}
				ready.Wait()
				close(first)
				time.Sleep(2 * time.Millisecond)
				close(rest)
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						b.Fatalf("query %d (%v): %v", i, queries[i]["queryType"], err)
					}
				}
			}
			b.StopTimer()
			read := testutil.ToFloat64(counter) - before
			// Same-topics reads f1-telemetry three times; wider once, or
			// twice when the telemetry query's read opened before the
			// leaderboard's (a query of telemetry alone does not widen).
			if mode.wider && read >= float64(3*b.N*total) || !mode.wider && read != float64(3*b.N*total) {
				b.Fatalf("%s read %.0f telemetry records in %d iterations of %d", mode.name, read, b.N, total)
			}
			b.ReportMetric(read/float64(b.N), "records-read/op")
		})
	}
}
