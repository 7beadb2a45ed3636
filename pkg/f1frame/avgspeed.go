package f1frame

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// averageSpeed is the AverageSpeed query type: f1.AvgSpeed, the running mean of
// speed per driver per race (the earlier lab's Flink job, AVG(speed) GROUP BY
// driver, race_id).
//
// Default frames (time range): one frame per driver and race — time and
// avg_speed_kph with labels {driver, race_id} — then the table
// avg_speed_latest: driver, race_id, avg_speed_kph, samples, last (time of
// the latest sample). ViewSeries or ViewLatest: one of the two.
//
// Live: the labels layout (labels "driver=VER,race_id=…", time,
// avg_speed_kph) with the latest average of each series per push; with
// ViewLatest, the whole table whenever a sample came in
// (meta.custom.snapshot).
type averageSpeed struct {
	noInput
	seriesLatest
	agg *f1.AvgSpeed
}

func newAverageSpeed(e *env) impl {
	a := &averageSpeed{agg: f1.NewAvgSpeed()}
	a.seriesLatest = seriesLatest{e: e, set: newSeriesSet(e.opts.MaxDataPoints, true),
		name: "avg_speed", field: "avg_speed_kph", config: &kphConfig, table: a.latest}
	return a
}

func (a *averageSpeed) telemetry(t *f1.Telemetry) {
	if !a.e.accept(t) {
		return
	}
	avg := a.agg.Add(t)
	a.dirty = true
	if a.e.opts.Live && a.e.opts.View == ViewLatest {
		return
	}
	x := a.set.get(t.Driver, t.RaceID)
	a.set.add(x, decimate.Point{Ts: t.Ts, V: round2(avg)}, a.e.opts.Live)
}

var kphConfig = data.FieldConfig{Unit: "velocitykmh"}

// latest is the avg_speed_latest table.
func (a *averageSpeed) latest(snapshot bool) *data.Frame {
	rows := a.agg.Rows(nil)
	n := len(rows)
	drivers, races := make([]string, n), make([]string, n)
	avgs, last := make([]float64, n), make([]time.Time, n)
	samples := make([]int64, n)
	for i, r := range rows {
		drivers[i], races[i], avgs[i], samples[i], last[i] = r.Driver, r.RaceID, round2(r.AvgSpeedKph), r.Samples, msTime(r.LastTs)
	}
	c := kphConfig
	f := data.NewFrame("avg_speed_latest",
		data.NewField("driver", nil, drivers),
		data.NewField("race_id", nil, races),
		data.NewField("avg_speed_kph", nil, avgs).SetConfig(&c),
		data.NewField("samples", nil, samples),
		data.NewField("last", nil, last),
	)
	if snapshot {
		return f.SetMeta(snapshotMeta(nil))
	}
	return f.SetMeta(&data.FrameMeta{})
}
