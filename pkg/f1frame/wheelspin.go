package f1frame

import (
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// wheelSpin is the WheelSpin query type.
//
// Default frames (time range): one frame per driver — time and slip_pct
// with labels {driver} (and race_id when the range holds several races),
// unit percent, thresholds at the spin threshold drawn as a dashed line —
// plus, when there were spins, an annotation frame (meta.dataTopic
// "annotations") that the time series panel shades. ViewSeries: the series
// only. ViewEvents: the spins as a table. ViewAnnotations: the spins as an
// annotation query frame.
//
// Live: one frame in Grafana's labels layout (labels "driver=VER", time,
// slip_pct), every driver on one channel, at most MaxPointsPerFlush points
// per driver per flush (lowest and highest kept).
//
// A point is drawn for each sample where slip is computable (not next to a
// gear change, not in neutral or at crawling speed).
type wheelSpin struct {
	noInput
	analysis
	e       *env
	set     *seriesSet
	alerts  []f1.Alert
	scratch []f1.Event
	events  []f1.Event // spins that ended
	keep    bool       // keep events (not needed by a Live series)
	cfg     *data.FieldConfig
}

func newWheelSpin(e *env) impl {
	return &wheelSpin{
		analysis: newAnalysis(e.rules), e: e, set: newSeriesSet(e.opts.MaxDataPoints, false),
		keep: !e.opts.Live || e.opts.View == ViewEvents, cfg: slipConfig(e.rules.SpinThresholdPct),
	}
}

// accept applies the checks every telemetry-reading kind shares.
func (e *env) accept(t *f1.Telemetry) bool {
	if t.Driver == "" || t.Ts == 0 {
		e.stats.Invalid++
		return false
	}
	if !e.filter.has(t.Driver) {
		e.stats.Filtered++
		return false
	}
	return true
}

func (w *wheelSpin) telemetry(t *f1.Telemetry) {
	if !w.e.accept(t) {
		return
	}
	d, alerts := w.an.Observe(t, w.alerts[:0])
	w.alerts = alerts[:0]
	w.collect()
	if d.SlipValid {
		x := w.set.get(t.Driver, t.RaceID)
		w.set.add(x, decimate.Point{Ts: t.Ts, V: round2(d.SlipPct)}, w.e.opts.Live)
	} else if w.e.opts.Live {
		w.set.seen(t.Driver, t.RaceID, t.Ts)
	}
}

// collect takes the events that ended, keeping the spins.
func (w *wheelSpin) collect() {
	w.scratch = w.an.Events(w.scratch[:0])
	if !w.keep {
		return
	}
	for _, ev := range w.scratch {
		if ev.Kind == f1.AlertWheelSpin {
			w.events = append(w.events, ev)
		}
	}
}

// closeRuns ends spins still open at the end of a time range.
func (w *wheelSpin) closeRuns() {
	if w.e.opts.Live {
		return
	}
	w.endRuns(w.collect)
}

func (w *wheelSpin) frames() data.Frames {
	defer w.e.syncAnalyzer(w.an)
	cfg := w.cfg
	if w.e.opts.Live {
		if w.e.opts.View == ViewEvents {
			return data.Frames{w.flushEvents(true)}
		}
		return data.Frames{w.set.liveFrame("wheel_spin", "slip_pct", cfg, w.set.initialLive(w.e.stats))}
	}
	w.closeRuns()
	switch w.e.opts.View {
	case ViewEvents:
		return data.Frames{spinEventsFrame(w.events)}
	case ViewAnnotations:
		return data.Frames{annotationFrame(eventRows(w.events))}
	}
	fs := w.set.rangeFrames("wheel_spin", "slip_pct", cfg, w.e.stats)
	if w.e.opts.View == ViewDefault && len(w.events) > 0 {
		fs = append(fs, panelAnnotationFrame(eventRows(w.events)))
	}
	return fs
}

func (w *wheelSpin) flush() *data.Frame {
	w.e.syncAnalyzer(w.an)
	if w.e.opts.View == ViewEvents {
		return w.flushEvents(false)
	}
	pts := w.set.live.take(w.set, &w.e.opts, w.e.opts.MaxPointsPerFlush, keepExtremes, w.e.stats, w.e.now)
	if len(pts) == 0 {
		return nil
	}
	return w.set.liveFrame("wheel_spin", "slip_pct", w.cfg, pts)
}

func (w *wheelSpin) due() time.Time { return w.set.live.due(w.e.hold()) }

// flushEvents sends the spins that ended since the last push (always a
// frame when initial, for the stream's schema).
func (w *wheelSpin) flushEvents(initial bool) *data.Frame {
	if len(w.events) == 0 && !initial {
		return nil
	}
	f := spinEventsFrame(w.events)
	w.events = w.events[:0]
	return f
}

// slipConfig is the slip_pct field's display: percent, one decimal, and the
// spin threshold as a dashed threshold line.
func slipConfig(thresholdPct float64) *data.FieldConfig {
	dec := uint16(1)
	return &data.FieldConfig{
		Unit:     "percent",
		Decimals: &dec,
		Thresholds: &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute, Steps: []data.Threshold{
			data.NewThreshold(math.Inf(-1), "green", ""),
			data.NewThreshold(thresholdPct, "red", "spin"),
		}},
		Custom: map[string]any{"thresholdsStyle": map[string]any{"mode": "dashed"}},
	}
}

// spinEventsFrame is the spins as a table: time, timeEnd, driver, slip_pct
// (the peak), gear, rpm, speed, message, severity, samples, race_id.
func spinEventsFrame(evs []f1.Event) *data.Frame {
	slips, samples := make([]float64, len(evs)), make([]int64, len(evs))
	for i, ev := range evs {
		slips[i], samples[i] = round2(ev.Peak), int64(ev.Samples)
	}
	return detectorFrame("wheel_spin_events", evs,
		data.NewField("slip_pct", nil, slips).SetConfig(&data.FieldConfig{Unit: "percent"}),
		data.NewField("samples", nil, samples))
}

// eventRows turns spins and gear anomalies into annotation rows: tags are the
// driver, the kind, the severity (and the anomaly).
func eventRows(evs []f1.Event) []eventRow {
	rows := make([]eventRow, len(evs))
	for i, ev := range evs {
		tags := []string{ev.Driver, ev.Kind, ev.Severity}
		labels := []kv{{"driver", ev.Driver}, {"kind", ev.Kind}, {"severity", ev.Severity}}
		if ev.Anomaly != "" {
			tags = append(tags, ev.Anomaly)
			labels = append(labels, kv{"anomaly", ev.Anomaly})
		}
		if ev.RaceID != "" {
			labels = append(labels, kv{"race_id", ev.RaceID})
		}
		rows[i] = eventRow{
			start: ev.StartTs, end: ev.EndTs, title: ev.Title(), text: ev.Message(),
			level: alertLevel(ev.Severity), tags: tags, labels: labels, color: severityColour(ev.Severity),
		}
	}
	return rows
}

// round2 rounds to 0.01 (and turns -0 into 0).
func round2(v float64) float64 { return math.Round(v*100)/100 + 0 }
