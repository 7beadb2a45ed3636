package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/internal/frametest"
)

// TestOrderByTimeSortsEventTables: event rows come in detection order,
// which depends on how partitions were fetched; a range answer lists them by
// time, then driver, keeping every column's values (nulls too) together.
func TestOrderByTimeSortsEventTables(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
	end := at(9)
	f := data.NewFrame("events",
		data.NewField("time", nil, []time.Time{at(5), at(1), at(5), at(3)}),
		data.NewField("timeEnd", nil, []*time.Time{nil, &end, nil, nil}),
		data.NewField("driver", nil, []string{"VER", "NOR", "LEC", "HAM"}),
		data.NewField("value", data.Labels{"a": "b"}, []float64{50, 10, 51, 30}),
	)
	orderByTime(f)
	if got := strings.Join(frametest.Values(t, f, "driver"), ","); got != "NOR,HAM,LEC,VER" {
		t.Fatalf("order %s", got)
	}
	if got := strings.Join(frametest.Values(t, f, "value"), ","); got != "10,30,51,50" || f.Fields[3].Labels["a"] != "b" {
		t.Fatalf("values %s", got)
	}
	if got := strings.Join(frametest.Values(t, f, "timeEnd"), ","); got != "9,null,null,null" {
		t.Fatalf("timeEnd %s", got)
	}
	// Series and frames without a leading time are left alone.
	series := data.NewFrame("s", data.NewField("time", nil, []time.Time{at(2), at(1)}), data.NewField("v", nil, []float64{2, 1}))
	series.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti}
	orderByTime(series)
	if got := strings.Join(frametest.Values(t, series, "v"), ","); got != "2,1" {
		t.Fatalf("series reordered: %s", got)
	}
}
