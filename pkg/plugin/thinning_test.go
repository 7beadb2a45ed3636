package plugin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/live"

	"github.com/pitwall-f1/pitwall/pkg/query"
)

// A telemetry panel over 5 minutes with maxDataPoints 1000 draws a point per
// 300 ms. During a race at 10x each car sends 40 samples a second: pushed
// whole, the browser's buffer of maxDataPoints per series held the last 25 s
// of the window. The panel's query names its resolution in the channel, and
// the stream pushes at most a point per resolution per driver (extremes
// kept), so the whole window fits in maxDataPoints per series.
func TestTelemetryStreamKeepsTheWindowWithinMaxDataPoints(t *testing.T) {
	const (
		window    = 5 * time.Minute
		maxPoints = 1000
		res       = window / maxPoints // 300 ms
		rate      = 40                 // samples a second per car at 10x
		seconds   = 30
	)
	c := testCluster(t, map[string]int32{"tel": 2})
	d := newTestDS(t, c, dsOpts{})

	// The panel's query (QueryData) names the resolution in its channel.
	now := time.Now()
	q := map[string]any{"queryType": "telemetry", "topic": "tel", "fields": []string{"speed_kph"}, "stream": true, "offset": "timeRange", "flushMs": 1000}
	resp := runQuery(t, d, q, now.Add(-window).UnixMilli(), now.UnixMilli(), maxPoints, nil)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	ch, err := live.ParseChannel(resp.Frames[0].Meta.Channel)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ch.Path, fmt.Sprintf("/v=%d", res.Milliseconds())) {
		t.Fatalf("channel %q does not carry the panel's resolution of %v", ch.Path, res)
	}
	if _, back, err := query.DecodeChannelPath(ch.Path); err != nil || back.Resolution != res {
		t.Fatalf("channel path does not rebuild the resolution: %v %+v", err, back)
	}

	r := newRecorder()
	startStream(t, d, ch.Path, r)
	// The stream starts at the end: the race is produced once it is on the
	// shared consumer, that is once it has found the end (else a loaded
	// machine may look the end up after the race and see none of it).
	waitFor(t, "the stream on the shared consumer", func() bool { f, m := d.SharedConsumers(); return f == 1 && m == 1 })
	start := time.Now().UnixMilli()
	const samples = seconds * rate
	var recs []rec
	for i := 0; i < samples; i++ {
		ts := start + int64(i)*1000/rate
		speed := 200 + i%50
		if i == 777 {
			speed = 351 // an extreme the thinning must keep
		}
		for p, drv := range []string{"VER", "LEC"} {
			recs = append(recs, rec{int32(p), drv, ts, []byte(fmt.Sprintf(`{"ts":%d,"driver":"%s","speed_kph":%d}`, ts, drv, speed))})
		}
	}
	produce(t, c, "tel", recs...)
	last := float64(start + (samples-1)*1000/rate)
	var got []map[string]any
	waitFor(t, "the race's last buckets", func() bool {
		got, _ = streamRows(t, r)
		for _, row := range got {
			// The open bucket (2·res, holding the last sample) is held for
			// the next push, and the last pushed bucket's points sit on its
			// places (table.OnGrid), its start or its middle: all of them
			// are later than last-4·res.
			if tm, _ := row["time"].(float64); tm >= last-float64(4*res.Milliseconds()) {
				return true
			}
		}
		return false
	})
	per := map[any]int{}
	top := map[any]float64{}
	for _, row := range got {
		per[row["labels"]]++
		if v, ok := row["speed_kph"].(float64); ok && v > top[row["labels"]] {
			top[row["labels"]] = v
		}
	}
	budget := int(seconds * time.Second / res) // what a window of maxPoints per series allows over these seconds
	for _, drv := range []string{"driver=VER", "driver=LEC"} {
		if per[drv] > budget+2 || per[drv] < budget/2 {
			t.Errorf("%s: %d live points for %d samples over %d s; want at most %d (a point per %v), at least %d",
				drv, per[drv], samples, seconds, budget+2, res, budget/2)
		}
		if top[drv] != 351 {
			t.Errorf("%s: top speed %v after thinning; want the 351 extreme kept", drv, top[drv])
		}
	}
	// The whole window: 5 minutes of this race in maxPoints per series.
	if perWindow := per["driver=VER"] * int(window/time.Second) / seconds; perWindow > maxPoints+maxPoints/50 {
		t.Errorf("a 5-minute window would hold %d points per series; the panel keeps %d", perWindow, maxPoints)
	}
}
