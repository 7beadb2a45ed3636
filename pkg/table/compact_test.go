package table

import (
	"fmt"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// feedLive adds n samples round-robin over drivers (one row each, a speed
// column), the way a Live telemetry read fills its one labelled table, with
// compact run after every row (as the pipeline does). It returns the table.
func feedLive(n, drivers, maxPoints int, compact func(t *Table)) *Table {
	names := codec.NewNames(0)
	tb := New(Options{Labels: true, NumbersOnly: true}, nil)
	labels := make([]string, drivers)
	for d := range labels {
		labels[d] = fmt.Sprintf("driver=D%02d", d)
	}
	for i := 0; i < n; i++ {
		tb.AddRow(int64(i)*1_000_000, labels[i%drivers])
		tb.SetField(names, numField(names, "speed_kph", float64(100+i%250)))
		compact(tb)
	}
	return tb
}

// Compact's rule: a decimation keeps up to maxPoints rows per series, so the
// table may hold decimate.Above(maxPoints) rows per series before the next.
func compactNow(maxPoints int, from, to int64) func(t *Table) {
	return func(t *Table) { t.Compact(maxPoints, from, to) }
}

// The rule before issue 11's fix: the whole table against one series'
// threshold. Kept here for the benchmark's "before".
func compactWholeTable(maxPoints int, from, to int64) func(t *Table) {
	return func(t *Table) {
		if len(t.times) > decimate.Above(maxPoints) {
			t.Decimate(maxPoints, from, to)
		}
	}
}

func TestCompactDecimatesPerSeriesNotPerRecord(t *testing.T) {
	const n, drivers, mdp = 200_000, 20, 1000
	tb := feedLive(n, drivers, mdp, compactNow(mdp, 0, n*1_000_000))
	// Each decimation pays O(rows); per series, one comes every ~20·(mdp+1024)
	// records: a handful for 200k records, not one per record.
	if d := tb.Decimations(); d == 0 || d > n/(drivers*(mdp+1024))+2 {
		t.Fatalf("%d decimations for %d records of %d series", d, n, drivers)
	}
	// Memory stays bounded: at most Above(mdp) rows per series.
	if rows := tb.Rows(); rows > drivers*decimate.Above(mdp) {
		t.Fatalf("%d rows kept for %d series", rows, drivers)
	}
	// And the result is decimated to about mdp rows per series.
	tb.Decimate(mdp, 0, n*1_000_000)
	if rows := tb.Rows(); rows > drivers*mdp || rows < drivers*mdp/2 {
		t.Fatalf("%d rows after the final decimation; want about %d", rows, drivers*mdp)
	}
	// The old rule decimates on almost every record once past the threshold.
	old := feedLive(4000, drivers, mdp, compactWholeTable(mdp, 0, n*1_000_000))
	if d := old.Decimations(); d < 900 {
		t.Fatalf("the old rule ran %d decimations; the benchmark's 'before' no longer shows the fault", d)
	}
}

// The streaming range read's table (20 drivers, 200k samples, 1000 points
// per series): the rule of issue 11's fix against the one before it, in one
// run. records/s is what a Live range read can feed through compaction.
func BenchmarkCompactLiveRangeRead(b *testing.B) {
	const n, drivers, mdp = 200_000, 20, 1000
	for _, c := range []struct {
		name string
		rule func(int, int64, int64) func(*Table)
	}{{"before_whole_table", compactWholeTable}, {"after_per_series", compactNow}} {
		b.Run(c.name, func(b *testing.B) {
			records := n
			if c.name == "before_whole_table" {
				records = 5000 // quadratic: enough to see it, and it finishes
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				tb := feedLive(records, drivers, mdp, c.rule(mdp, 0, int64(records)*1_000_000))
				b.ReportMetric(float64(tb.Decimations()), "decimations")
			}
			b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
