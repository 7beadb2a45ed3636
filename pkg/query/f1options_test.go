package query

import (
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1frame"
)

func TestF1QueryOptionsGoToParamsAndChannelPath(t *testing.T) {
	q := mustQuery(t, `{"queryType":"wheelSpin","view":"series","spinThresholdPct":12.5,"overspeedKph":300,"stream":true,"drivers":["ver"]}`)
	if len(q.Params) != 2 || q.Params[ParamView] != "series" || q.Params[ParamSpin] != "12.5" {
		t.Fatalf("params %v: want view and spin, the default overspeed dropped", q.Params)
	}
	path, err := EncodeChannelPath(1, q)
	if err != nil {
		t.Fatal(err)
	}
	if path != "1/ws/f1-telemetry/d=VER/spin=12=2E5/vw=series" {
		t.Fatalf("path %q", path)
	}
	// A restarted stream has the path alone: the options come back from it.
	_, back, err := DecodeChannelPath(path)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := F1Options(back)
	if err != nil {
		t.Fatal(err)
	}
	if opts.View != f1frame.ViewSeries || opts.SpinThresholdPct != 12.5 || opts.OverspeedKph != 0 || strings.Join(opts.Drivers, ",") != "VER" {
		t.Fatalf("options rebuilt from the path: %+v", opts)
	}

	// The long names work in params too, as strings (template variables),
	// and one query gives one channel however it is spelled.
	a := mustQuery(t, `{"queryType":"alerts","overspeedKph":"320","stream":true}`)
	b := mustQuery(t, `{"queryType":"alerts","params":{"overspeedKph":"320.0"},"stream":true}`)
	pa, _ := EncodeChannelPath(1, a)
	pb, _ := EncodeChannelPath(1, b)
	if pa != "1/al/f1-alerts/ovs=320" || pa != pb {
		t.Fatalf("paths %q and %q", pa, pb)
	}
	// minSeverity rides in the path of an alerts stream; low is every alert, the default.
	sev := mustQuery(t, `{"queryType":"alerts","minSeverity":"High","stream":true}`)
	if p, _ := EncodeChannelPath(1, sev); p != "1/al/f1-alerts/sev=high" {
		t.Fatalf("minSeverity path %q", p)
	} else if _, back, err := DecodeChannelPath(p); err != nil || back.Params[ParamMinSeverity] != "high" {
		t.Fatalf("minSeverity from the path: %v %v", back, err)
	} else if opts, err := F1Options(back); err != nil || opts.MinSeverity != "high" {
		t.Fatalf("minSeverity options: %+v %v", opts, err)
	}
	if q := mustQuery(t, `{"queryType":"alerts","minSeverity":"low"}`); q.Params != nil {
		t.Fatalf("minSeverity low kept: %v", q.Params)
	}
	if q := mustQuery(t, `{"queryType":"wheelSpin","minSeverity":"high"}`); q.Params != nil {
		t.Fatalf("a wheelSpin query kept minSeverity: %v", q.Params)
	}
	// 0 and empty mean the default, like the editor's cleared field.
	if q := mustQuery(t, `{"queryType":"wheelSpin","spinThresholdPct":0,"overspeedKph":null,"view":""}`); q.Params != nil {
		t.Fatalf("defaults kept: %v", q.Params)
	}
	// Other query types ignore the F1 options.
	if q := mustQuery(t, `{"queryType":"telemetry","view":"series","spinThresholdPct":5}`); q.Params != nil {
		t.Fatalf("telemetry params %v", q.Params)
	}
}

func TestF1QueryOptionErrorsSayWhatToFix(t *testing.T) {
	for js, want := range map[string]string{
		`{"queryType":"wheelSpin","view":"bogus"}`:                                      `view "bogus" is not one of annotations, logs`,
		`{"queryType":"wheelSpin","view":"race"}`:                                       `query type wheelSpin has no view "race"`,
		`{"queryType":"leaderboard","view":"annotations"}`:                              `query type leaderboard has no view "annotations"`,
		`{"queryType":"wheelSpin","spinThresholdPct":-1}`:                               `spinThresholdPct "-1" is not a number above 0 and below 100`,
		`{"queryType":"wheelSpin","spinThresholdPct":100}`:                              `spinThresholdPct "100"`,
		`{"queryType":"alerts","overspeedKph":"fast"}`:                                  `overspeedKph "fast" is not a number above 0`,
		`{"queryType":"alerts","overspeedKph":{"a":1}}`:                                 `overspeedKph {"a":1} is not a number`,
		`{"queryType":"alerts","overspeedKph":5000}`:                                    `overspeedKph "5000" is not a number above 0 and at most 1000`,
		`{"queryType":"alerts","overspeedKph":310,"params":{"overspeedKph":"320"}}`:     `overspeedKph is given both as a field ("310") and in params ("320")`,
		`{"queryType":"alerts","params":{"overspeedKph":"320","ovs":"330"}}`:            `params overspeedKph is given twice`,
		`{"queryType":"wheelSpin","spinThresholdPct":[1]}`:                              `spinThresholdPct [1] is not a number`,
		`{"queryType":"averageSpeed","view":"events","drivers":["VER"],"stream":true}`:  `query type averageSpeed has no view "events"`,
		`{"queryType":"gearAnomalies","view":"latest"}`:                                 `has no view "latest"`,
		`{"queryType":"raceControl","view":"series"}`:                                   `has no view "series"`,
		`{"queryType":"alerts","view":"events"}`:                                        `has no view "events"`,
		`{"queryType":"alerts","minSeverity":"urgent"}`:                                 `minSeverity "urgent" is not low, medium or high`,
		`{"queryType":"leaderboard","params":{"circuit":"x"},"view":"race","stream":1}`: `not valid JSON`,
	} {
		_, err := Parse([]byte(js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		}
	}
}
