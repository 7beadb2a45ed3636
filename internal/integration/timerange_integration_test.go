//go:build integration

package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Time-range reads (ListOffsets by timestamp) over real log segments:
// after the log rolled into several segments, and after retention deleted
// the oldest ones.
func TestIntegrationTimeRangeOverRolledAndDeletedSegments(t *testing.T) {
	c := cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const topic, n = "it-segments", 5000
	// 1 MiB segments (the smallest Kafka 4 allows) of 1 KiB records: about
	// a thousand records per segment.
	if err := c.CreateTopic(ctx, topic, 1, 3, map[string]string{"segment.bytes": "1048576"}); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-3 * time.Hour).Truncate(time.Second).UnixMilli()
	ts := func(i int) int64 { return base + int64(i)*1000 } // record i is at base + i s
	cl, err := c.Client(kgo.DefaultProduceTopic(topic), kgo.ProducerBatchMaxBytes(256<<10), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pad := strings.Repeat("x", 1000)
	for from := 0; from < n; from += 500 {
		var recs []*kgo.Record
		for i := from; i < from+500; i++ {
			recs = append(recs, &kgo.Record{Timestamp: time.UnixMilli(ts(i)), Value: fmt.Appendf(nil, `{"i":%d,"pad":%q}`, i, pad)})
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ := filepath.Glob(filepath.Join(c.Dir(), "node-1", "data", topic+"-0", "*.log"))
	if len(segs) < 4 {
		t.Fatalf("the log has %d segments, want at least 4 (segment.bytes did not roll it)", len(segs))
	}
	t.Logf("%d records in %d segments", n, len(segs))

	ds := datasource(t, map[string]any{"bootstrapServers": strings.Join(c.Addrs(""), ",")}, nil)
	read := func(from, to int) ([]float64, string) {
		t.Helper()
		r := query(t, ds, map[string]any{"queryType": "raw", "topic": topic, "format": "json", "offset": "timeRange", "fields": []string{"i"}}, ts(from), ts(to))
		if r.Error != nil {
			t.Fatalf("query [%d, %d]: %v", from, to, r.Error)
		}
		return column(t, r, "i"), notices(r)
	}
	wantRun := func(got []float64, first, last int) {
		t.Helper()
		slices.Sort(got)
		if len(got) != last-first+1 || int(got[0]) != first || int(got[len(got)-1]) != last {
			t.Fatalf("read %d records (%v..%v), want %d..%d", len(got), head(got), tail(got), first, last)
		}
	}

	// Across segment boundaries, both ends inclusive.
	got, _ := read(1000, 3500)
	wantRun(got, 1000, 3500)
	got, _ = read(999, 1001)
	wantRun(got, 999, 1001)

	// Retention: keep about 2.5 segments; the broker deletes the oldest.
	adm := c.Admin()
	keep := "2621440"
	if _, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.bytes", Value: &keep}}, topic); err != nil {
		t.Fatal(err)
	}
	var logStart int64
	for logStart == 0 {
		starts, err := adm.ListStartOffsets(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := starts.Lookup(topic, 0); ok && o.Err == nil {
			logStart = o.Offset
		}
		if logStart == 0 {
			if ctx.Err() != nil {
				t.Fatal("retention deleted no segment")
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	t.Logf("retention moved the log start to offset %d", logStart)

	// A range that starts before the log start answers from the log start.
	got, note := read(0, 4000)
	wantRun(got, int(logStart), 4000)
	t.Logf("notice of a range that starts before the log start: %q", note)
	if !strings.Contains(note, "deleted by retention") || !strings.Contains(note, time.UnixMilli(ts(int(logStart))).UTC().Format(time.RFC3339)) {
		t.Errorf("no notice saying the range's start was deleted, from when records are kept: %q", note)
	}
	// A range inside what is kept gets no such notice.
	if _, note := read(int(logStart)+10, 4000); strings.Contains(note, "retention") {
		t.Errorf("a range inside the kept records says %q", note)
	}
	// A range wholly before the log start holds nothing, and is no error.
	got, _ = read(0, int(logStart)-1)
	if len(got) != 0 {
		t.Fatalf("a range before the log start read %d records", len(got))
	}
}

func head(v []float64) any {
	if len(v) == 0 {
		return "none"
	}
	return v[0]
}

func tail(v []float64) any {
	if len(v) == 0 {
		return "none"
	}
	return v[len(v)-1]
}
