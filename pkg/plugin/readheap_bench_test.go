package plugin

import (
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// BenchmarkQueryHeap: one QueryData query over 20,000 JSON records of 4 KB
// (one partition, a panel of 1,000 points), read by lastN and by time range.
// peak-heap-MB is how far the heap in use rose above where it was before the
// query (the broker's own copy of the records is in the baseline), sampled
// every millisecond (backpressure_test.go's sampler). Issue 12 measured
// lastN holding every raw record to the end (+88 MB against +15 MB by time
// range); lastN now hands records on as they are read.
func BenchmarkQueryHeap(b *testing.B) {
	c := testCluster(b, map[string]int32{"heap": 1})
	d := newTestDS(b, c, dsOpts{})
	const n = 20_000
	recs := paddedRecords(n, 4096)
	for i := 0; i < n; i += 2000 {
		produce(b, c, "heap", recs[i:i+2000]...)
	}
	for _, mode := range []struct {
		name string
		q    map[string]any
	}{
		{"lastN", map[string]any{"topic": "heap", "offset": "lastN", "lastN": n, "fields": []string{"n"}}},
		{"timeRange", map[string]any{"topic": "heap", "offset": "timeRange", "fields": []string{"n"}}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var worst uint64
			for i := 0; i < b.N; i++ {
				base := heapInuse()
				h := sampleHeap(time.Millisecond)
				dr := runQuery(b, d, mode.q, 0, 1000+n, 1000, nil)
				peak := h.finish()
				if dr.Error != nil {
					b.Fatal(dr.Error)
				}
				if rows := dr.Frames[0].Rows(); rows == 0 {
					b.Fatal("no rows")
				}
				if peak > base {
					worst = max(worst, peak-base)
				}
			}
			b.ReportMetric(float64(worst)/1e6, "peak-heap-MB")
		})
	}
}

// BenchmarkMergedF1QueryHeap: a leaderboard query (positions, race control
// and telemetry merged by timestamp) over six laps of Monza with the whole
// grid, as JSON. The merge used to hold every record of the three topics
// until the read ended, then sort them; it now hands each on once no
// partition can bring an older one (pipeline/merge.go), so what waits is
// the partitions' skew. Measured on kfake: at most 7.5 of the 14.4 MB of
// records waited, and the peak heap (about 35 MB, mostly the frames) did
// not change: the merge bounds the worst case (maxMergeHeld), it does not
// make this race cheaper.
func BenchmarkMergedF1QueryHeap(b *testing.B) {
	c := testCluster(b, f1TopicSpecs())
	d := newTestDS(b, c, dsOpts{})
	cfg := goldenRaceConfig()
	cfg.Laps, cfg.Drivers = 6, f1.Grid()
	race := runSim(b, cfg, f1SchemaIDs{})
	produceRace(b, c, race)
	b.ReportMetric(float64(len(race.byTopic[f1.TopicTelemetry])), "telemetry-records")
	var worst uint64
	for i := 0; i < b.N; i++ {
		base := heapInuse()
		h := sampleHeap(time.Millisecond)
		dr := f1Query(b, d, race, map[string]any{"queryType": "leaderboard"}, 1000, nil)
		peak := h.finish()
		if dr.Error != nil {
			b.Fatal(dr.Error)
		}
		if peak > base {
			worst = max(worst, peak-base)
		}
	}
	b.ReportMetric(float64(worst)/1e6, "peak-heap-MB")
}
