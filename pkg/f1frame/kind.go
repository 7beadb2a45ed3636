package f1frame

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// QueryType is an F1 query type: the queryType names of docs/DESIGN.md.
type QueryType string

// The F1 query types.
const (
	// WheelSpin: slip % per driver, with the spin threshold line, and
	// spin events as annotations.
	WheelSpin QueryType = "wheelSpin"
	// GearAnomalies: anomaly events and the gear distribution.
	GearAnomalies QueryType = "gearAnomalies"
	// Alerts: derived alerts merged with f1-alerts, as logs, a table or
	// annotations.
	Alerts QueryType = "alerts"
	// Leaderboard: the latest state per driver and of the race.
	Leaderboard QueryType = "leaderboard"
	// AverageSpeed: the running mean of speed per driver per race.
	AverageSpeed QueryType = "averageSpeed"
	// RaceControl: race events as logs, a table or annotations.
	RaceControl QueryType = "raceControl"
	// Predictions: pit-window and tyre-cliff probabilities per driver
	// (f1-predictions), as series and as a latest-per-driver table.
	Predictions QueryType = "predictions"
)

// ParseQueryType checks a queryType name.
func ParseQueryType(s string) (QueryType, error) {
	k := QueryType(s)
	if _, ok := kindSpecs[k]; !ok {
		return "", fmt.Errorf("f1frame: unknown query type %q (want one of %s)", s, strings.Join(kindNames(), ", "))
	}
	return k, nil
}

// Topics are the default topics the kind reads, the main one first. A
// time-range query should read all of them and feed the records merged by ts.
func (k QueryType) Topics() []string {
	s, ok := kindSpecs[k]
	if !ok {
		return nil
	}
	var out []string
	for _, in := range []struct {
		bit   inputs
		topic string
	}{
		{inTelemetry, f1.TopicTelemetry}, {inPosition, f1.TopicPositions},
		{inRaceControl, f1.TopicRaceControl}, {inAlert, f1.TopicAlerts}, {inPrediction, f1.TopicPredictions},
	} {
		if s.inputs&in.bit != 0 {
			out = append(out, in.topic)
		}
	}
	// The main topic first, as the query editor's default topic.
	if main := s.mainTopic; main != "" {
		if i := slices.Index(out, main); i > 0 {
			out = append([]string{main}, slices.Delete(out, i, i+1)...)
		}
	}
	return out
}

// View selects which frames a query returns, beyond its default. The query
// JSON can carry it (say as "view"); annotation queries should ask for
// ViewAnnotations.
type View string

// Views.
const (
	// ViewDefault: what a panel or Explore wants. See each QueryType.
	ViewDefault View = ""
	// ViewAnnotations: one annotation frame (time, timeEnd, title, text,
	// tags) for an annotation query: wheelSpin, gearAnomalies, alerts,
	// raceControl.
	ViewAnnotations View = "annotations"
	// ViewLogs: the logs frame of alerts and raceControl (also their
	// default).
	ViewLogs View = "logs"
	// ViewEvents: only the events table of wheelSpin (spins) or
	// gearAnomalies.
	ViewEvents View = "events"
	// ViewSeries: only the time series of wheelSpin, averageSpeed or
	// predictions.
	ViewSeries View = "series"
	// ViewDistribution: only the gear distribution of gearAnomalies.
	ViewDistribution View = "distribution"
	// ViewLatest: only the latest average per driver of averageSpeed, or
	// the latest predictions per driver.
	ViewLatest View = "latest"
	// ViewRace: only the one-row race frame of the leaderboard.
	ViewRace View = "race"
)

// kindSpec is what a kind reads and offers.
type kindSpec struct {
	inputs    inputs
	mainTopic string
	views     []View
	build     func(e *env) impl
}

func (s kindSpec) hasView(v View) bool { return v == ViewDefault || slices.Contains(s.views, v) }

func (s kindSpec) viewNames() string {
	names := []string{`"" (default)`}
	for _, v := range s.views {
		names = append(names, `"`+string(v)+`"`)
	}
	return strings.Join(names, ", ")
}

var kindSpecs = map[QueryType]kindSpec{
	WheelSpin: {
		inputs: inTelemetry, mainTopic: f1.TopicTelemetry,
		views: []View{ViewSeries, ViewEvents, ViewAnnotations},
		build: newWheelSpin,
	},
	GearAnomalies: {
		inputs: inTelemetry, mainTopic: f1.TopicTelemetry,
		views: []View{ViewEvents, ViewDistribution, ViewAnnotations},
		build: newGearAnomalies,
	},
	Alerts: {
		inputs: inTelemetry | inAlert, mainTopic: f1.TopicAlerts,
		views: []View{ViewLogs, ViewAnnotations},
		build: newAlerts,
	},
	Leaderboard: {
		inputs: inPosition | inRaceControl | inTelemetry, mainTopic: f1.TopicPositions,
		views: []View{ViewRace},
		build: newLeaderboard,
	},
	AverageSpeed: {
		inputs: inTelemetry, mainTopic: f1.TopicTelemetry,
		views: []View{ViewSeries, ViewLatest},
		build: newAverageSpeed,
	},
	RaceControl: {
		inputs: inRaceControl, mainTopic: f1.TopicRaceControl,
		views: []View{ViewLogs, ViewAnnotations},
		build: newRaceControl,
	},
	Predictions: {
		inputs: inPrediction, mainTopic: f1.TopicPredictions,
		views: []View{ViewSeries, ViewLatest},
		build: newPredictions,
	},
}

