package stackcheck

import (
	"fmt"
	"slices"
	"strings"
)

// EventTopics are the topics whose records are events (docs/DESIGN.md): a
// range may hold none of them.
var EventTopics = []string{"f1-race-control", "f1-alerts", "f1-predictions"}

// eventViews are, per F1 query type, the views that answer events; "*" is
// every view. A wheel-spin series or a gear distribution has rows whenever
// cars drive, so they are not here.
var eventViews = map[string][]string{
	"alerts":        {"*"},
	"raceControl":   {"*"},
	"predictions":   {"*"}, // a row per driver at the end of each lap
	"gearAnomalies": {"", "events", "annotations"},
	"wheelSpin":     {"events", "annotations"},
}

// EventQuery says whether a query answers events, so that an empty answer
// is true and expected (no anomaly yet, no lap finished yet), not a fault.
func EventQuery(t map[string]any) bool {
	qt, _ := t["queryType"].(string)
	if qt == "raw" {
		topic, _ := t["topic"].(string)
		return slices.Contains(EventTopics, topic)
	}
	view, _ := t["view"].(string)
	views := eventViews[qt]
	return slices.Contains(views, "*") || slices.Contains(views, view)
}

// checkEmptyState checks what a panel says when its queries answer no
// rows. In Grafana 12.4 a panel says fieldConfig.defaults.noValue, or
// "No data" without it, when no frame has rows (logs panel) or when no
// frame is left (table, time series, bar chart; a table draws a frame
// with fields and no rows as bare headers, so the datasource leaves such
// frames out of a dashboard's answer: src/datasource.ts,
// withoutEmptyFrames). So:
//   - a panel over an event query has its own noValue text, not "No data";
//   - any other panel has no noValue, so that "No data" there stays a fault
//     (the browser suite accepts a panel's noValue text as "empty on
//     purpose").
//
// Pitwall's own leaderboard panel draws its empty state itself.
func checkEmptyState(p Panel) []error {
	if p.Type == "row" || p.Type == PanelType || len(p.Targets) == 0 {
		return nil
	}
	events := slices.ContainsFunc(p.Targets, EventQuery)
	text := strings.TrimSpace(p.FieldConfig.Defaults.NoValue)
	if !events {
		if text != "" {
			return []error{fmt.Errorf("noValue %q on a panel whose queries always have rows during a race: its empty state would hide a fault", text)}
		}
		return nil
	}
	if text == "" || strings.EqualFold(text, "No data") {
		return []error{fmt.Errorf("its query answers events, and a range without any is not a fault: set fieldConfig.defaults.noValue to say so (e.g. \"No alerts in this range\"), not %q", "No data")}
	}
	return nil
}
