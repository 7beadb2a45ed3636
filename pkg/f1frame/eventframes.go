package f1frame

import (
	"encoding/json"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// eventRow is one event as an annotation or a log line.
type eventRow struct {
	start, end int64 // ms; end 0 means an instant (no timeEnd)
	title      string
	text       string
	level      string   // log level: critical, error, warning, info
	tags       []string // annotation tags
	labels     []kv     // log labels, in this order
	color      string   // panel annotation colour
}

type kv struct{ k, v string }

// Log levels Grafana's logs view knows.
const (
	levelCritical = "critical"
	levelError    = "error"
	levelWarning  = "warning"
	levelInfo     = "info"
)

// alertLevel maps an alert severity to a log level: high is error, medium a
// warning, low (and anything else) info.
func alertLevel(severity string) string {
	switch severity {
	case f1.SeverityHigh:
		return levelError
	case f1.SeverityMedium:
		return levelWarning
	}
	return levelInfo
}

// severityColour is the panel annotation colour of a severity.
func severityColour(severity string) string {
	switch severity {
	case f1.SeverityHigh:
		return "red"
	case f1.SeverityMedium:
		return "orange"
	}
	return "yellow"
}

// annotationFrame is the frame of an annotation query: time, timeEnd (null
// for instants), title, text and tags. Tags are a JSON array per row:
// Grafana's standard annotation processing keeps an array as it is (a
// string would be split on commas) and its annotation tooltip maps over it.
func annotationFrame(rows []eventRow) *data.Frame {
	n := len(rows)
	times, ends := make([]time.Time, n), make([]*time.Time, n)
	titles, texts, tags := make([]string, n), make([]string, n), make([]json.RawMessage, n)
	for i, r := range rows {
		times[i], ends[i] = msTime(r.start), endTime(r)
		titles[i], texts[i], tags[i] = r.title, r.text, jsonStrings(r.tags)
	}
	return data.NewFrame("annotations",
		data.NewField("time", nil, times),
		data.NewField("timeEnd", nil, ends),
		data.NewField("title", nil, titles),
		data.NewField("text", nil, texts),
		data.NewField("tags", nil, tags),
	).SetMeta(&data.FrameMeta{})
}

// panelAnnotationFrame is an annotation frame that rides along a panel's data
// (meta.dataTopic "annotations"): the time series panel draws it as is, so it
// also carries isRegion and color, which Grafana otherwise derives.
func panelAnnotationFrame(rows []eventRow) *data.Frame {
	f := annotationFrame(rows)
	n := len(rows)
	regions, colours := make([]bool, n), make([]string, n)
	for i, r := range rows {
		regions[i], colours[i] = r.end > r.start, r.color
	}
	f.Fields = append(f.Fields, data.NewField("isRegion", nil, regions), data.NewField("color", nil, colours))
	f.Meta.DataTopic = data.DataTopicAnnotations
	return f
}

// logsFrame is the logs layout of Grafana's data plane (meta.type
// log-lines): timestamp, body, severity (a log level) and labels (a JSON
// object), then timeEnd, title and tags. Explore shows it in the logs view
// (preferredVisualisationType logs), a table panel shows every column, and
// an annotation query can read it too (first time field, first string field,
// title, timeEnd, tags). Callers append their own columns.
func logsFrame(name string, rows []eventRow) *data.Frame {
	n := len(rows)
	times, ends := make([]time.Time, n), make([]*time.Time, n)
	bodies, levels, titles := make([]string, n), make([]string, n), make([]string, n)
	labels, tags := make([]json.RawMessage, n), make([]json.RawMessage, n)
	for i, r := range rows {
		times[i], ends[i] = msTime(r.start), endTime(r)
		bodies[i], levels[i], titles[i] = r.text, r.level, r.title
		labels[i], tags[i] = jsonObject(r.labels), jsonStrings(r.tags)
	}
	return data.NewFrame(name,
		data.NewField("timestamp", nil, times),
		data.NewField("body", nil, bodies),
		data.NewField("severity", nil, levels),
		data.NewField("labels", nil, labels),
		data.NewField("timeEnd", nil, ends),
		data.NewField("title", nil, titles),
		data.NewField("tags", nil, tags),
	).SetMeta(&data.FrameMeta{
		Type:                   data.FrameTypeLogLines,
		TypeVersion:            data.FrameTypeVersion{0, 0},
		PreferredVisualization: data.VisTypeLogs,
	})
}

// perEvent is a column of one value per event of evs, such as the columns
// of its own that a caller appends to a logs frame.
func perEvent[E, V any](name string, evs []E, value func(*E) V) *data.Field {
	vals := make([]V, len(evs))
	for i := range evs {
		vals[i] = value(&evs[i])
	}
	return data.NewField(name, nil, vals)
}

// detectorFrame is a detector's events as a table: time, timeEnd, driver,
// kind (the detector's own measure), gear, rpm, speed, message, severity,
// extra (a second column of its own) and race_id. kind and extra hold one
// value per event.
func detectorFrame(name string, evs []f1.Event, kind, extra *data.Field) *data.Frame {
	n := len(evs)
	times, ends := make([]time.Time, n), make([]*time.Time, n)
	drivers, msgs, sevs, races := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	gears := make([]int64, n)
	rpms, speeds := make([]float64, n), make([]float64, n)
	for i, ev := range evs {
		times[i], ends[i] = msTime(ev.StartTs), endTime(eventRow{start: ev.StartTs, end: ev.EndTs})
		drivers[i], msgs[i], sevs[i], races[i] = ev.Driver, ev.Message(), ev.Severity, ev.RaceID
		gears[i], rpms[i], speeds[i] = int64(ev.Gear), ev.RPM, ev.SpeedKph
	}
	return data.NewFrame(name,
		data.NewField("time", nil, times),
		data.NewField("timeEnd", nil, ends),
		data.NewField("driver", nil, drivers),
		kind,
		data.NewField("gear", nil, gears),
		data.NewField("rpm", nil, rpms).SetConfig(&data.FieldConfig{Unit: "rotrpm"}),
		data.NewField("speed", nil, speeds).SetConfig(&data.FieldConfig{Unit: "velocitykmh"}),
		data.NewField("message", nil, msgs),
		data.NewField("severity", nil, sevs),
		extra,
		data.NewField("race_id", nil, races),
	).SetMeta(&data.FrameMeta{})
}

func endTime(r eventRow) *time.Time {
	if r.end <= r.start {
		return nil
	}
	t := msTime(r.end)
	return &t
}

func jsonStrings(ss []string) json.RawMessage {
	if len(ss) == 0 {
		return json.RawMessage("[]")
	}
	b, _ := json.Marshal(ss) // strings always marshal
	return b
}

func jsonObject(pairs []kv) json.RawMessage {
	b := []byte{'{'}
	for i, p := range pairs {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(p.k)
		v, _ := json.Marshal(p.v)
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}')
}

// snapshotMeta marks a frame that replaces the previous one (the frontend's
// stream options read meta.custom.snapshot).
func snapshotMeta(custom map[string]any) *data.FrameMeta {
	if custom == nil {
		custom = map[string]any{}
	}
	custom["snapshot"] = true
	return &data.FrameMeta{Custom: custom}
}
