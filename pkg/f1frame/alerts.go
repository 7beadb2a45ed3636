package f1frame

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// alerts is the Alerts query type: the alerts f1.Analyzer raises on telemetry (with the
// query's overspeed threshold) merged with the alerts already on f1-alerts,
// without duplicates (f1.MergeAlerts: same driver, kind, severity, DRS
// state and race, within Rules.DedupWindowMs).
//
// Options.MinSeverity keeps only the alerts of that severity or higher (in
// every view, range and Live).
//
// Default frame (and ViewLogs): the logs frame "alerts" (see logsFrame) with
// the columns driver, kind, alert_severity (high, medium, low), value,
// race_id and source (topic or derived). timeEnd is set for wheel spins and
// gear anomalies that lasted at least regionMinMs, from the event of the same
// onset; other alerts are instants. ViewAnnotations: time, timeEnd, title,
// text, tags (driver, kind, severity).
//
// Live: the new alerts since the last push, in the same logs layout
// (timeEnd is not known yet when an alert is pushed). Duplicates are dropped
// whichever of the two copies comes first.
type alerts struct {
	noInput
	analysis
	e       *env
	window  int64
	buf     []f1.Alert
	scratch []f1.Event
	events  []f1.Event // spins and anomalies, for timeEnd
	derived []f1.Alert
	stored  []f1.Alert

	minRank uint8 // Options.MinSeverity's rank; 0 keeps all

	// Live
	pending []sourced
	recent  []sourced // pushed or pending, that a later copy may still repeat
	newest  [2]int64  // newest ts offered per source: derived, stored
}

// regionMinMs: a wheel spin or gear anomaly shorter than this is drawn as a
// point, not a region (timeEnd is left empty). Regions of every fleeting
// spin of twenty cars hatched the time series over (issue 11: 2,000-3,000
// per 5 minutes); what lasts a second stays a region.
const regionMinMs = 1000

// liveDedupSkewMs bounds how far one source of Live alerts (telemetry or
// f1-alerts) may lag the other and still have its copies dropped: the two
// topics are read separately, so a burst (a backlog, a slow partition) can
// bring one far ahead of the other.
const liveDedupSkewMs = 5 * 60_000

// sourced is an alert and where it came from.
type sourced struct {
	f1.Alert
	stored bool
}

func newAlerts(e *env) impl {
	an := newAnalysis(e.rules)
	w := an.an.Rules().DedupWindowMs
	if w < 0 {
		w = 0
	}
	a := &alerts{analysis: an, e: e, window: w}
	if e.opts.MinSeverity != "" {
		a.minRank = f1.SeverityRank(e.opts.MinSeverity)
	}
	return a
}

// wanted: the alert is of the query's minimum severity or higher.
func (a *alerts) wanted(al *f1.Alert) bool {
	return f1.SeverityRank(al.Severity) >= a.minRank
}

func (a *alerts) telemetry(t *f1.Telemetry) {
	if !a.e.accept(t) {
		return
	}
	if !a.e.opts.Live {
		_, a.derived = a.an.Observe(t, a.derived)
		a.collect()
		return
	}
	_, a.buf = a.an.Observe(t, a.buf[:0])
	a.scratch = a.an.Events(a.scratch[:0])
	for i := range a.buf {
		a.offer(sourced{Alert: a.buf[i]})
	}
}

func (a *alerts) collect() {
	a.scratch = a.an.Events(a.scratch[:0])
	a.events = append(a.events, a.scratch...)
}

func (a *alerts) alert(al *f1.Alert) {
	if al.Ts == 0 {
		a.e.stats.Invalid++
		return
	}
	if al.Driver != "" && !a.e.filter.has(al.Driver) {
		a.e.stats.Filtered++
		return
	}
	if a.e.opts.Live {
		a.offer(sourced{Alert: *al, stored: true})
		return
	}
	a.stored = append(a.stored, *al)
}

// offer queues a Live alert unless it repeats one already queued or pushed:
// a derived alert repeats any, a stored one only a derived one (the topic's
// own repeats are what it holds, as in f1.MergeAlerts).
func (a *alerts) offer(s sourced) {
	if !a.wanted(&s.Alert) {
		a.e.stats.Filtered++
		return
	}
	for i := range a.recent {
		r := &a.recent[i]
		if (!s.stored || !r.stored) && f1.SameAlert(&r.Alert, &s.Alert, a.window) {
			return
		}
	}
	a.pending = append(a.pending, s)
	a.recent = append(a.recent, s)
	src := 0
	if s.stored {
		src = 1
	}
	a.newest[src] = max(a.newest[src], s.Ts)
	// Forget what can no longer match: older than two windows before the
	// source that lags (a source not seen yet lags the most), within the
	// skew bound.
	cut := max(min(a.newest[0], a.newest[1])-2*a.window, max(a.newest[0], a.newest[1])-liveDedupSkewMs)
	keep := 0
	for _, r := range a.recent {
		if r.Ts >= cut {
			a.recent[keep] = r
			keep++
		}
	}
	a.recent = a.recent[:keep]
}

