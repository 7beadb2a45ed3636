package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1frame"
)

// The F1 query types take these options beyond docs/DESIGN.md's common
// fields, as top-level query fields (what the query editor sends):
//
//	view              which frames: "" (the type's default), annotations, logs,
//	                  events, series, distribution, latest, race
//	spinThresholdPct  wheel-spin slip threshold in % (default 8)
//	overspeedKph      overspeed alert threshold in km/h (default 300)
//	model             predictions only: pit_window (default) or tyre_cliff
//	horizonLaps       predictions only: the pit window's 1, 3 (default) or 5 laps
//	minSeverity       alerts: only alerts of this severity or higher: low
//	                  (every alert, the default), medium or high
//
// They are kept in Query.Params under short keys, so that a live stream's
// channel path holds them compactly and a restarted stream rebuilds them
// from the path alone. The long names are accepted in `params` too. A value
// equal to the default is dropped (one live query, one channel), and the
// annotation view is never streamed.

// Params keys of the F1 options.
const (
	ParamView        = "vw"
	ParamSpin        = "spin"
	ParamOverspeed   = "ovs"
	ParamMinSeverity = "sev"
	ParamCircuit     = "circuit"
	ParamModel       = "mdl"
	ParamHorizon     = "hz"
)

// f1ParamNames maps the long option names to their Params keys.
var f1ParamNames = map[string]string{"view": ParamView, "spinThresholdPct": ParamSpin, "overspeedKph": ParamOverspeed,
	"model": ParamModel, "horizonLaps": ParamHorizon, "minSeverity": ParamMinSeverity}

// f1Views are the view names a query may ask for.
var f1Views = []f1frame.View{f1frame.ViewAnnotations, f1frame.ViewLogs, f1frame.ViewEvents, f1frame.ViewSeries,
	f1frame.ViewDistribution, f1frame.ViewLatest, f1frame.ViewRace}

// setF1Params moves the F1 options of j into q.Params and checks them. Other
// query types are left alone.
func setF1Params(q *Query, j *queryJSON) error {
	kind, err := f1frame.ParseQueryType(q.QueryType)
	if err != nil {
		return nil
	}
	for long, short := range f1ParamNames {
		v, ok := q.Params[long]
		if !ok {
			continue
		}
		delete(q.Params, long)
		if old, dup := q.Params[short]; dup && old != v {
			return fmt.Errorf("params %s is given twice with different values (%q and %q)", long, v, old)
		}
		q.Params[short] = v
	}
	set := func(key, name, v string) error {
		if v == "" {
			return nil
		}
		if old, ok := q.Params[key]; ok && old != v {
			return fmt.Errorf("%s is given both as a field (%q) and in params (%q): keep one", name, v, old)
		}
		if q.Params == nil {
			q.Params = map[string]string{}
		}
		q.Params[key] = v
		return nil
	}
	if err := set(ParamView, "view", strings.TrimSpace(j.View)); err != nil {
		return err
	}
	if err := set(ParamModel, "model", strings.TrimSpace(j.Model)); err != nil {
		return err
	}
	if err := set(ParamMinSeverity, "minSeverity", strings.ToLower(strings.TrimSpace(j.MinSeverity))); err != nil {
		return err
	}
	if kind != f1frame.Alerts {
		delete(q.Params, ParamMinSeverity) // only alerts have a severity
	}
	if v, ok := q.Params[ParamMinSeverity]; ok {
		switch v {
		case f1.SeverityLow:
			delete(q.Params, ParamMinSeverity) // every alert: the default
		case f1.SeverityMedium, f1.SeverityHigh:
		default:
			return fmt.Errorf("minSeverity %q is not low, medium or high", v)
		}
	}
	for _, o := range []struct {
		key, name string
		raw       json.RawMessage
	}{{ParamSpin, "spinThresholdPct", j.SpinThresholdPct}, {ParamOverspeed, "overspeedKph", j.OverspeedKph},
		{ParamHorizon, "horizonLaps", j.HorizonLaps}} {
		v, err := numberText(o.raw)
		if err != nil {
			return fmt.Errorf("%s %s is not a number", o.name, o.raw)
		}
		if err := set(o.key, o.name, v); err != nil {
			return err
		}
	}
	def := f1.DefaultRules()
	if err := canonicalNumber(q, ParamSpin, "spinThresholdPct", def.SpinThresholdPct, 100, false); err != nil {
		return err
	}
	if err := canonicalNumber(q, ParamOverspeed, "overspeedKph", def.OverspeedKph, 1000, true); err != nil {
		return err
	}
	canonicalPrediction(q, kind)
	if v, ok := q.Params[ParamView]; ok {
		switch {
		case v == "":
			delete(q.Params, ParamView)
		case !knownView(v):
			return fmt.Errorf("view %q is not one of %s (or empty for the default)", v, viewList())
		}
	}
	if q.Params[ParamView] == string(f1frame.ViewAnnotations) {
		q.Stream = false // annotations are read by time range only
	}
	if len(q.Params) == 0 {
		q.Params = nil
	}
	// Whatever the Builder would refuse (a view the type lacks, rules that
	// cannot work) is refused now, with the same words.
	opts, err := F1Options(q)
	if err != nil {
		return err
	}
	if _, err := f1frame.New(kind, opts); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "f1frame: "))
	}
	return nil
}

