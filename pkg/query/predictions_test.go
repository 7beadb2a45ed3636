package query

import (
	"strings"
	"testing"
)

// TestPredictionsOptions: model and horizonLaps reach the Builder's
// options, the defaults are left out of the channel path (one live query,
// one channel), the path rebuilds the query, and bad values say what to do.
func TestPredictionsOptions(t *testing.T) {
	for js, want := range map[string]string{
		`{"queryType":"predictions","stream":true}`:                                         "1/pr/f1-predictions",
		`{"queryType":"predictions","stream":true,"model":"pit_window","horizonLaps":3}`:    "1/pr/f1-predictions",
		`{"queryType":"predictions","stream":true,"horizonLaps":"5"}`:                       "1/pr/f1-predictions/hz=5",
		`{"queryType":"predictions","stream":true,"model":"tyre_cliff","horizonLaps":0}`:    "1/pr/f1-predictions/mdl=tyre_cliff",
		`{"queryType":"predictions","stream":true,"params":{"model":"tyre_cliff"}}`:         "1/pr/f1-predictions/mdl=tyre_cliff",
		`{"queryType":"predictions","stream":true,"view":"latest","drivers":["VER","LEC"]}`: "1/pr/f1-predictions/d=LEC.VER/vw=latest",
		`{"queryType":"leaderboard","stream":true,"model":"tyre_cliff","horizonLaps":5}`:    "1/lb/f1-positions",
	} {
		q, err := Parse([]byte(js))
		if err != nil {
			t.Errorf("%s: %v", js, err)
			continue
		}
		p, err := EncodeChannelPath(1, q)
		if err != nil || p != want {
			t.Errorf("%s: path %q (%v), want %q", js, p, err, want)
			continue
		}
		_, back, err := DecodeChannelPath(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		o1, err1 := F1Options(q)
		o2, err2 := F1Options(back)
		if err1 != nil || err2 != nil || o1.Model != o2.Model || o1.HorizonLaps != o2.HorizonLaps || o1.View != o2.View {
			t.Errorf("%s: options %+v / %+v (%v %v)", p, o1, o2, err1, err2)
		}
	}
	for js, want := range map[string]string{
		`{"queryType":"predictions","horizonLaps":4}`:                      "within 1, 3 or 5 laps",
		`{"queryType":"predictions","horizonLaps":"x"}`:                    "horizonLaps",
		`{"queryType":"predictions","model":"tyre_cliff","horizonLaps":3}`: "no horizon",
		`{"queryType":"predictions","model":"fuel"}`:                       "unknown model",
		`{"queryType":"predictions","view":"race"}`:                        "no view",
	} {
		if _, err := Parse([]byte(js)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", js, err, want)
		}
	}
}