func kindNames() []string {
	out := make([]string, 0, len(kindSpecs))
	for k := range kindSpecs {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// Options tune a Builder. The zero value is usable: every driver, the
// default rules, 1,000 points per series.
type Options struct {
	// RefID is set on every frame.
	RefID string
	// Drivers filters by driver code; empty (or "all", "*") means all.
	// Records of other drivers are not analysed. The leaderboard still
	// folds every driver (gaps and the fastest lap need them) and filters
	// its rows; race control keeps race-wide events.
	Drivers []string
	// Rules are the detector thresholds; the zero value means
	// f1.DefaultRules().
	Rules f1.Rules
	// SpinThresholdPct and OverspeedKph, when > 0, replace the same rules
	// (the query's spinThresholdPct and overspeedKph).
	SpinThresholdPct float64
	OverspeedKph     float64
	// MinSeverity keeps only alerts of this severity or higher (alerts:
	// low, medium or high); empty keeps all.
	MinSeverity string
	// MaxDataPoints bounds the points of each series in Frames (the
	// query's maxDataPoints); 0 means 1,000.
	MaxDataPoints int
	// MaxPointsPerFlush bounds the points of each series in one Flush;
	// 0 means 16.
	MaxPointsPerFlush int
	// MaxPointsPerFlush is counted per 100 ms: a Flush sooner than that
	// after the last gets its share (at least 2).
	//
	// LateAllowanceMs is how far (in data time) a Live series may lag the
	// newest one and still be waited for; 0 means 2,000.
	LateAllowanceMs int64
	// LiveHoldMs bounds that wait in wall time: a Live point the other
	// series have not caught up with this long after a Flush first saw it
	// is pushed anyway (see liveBuf); 0 means 20 (about two producer
	// lingers: what one partition delivers later than another).
	LiveHoldMs int64
	// View selects the frames; see View.
	View View
	// Live lays frames out for a Grafana Live stream: Frames is the first
	// frame of the stream and Flush the following pushes.
	Live bool
	// Circuit is the circuit key of the leaderboard's race header
	// ("monza"); empty means derived from the race id ("monza-42").
	Circuit string
	// Grid gives start positions (driver code → grid slot) for the
	// leaderboard's positions gained; without it the first position seen
	// counts as the start.
	Grid map[string]int
	// Model and HorizonLaps pick the series of a predictions query:
	// f1.ModelPitWindow (the default) within 1, 3 (the default) or 5 laps,
	// or f1.ModelTyreCliff (horizon 0).
	Model       string
	HorizonLaps int
}

// rules resolves Options into the Rules in use.
func (o Options) rules() (f1.Rules, error) {
	r := o.Rules
	if r == (f1.Rules{}) {
		r = f1.DefaultRules()
	}
	switch o.MinSeverity {
	case "", f1.SeverityLow, f1.SeverityMedium, f1.SeverityHigh:
	default:
		return r, fmt.Errorf("f1frame: minSeverity %q is not low, medium or high", o.MinSeverity)
	}
	if o.SpinThresholdPct < 0 || o.OverspeedKph < 0 {
		return r, fmt.Errorf("f1frame: spinThresholdPct (%v) and overspeedKph (%v) cannot be negative", o.SpinThresholdPct, o.OverspeedKph)
	}
	if o.SpinThresholdPct > 0 {
		r.SpinThresholdPct = o.SpinThresholdPct
	}
	if o.OverspeedKph > 0 {
		r.OverspeedKph = o.OverspeedKph
	}
	if err := r.Validate(); err != nil {
		return r, fmt.Errorf("f1frame: rules: %w", err)
	}
	return r, nil
}

func (o Options) withDefaults() Options {
	if o.MaxDataPoints <= 0 {
		o.MaxDataPoints = 1000
	}
	if o.MaxDataPoints < 2 {
		o.MaxDataPoints = 2
	}
	if o.MaxPointsPerFlush <= 0 {
		o.MaxPointsPerFlush = 16
	}
	if o.MaxPointsPerFlush < 2 {
		o.MaxPointsPerFlush = 2
	}
	if o.LateAllowanceMs <= 0 {
		o.LateAllowanceMs = 2000
	}
	if o.LiveHoldMs <= 0 {
		o.LiveHoldMs = 20
	}
	return o
}

// SetParams reads the query-type options a query carries as strings (the
// plugin's params, which survive in a Live channel path): view,
// spinThresholdPct, overspeedKph, minSeverity, circuit, model and horizonLaps.
// Other keys are left alone; a bad value is an error naming the key.
func (o *Options) SetParams(params map[string]string) error {
	num := func(key string, dst *float64) error {
		s, ok := params[key]
		if !ok || s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("f1frame: %s must be a number ≥ 0, got %q", key, s)
		}
		*dst = v
		return nil
	}
	if err := num("spinThresholdPct", &o.SpinThresholdPct); err != nil {
		return err
	}
	if err := num("overspeedKph", &o.OverspeedKph); err != nil {
		return err
	}
	if v, ok := params["view"]; ok {
		o.View = View(v)
	}
	if v, ok := params["minSeverity"]; ok {
		o.MinSeverity = strings.ToLower(strings.TrimSpace(v))
	}
	if c, ok := params["circuit"]; ok {
		o.Circuit = strings.ToLower(c)
	}
	if m, ok := params["model"]; ok {
		o.Model = m
	}
	if h, ok := params["horizonLaps"]; ok && h != "" {
		v, err := strconv.Atoi(h)
		if err != nil {
			return fmt.Errorf("f1frame: horizonLaps must be 1, 3 or 5, got %q", h)
		}
		o.HorizonLaps = v
	}
	return nil
}