// canonicalPrediction writes the predictions options in one form (one live
// query, one channel): the default model (pit_window) and horizon (3 laps;
// none for the tyre cliff) are left out. Other query types drop them.
func canonicalPrediction(q *Query, kind f1frame.QueryType) {
	if kind != f1frame.Predictions {
		delete(q.Params, ParamModel)
		delete(q.Params, ParamHorizon)
		return
	}
	m := q.Params[ParamModel]
	if m == f1.ModelPitWindow || m == "" {
		delete(q.Params, ParamModel)
	}
	if h, ok := q.Params[ParamHorizon]; ok {
		if n, err := strconv.Atoi(h); err == nil && (n == 0 || n == 3 && (m == "" || m == f1.ModelPitWindow)) {
			delete(q.Params, ParamHorizon)
		}
	}
}

// numberText is a JSON number, or a string (a template variable's value),
// as text; null and absent are "".
func numberText(raw json.RawMessage) (string, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "", nil
	}
	if s[0] == '"' {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", err
		}
		return strings.TrimSpace(v), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// checkStreamable refuses a live stream of what is only read by time range:
// the annotation view.
func checkStreamable(q *Query) error {
	if q.Params[ParamView] == string(f1frame.ViewAnnotations) {
		return fmt.Errorf("%s annotations are read by time range, not streamed: turn streaming off or pick another view", q.QueryType)
	}
	return nil
}

// canonicalNumber checks a numeric option and writes it in one form: the
// shortest decimal, or nothing for 0 (unset) and for the default.
func canonicalNumber(q *Query, key, name string, def, maxV float64, inclusive bool) error {
	s, ok := q.Params[key]
	if !ok {
		return nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	tooBig := v > maxV || (!inclusive && v == maxV)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || tooBig {
		limit := fmt.Sprintf("at most %g", maxV)
		if !inclusive {
			limit = fmt.Sprintf("below %g", maxV)
		}
		return fmt.Errorf("%s %q is not a number above 0 and %s (0 or empty: the default, %g)", name, s, limit, def)
	}
	if v == 0 || v == def {
		delete(q.Params, key)
		return nil
	}
	q.Params[key] = strconv.FormatFloat(v, 'f', -1, 64)
	return nil
}

func knownView(v string) bool {
	for _, k := range f1Views {
		if string(k) == v {
			return true
		}
	}
	return false
}

func viewList() string {
	names := make([]string, len(f1Views))
	for i, v := range f1Views {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// F1Options turns a parsed query into the Builder's options (without the
// run's RefID, point budget, Live flag and alerting view; pkg/pipeline adds them).
func F1Options(q *Query) (f1frame.Options, error) {
	opts := f1frame.Options{Drivers: q.Drivers}
	long := map[string]string{}
	if v, ok := q.Params[ParamView]; ok {
		long["view"] = v
	}
	if v, ok := q.Params[ParamSpin]; ok {
		long["spinThresholdPct"] = v
	}
	if v, ok := q.Params[ParamOverspeed]; ok {
		long["overspeedKph"] = v
	}
	if v, ok := q.Params[ParamMinSeverity]; ok {
		long["minSeverity"] = v
	}
	if v, ok := q.Params[ParamCircuit]; ok {
		long["circuit"] = v
	}
	if v, ok := q.Params[ParamModel]; ok {
		long["model"] = v
	}
	if v, ok := q.Params[ParamHorizon]; ok {
		long["horizonLaps"] = v
	}
	if err := opts.SetParams(long); err != nil {
		return opts, err
	}
	return opts, nil
}
