package f1frame

import (
	"math"
	"slices"
	"strconv"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// gearAnomalies is the GearAnomalies query type.
//
// Default frames (time range): the events table gear_anomalies (time,
// timeEnd, driver, anomaly, gear, rpm, speed, message, severity,
// other_gear, race_id), the gear_distribution frame (see distributionFrame)
// and, when there were anomalies, a panel annotation frame. ViewEvents,
// ViewDistribution, ViewAnnotations: one of them alone.
//
// Live: the events that ended since the last push (appended), or with
// ViewDistribution the whole distribution whenever a sample came in
// (meta.custom.snapshot: the panel replaces).
type gearAnomalies struct {
	noInput
	analysis
	e       *env
	alerts  []f1.Alert
	scratch []f1.Event
	events  []f1.Event
	dirty   bool // samples since the last distribution push
}

func newGearAnomalies(e *env) impl {
	return &gearAnomalies{analysis: newAnalysis(e.rules), e: e}
}

func (g *gearAnomalies) telemetry(t *f1.Telemetry) {
	if !g.e.accept(t) {
		return
	}
	_, alerts := g.an.Observe(t, g.alerts[:0])
	g.alerts = alerts[:0]
	g.dirty = true
	g.collect()
}

func (g *gearAnomalies) collect() {
	g.scratch = g.an.Events(g.scratch[:0])
	if g.e.opts.Live && g.e.opts.View == ViewDistribution {
		return
	}
	for _, ev := range g.scratch {
		if ev.Kind == f1.AlertGearAnomaly {
			g.events = append(g.events, ev)
		}
	}
}

func (g *gearAnomalies) frames() data.Frames {
	defer g.e.syncAnalyzer(g.an)
	if g.e.opts.Live {
		if g.e.opts.View == ViewDistribution {
			g.dirty = false
			return data.Frames{g.distribution(true)}
		}
		f := gearEventsFrame(g.events)
		g.events = g.events[:0]
		return data.Frames{f}
	}
	g.endRuns(g.collect)
	switch g.e.opts.View {
	case ViewEvents:
		return data.Frames{gearEventsFrame(g.events)}
	case ViewDistribution:
		return data.Frames{g.distribution(false)}
	case ViewAnnotations:
		return data.Frames{annotationFrame(eventRows(g.events))}
	}
	fs := data.Frames{gearEventsFrame(g.events), g.distribution(false)}
	if len(g.events) > 0 {
		fs = append(fs, panelAnnotationFrame(eventRows(g.events)))
	}
	return fs
}

func (g *gearAnomalies) flush() *data.Frame {
	g.e.syncAnalyzer(g.an)
	if g.e.opts.View == ViewDistribution {
		if !g.dirty {
			return nil
		}
		g.dirty = false
		return g.distribution(true)
	}
	if len(g.events) == 0 {
		return nil
	}
	f := gearEventsFrame(g.events)
	g.events = g.events[:0]
	return f
}

// distribution is the gear_distribution frame: a row per gear — gear ("1"
// to "8") — and a column per driver, named by its code, holding the share
// of that driver's time in the gear (0–1, over gears 1–8; sample shares
// before any time is credited). A bar chart draws it as grouped bars per
// gear, a single driver's as a histogram.
func (g *gearAnomalies) distribution(snapshot bool) *data.Frame {
	gears := make([]string, 8)
	for i := range gears {
		gears[i] = strconv.Itoa(i + 1)
	}
	fields := []*data.Field{data.NewField("gear", nil, gears)}
	drivers := slices.Sorted(slices.Values(g.an.Drivers()))
	one, zero := data.ConfFloat64(1), data.ConfFloat64(0)
	for _, d := range drivers {
		dist, ok := g.an.GearDistribution(d)
		if !ok {
			continue
		}
		shares := gearShares(&dist)
		fields = append(fields, data.NewField(d, nil, shares[:]).SetConfig(&data.FieldConfig{
			Unit: "percentunit", Min: &zero, Max: &one,
		}))
	}
	f := data.NewFrame("gear_distribution", fields...)
	if snapshot {
		return f.SetMeta(snapshotMeta(nil))
	}
	return f.SetMeta(&data.FrameMeta{})
}

// gearShares is the share of time in gears 1–8, or of samples when no time
// was credited.
func gearShares(d *f1.GearDistribution) [8]float64 {
	var out [8]float64
	var total float64
	for g := 1; g <= 8; g++ {
		total += float64(d.TimeMs[g])
	}
	src := d.TimeMs
	if total == 0 {
		src = d.Samples
		for g := 1; g <= 8; g++ {
			total += float64(d.Samples[g])
		}
	}
	if total == 0 {
		return out
	}
	for g := 1; g <= 8; g++ {
		out[g-1] = math.Round(float64(src[g])/total*1e4) / 1e4
	}
	return out
}

// gearEventsFrame is the anomalies as a table: anomaly is the kind column,
// other_gear the extra one (the implied gear of a mismatch or the gear
// before a skipped upshift; null when none).
func gearEventsFrame(evs []f1.Event) *data.Frame {
	anomalies, others := make([]string, len(evs)), make([]*int64, len(evs))
	for i, ev := range evs {
		anomalies[i] = ev.Anomaly
		if ev.OtherGear > 0 {
			o := int64(ev.OtherGear)
			others[i] = &o
		}
	}
	return detectorFrame("gear_anomalies", evs, data.NewField("anomaly", nil, anomalies), data.NewField("other_gear", nil, others))
}
