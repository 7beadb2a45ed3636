package plugin

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// firstScreen are the queries of the F1 dashboard's first screen
// (dashboards/f1-live.json at 1920x1080), the leaderboard first (the panel
// order the browser sends them in), then wheel spin, of the next wave.
func firstScreen() []map[string]any {
	return []map[string]any{
		{"queryType": "leaderboard", "offset": "timeRange", "stream": true},
		{"queryType": "alerts", "offset": "timeRange", "view": "logs", "stream": true},
		{"queryType": "alerts", "offset": "timeRange", "view": "annotations"},
		{"queryType": "telemetry", "topic": f1.TopicTelemetry, "offset": "timeRange", "stream": true,
			"fields": []string{"speed_kph", "rpm", "gear", "throttle_pct", "brake"}},
		{"queryType": "wheelSpin", "offset": "timeRange", "stream": true, "view": "series"},
	}
}

// The first screen's queries sent together share one read of f1-telemetry
// (4 partitions, two laps of Monza, the whole grid, JSON) across their
// topic sets, and each answers the frames, notices included, it answers
// read alone (joint reads off).
func TestFirstScreenQueriesAnswerAsAlone(t *testing.T) {
	d, race := gridRaceDS(t)
	qs := firstScreen()
	answer := func(i int) string {
		r := f1Query(t, d, race, qs[i], 1000, nil)
		if r.Error != nil {
			t.Fatalf("query %d: %v", i, r.Error)
		}
		js, err := json.Marshal(r.Frames)
		if err != nil {
			t.Fatal(err)
		}
		return string(js)
	}
	old := pipeline.JointReads
	t.Cleanup(func() { pipeline.JointReads = old })
	pipeline.JointReads = false
	want := make([]string, len(qs))
	for i := range qs {
		want[i] = answer(i)
	}
	pipeline.JointReads = true
	counter := pipeline.MetricRecordsRead(f1.TopicTelemetry, "query")
	before := testutil.ToFloat64(counter)
	got := make([]string, len(qs))
	var wg sync.WaitGroup
	for i := range qs {
		wg.Go(func() { got[i] = answer(i) })
		if i == 0 {
			time.Sleep(5 * time.Millisecond) // the leaderboard's read opens first
		}
	}
	wg.Wait()
	for i := range qs {
		if got[i] != want[i] {
			t.Errorf("query %d (%v) answered together differs from alone:\n got %.800s\nwant %.800s", i, qs[i]["queryType"], got[i], want[i])
		}
	}
	total := len(race.byTopic[f1.TopicTelemetry])
	if read := testutil.ToFloat64(counter) - before; read != float64(total) {
		t.Errorf("read %.0f telemetry records, want the %d once", read, total)
	}
}
