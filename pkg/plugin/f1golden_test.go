package plugin

import (
	"encoding/json"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

// f1GoldenCases are the queries of the golden files: each F1 type with its
// default frames, plus the views and options worth pinning.
var f1GoldenCases = []struct {
	name  string
	query map[string]any
	mdp   int64
}{
	{"f1_wheelspin", map[string]any{"queryType": "wheelSpin"}, 40},
	{"f1_wheelspin_events_spin6", map[string]any{"queryType": "wheelSpin", "view": "events", "spinThresholdPct": 6}, 0},
	{"f1_gearanomalies", map[string]any{"queryType": "gearAnomalies"}, 0},
	{"f1_alerts", map[string]any{"queryType": "alerts"}, 0},
	{"f1_alerts_annotations_ver_overspeed320", map[string]any{"queryType": "alerts", "view": "annotations", "drivers": []string{"VER"}, "overspeedKph": 320}, 0},
	{"f1_leaderboard", map[string]any{"queryType": "leaderboard"}, 0},
	{"f1_leaderboard_race", map[string]any{"queryType": "leaderboard", "view": "race"}, 0},
	{"f1_averagespeed", map[string]any{"queryType": "averageSpeed"}, 20},
	{"f1_racecontrol", map[string]any{"queryType": "raceControl"}, 0},
	{"f1_racecontrol_annotations", map[string]any{"queryType": "raceControl", "view": "annotations"}, 0},
	{"f1_predictions", map[string]any{"queryType": "predictions"}, 0},
	{"f1_predictions_series_cliff", map[string]any{"queryType": "predictions", "view": "series", "model": "tyre_cliff"}, 0},
	{"f1_predictions_latest_lec", map[string]any{"queryType": "predictions", "view": "latest", "drivers": []string{"LEC"}}, 0},
}

// TestF1GoldenFrames: each F1 query type through QueryData over a simulated
// race in kfake (JSON records, docs/DESIGN.md's partition counts, several topics
// merged by time). Regenerate with
// `go test ./pkg/plugin -run TestF1GoldenFrames -update` and read the diff.
func TestF1GoldenFrames(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	for _, gc := range f1GoldenCases {
		t.Run(gc.name, func(t *testing.T) {
			res := f1Query(t, d, race, gc.query, gc.mdp, nil)
			if res.Error != nil {
				t.Fatal(res.Error)
			}
			for _, f := range res.Frames {
				if f.Rows() == 0 {
					t.Errorf("frame %q is empty: the race should give it rows", f.Name)
				}
			}
			experimental.CheckGoldenJSONResponse(t, "testdata", gc.name, &res, *update)
		})
	}
}

func frameJSON(t testing.TB, frames data.Frames) string {
	t.Helper()
	b, err := json.Marshal(backend.DataResponse{Frames: frames})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
