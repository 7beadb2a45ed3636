package f1frame

import "github.com/pitwall-f1/pitwall/pkg/f1"

// analysis is the f1.Analyzer behind a kind that derives events from
// telemetry (wheel spin, gear anomalies, alerts), with the rule those kinds
// share at the end of a time range: the runs still open are ended once.
type analysis struct {
	an     *f1.Analyzer
	closed bool // the Analyzer was flushed
}

func newAnalysis(rules f1.Rules) analysis {
	return analysis{an: f1.NewAnalyzer(rules)}
}

// endRuns ends the runs (spins, anomalies) still open at the end of a time
// range, once, and then calls collect to take the events they make.
func (a *analysis) endRuns(collect func()) {
	if a.closed {
		return
	}
	a.closed = true
	a.an.Flush()
	collect()
}

// syncAnalyzer copies the Analyzer's counters into the stats.
func (e *env) syncAnalyzer(a *f1.Analyzer) {
	e.stats.DroppedEvents = a.DroppedEvents()
	e.stats.SuppressedAlerts = a.SuppressedAlerts()
}
