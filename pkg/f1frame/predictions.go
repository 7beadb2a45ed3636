package f1frame

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// predictions is the Predictions query type: the records of f1-predictions
// (pkg/f1/predict, published by the producer).
//
// Default frames (time range): one frame per driver and race of the chosen
// model and horizon (Options.Model, Options.HorizonLaps: pit_window within
// 3 laps unless set) — time and probability (0-1, unit percentunit) with
// labels {driver} — then the table predictions: one row per driver and
// race with its latest driver, race_id, lap, pit_window_1, pit_window_3,
// pit_window_5, tyre_cliff, pit_reasons, cliff_reasons, time. ViewSeries or
// ViewLatest: one of the two.
//
// Live: the labels layout (labels "driver=VER", time, probability) with the
// latest value of each series per push; with ViewLatest, the whole table
// whenever a prediction came in (meta.custom.snapshot).
type predictions struct {
	noInput
	seriesLatest
	model   string
	horizon int
	latest  map[[2]string]*predictionRow
}

// predictionRow is a driver's latest predictions in one race. A value of
// -1 is not known yet. Each value keeps its own time: the models are on
// different partitions (the topic is keyed by model), so one may lag.
type predictionRow struct {
	driver, raceID           string
	lap                      int
	pit                      [3]float64 // within 1, 3, 5 laps
	cliff                    float64
	pitTs                    [3]int64
	cliffTs                  int64
	pitReasons, cliffReasons string
	ts                       int64 // the latest of them
}

// pitHorizons are the pit-window horizons, in the table's column order.
var pitHorizons = [3]int{1, 3, 5}

func newPredictions(e *env) impl {
	pr := &predictions{model: e.opts.Model, horizon: e.opts.HorizonLaps, latest: map[[2]string]*predictionRow{}}
	pr.seriesLatest = seriesLatest{e: e, set: newSeriesSet(e.opts.MaxDataPoints, false),
		name: pr.seriesName(), field: "probability", config: &probabilityConfig, table: pr.table}
	return pr
}

// checkPredictionOptions fills in and checks the model and horizon.
func checkPredictionOptions(o *Options) error {
	switch o.Model {
	case "", f1.ModelPitWindow:
		o.Model = f1.ModelPitWindow
		if o.HorizonLaps == 0 {
			o.HorizonLaps = 3
		}
		if !slices.Contains(pitHorizons[:], o.HorizonLaps) {
			return fmt.Errorf("f1frame: horizonLaps %d: the pit window is predicted within 1, 3 or 5 laps", o.HorizonLaps)
		}
	case f1.ModelTyreCliff:
		if o.HorizonLaps != 0 {
			return fmt.Errorf("f1frame: horizonLaps %d: the tyre cliff has no horizon (leave it empty or 0)", o.HorizonLaps)
		}
	default:
		return fmt.Errorf("f1frame: unknown model %q (want %s or %s)", o.Model, f1.ModelPitWindow, f1.ModelTyreCliff)
	}
	return nil
}

func (pr *predictions) prediction(p *f1.Prediction) {
	if p.Driver == "" || p.Ts == 0 || !(p.Probability >= 0 && p.Probability <= 1) {
		pr.e.stats.Invalid++
		return
	}
	if !pr.e.filter.has(p.Driver) {
		pr.e.stats.Filtered++
		return
	}
	key := [2]string{p.Driver, p.RaceID}
	row := pr.latest[key]
	if row == nil {
		row = &predictionRow{driver: p.Driver, raceID: p.RaceID, pit: [3]float64{-1, -1, -1}, cliff: -1}
		pr.latest[key] = row
	}
	switch i := slices.Index(pitHorizons[:], p.HorizonLaps); {
	case p.Model == f1.ModelPitWindow && i >= 0 && p.Ts >= row.pitTs[i]:
		row.pit[i], row.pitTs[i], row.pitReasons = p.Probability, p.Ts, p.Reasons
		pr.touch(row, p)
	case p.Model == f1.ModelTyreCliff && p.Ts >= row.cliffTs:
		row.cliff, row.cliffTs, row.cliffReasons = p.Probability, p.Ts, p.Reasons
		pr.touch(row, p)
	}
	if p.Model != pr.model || p.HorizonLaps != pr.horizon || pr.e.opts.Live && pr.e.opts.View == ViewLatest {
		return
	}
	x := pr.set.get(p.Driver, p.RaceID)
	pr.set.add(x, decimate.Point{Ts: p.Ts, V: p.Probability}, pr.e.opts.Live)
}

// touch marks the table changed by p.
func (pr *predictions) touch(row *predictionRow, p *f1.Prediction) {
	if p.Ts >= row.ts {
		row.ts, row.lap = p.Ts, p.Lap
	}
	pr.dirty = true
}

var (
	zero, one         = data.ConfFloat64(0), data.ConfFloat64(1)
	probabilityConfig = data.FieldConfig{Unit: "percentunit", Min: &zero, Max: &one}
)

// seriesName names the series frames after the model and horizon:
// pit_window_3, tyre_cliff.
func (pr *predictions) seriesName() string {
	if pr.model == f1.ModelTyreCliff {
		return pr.model
	}
	return fmt.Sprintf("%s_%d", pr.model, pr.horizon)
}

// table is the predictions table: a driver's latest predictions per race,
// by driver then race. Unknown values are null.
func (pr *predictions) table(snapshot bool) *data.Frame {
	rows := make([]*predictionRow, 0, len(pr.latest))
	for _, r := range pr.latest {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *predictionRow) int {
		return cmp.Or(cmp.Compare(a.driver, b.driver), cmp.Compare(a.raceID, b.raceID))
	})
	n := len(rows)
	drivers, races, pitR, cliffR := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	laps := make([]int64, n)
	var pit [3][]*float64
	for i := range pit {
		pit[i] = make([]*float64, n)
	}
	cliff := make([]*float64, n)
	times := make([]time.Time, n)
	known := func(v float64) *float64 {
		if v < 0 {
			return nil
		}
		return &v
	}
	for i, r := range rows {
		drivers[i], races[i], laps[i], times[i] = r.driver, r.raceID, int64(r.lap), msTime(r.ts)
		for h := range pit {
			pit[h][i] = known(r.pit[h])
		}
		cliff[i], pitR[i], cliffR[i] = known(r.cliff), r.pitReasons, r.cliffReasons
	}
	field := func(name string, v []*float64) *data.Field {
		c := probabilityConfig
		return data.NewField(name, nil, v).SetConfig(&c)
	}
	f := data.NewFrame("predictions",
		data.NewField("driver", nil, drivers),
		data.NewField("race_id", nil, races),
		data.NewField("lap", nil, laps),
		field("pit_window_1", pit[0]),
		field("pit_window_3", pit[1]),
		field("pit_window_5", pit[2]),
		field("tyre_cliff", cliff),
		data.NewField("pit_reasons", nil, pitR),
		data.NewField("cliff_reasons", nil, cliffR),
		data.NewField("time", nil, times),
	)
	if snapshot {
		return f.SetMeta(snapshotMeta(nil))
	}
	return f.SetMeta(&data.FrameMeta{})
}