func (a *alerts) frames() data.Frames {
	defer a.e.syncAnalyzer(a.an)
	if a.e.opts.Live {
		f := a.logs(a.pending)
		a.pending = a.pending[:0]
		return data.Frames{f}
	}
	a.endRuns(a.collect)
	merged := a.merged()
	if a.e.opts.View == ViewAnnotations {
		return data.Frames{annotationFrame(a.rows(merged))}
	}
	return data.Frames{a.logs(merged)}
}

func (a *alerts) flush() *data.Frame {
	a.e.syncAnalyzer(a.an)
	if len(a.pending) == 0 {
		return nil
	}
	f := a.logs(a.pending)
	a.pending = a.pending[:0]
	return f
}

// merged is f1.MergeAlerts of the stored and derived alerts, each marked
// with where it came from.
func (a *alerts) merged() []sourced {
	out := f1.MergeAlerts(a.stored, a.derived, a.window)
	left := make(map[f1.Alert]int, len(a.stored))
	for _, s := range a.stored {
		left[s]++
	}
	res := make([]sourced, 0, len(out))
	for _, al := range out {
		s := sourced{Alert: al}
		if left[al] > 0 {
			left[al]--
			s.stored = true
		}
		if !a.wanted(&al) {
			a.e.stats.Filtered++
			continue
		}
		res = append(res, s)
	}
	return res
}

// endOf finds the end of the spin or anomaly whose onset is al.
func (a *alerts) endOf(al *f1.Alert) int64 {
	if al.Kind != f1.AlertWheelSpin && al.Kind != f1.AlertGearAnomaly {
		return 0
	}
	best, bestD := int64(0), a.window+1
	for i := range a.events {
		ev := &a.events[i]
		if ev.Driver != al.Driver || ev.Kind != al.Kind || (ev.RaceID != al.RaceID && al.RaceID != "") {
			continue
		}
		d := ev.StartTs - al.Ts
		if d < 0 {
			d = -d
		}
		if d < bestD {
			best, bestD = ev.EndTs, d
		}
	}
	return best
}

func (a *alerts) rows(als []sourced) []eventRow {
	slices.SortStableFunc(als, func(x, y sourced) int { return cmp.Compare(x.Ts, y.Ts) })
	rows := make([]eventRow, len(als))
	for i := range als {
		al := &als[i]
		src := "derived"
		if al.stored {
			src = "topic"
		}
		text := al.Message
		title := alertTitle(&al.Alert)
		if text == "" {
			text = title + " (" + strconv.FormatFloat(al.Value, 'f', -1, 64) + ")"
		}
		labels := []kv{{"driver", al.Driver}, {"kind", al.Kind}, {"severity", al.Severity}}
		if al.RaceID != "" {
			labels = append(labels, kv{"race_id", al.RaceID})
		}
		end := a.endOf(&al.Alert)
		if end-al.Ts < regionMinMs {
			end = 0 // a fleeting spin or anomaly is an instant
		}
		rows[i] = eventRow{
			start: al.Ts, end: end, title: title, text: text,
			level: alertLevel(al.Severity), tags: []string{al.Driver, al.Kind, al.Severity},
			labels: append(labels, kv{"source", src}), color: severityColour(al.Severity),
		}
	}
	return rows
}

// logs is the alerts logs frame.
func (a *alerts) logs(als []sourced) *data.Frame {
	rows := a.rows(als)
	f := logsFrame("alerts", rows)
	f.Fields = append(f.Fields,
		perEvent("driver", als, func(al *sourced) string { return al.Driver }),
		perEvent("kind", als, func(al *sourced) string { return al.Kind }),
		perEvent("alert_severity", als, func(al *sourced) string { return al.Severity }),
		perEvent("value", als, func(al *sourced) float64 { return round3(al.Value) }),
		perEvent("race_id", als, func(al *sourced) string { return al.RaceID }),
		perEvent("source", rows, func(r *eventRow) string { return r.labels[len(r.labels)-1].v }),
	)
	return f
}

// alertTitle is a short title: "VER overspeed", "VER DRS open".
func alertTitle(a *f1.Alert) string {
	var what string
	switch a.Kind {
	case f1.AlertOverspeed:
		what = "overspeed"
	case f1.AlertDRS:
		what = "DRS closed"
		if f1.DRSOpen(int(a.Value)) {
			what = "DRS open"
		}
	case f1.AlertBrakeTemp:
		what = "brake temperature"
	case f1.AlertWheelSpin:
		what = "wheel spin"
	case f1.AlertGearAnomaly:
		// The message names the anomaly: "VER over-rev: 12800 rpm ...".
		if head, _, ok := strings.Cut(a.Message, ":"); ok && a.Driver != "" && strings.HasPrefix(head, a.Driver+" ") && len(head) < 40 {
			return head
		}
		what = "gear anomaly"
	default:
		what = a.Kind
	}
	if a.Driver == "" {
		return what
	}
	return a.Driver + " " + what
}
