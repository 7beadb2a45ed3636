package plugin

import (
	"encoding/json"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// TestPredictionsQueryShowsWhatWasPublished: a 15-lap race's f1-predictions,
// read by the predictions query type, give per driver the series of the
// chosen model and horizon point for point, and in the latest table each
// driver's last published values and reasons.
func TestPredictionsQueryShowsWhatWasPublished(t *testing.T) {
	cfg := goldenRaceConfig()
	cfg.Laps, cfg.Seed, cfg.SpinPerLap, cfg.AnomalyPerLap, cfg.HotBrakesPerRace = 15, 3, -1, -1, -1
	cfg.Drivers, _ = f1.ParseDrivers("VER,LEC,NOR,HAM,PIA")
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, cfg, f1SchemaIDs{})
	produceRace(t, c, race)

	// What was published, decoded back.
	type key struct{ driver, model string }
	last := map[key]f1.Prediction{}
	count3 := map[string]int{}
	for _, r := range race.byTopic[f1.TopicPredictions] {
		var p f1.Prediction
		if err := json.Unmarshal(r.value, &p); err != nil {
			t.Fatal(err)
		}
		m := p.Model
		if p.Model == f1.ModelPitWindow {
			m = map[int]string{1: "pit_window_1", 3: "pit_window_3", 5: "pit_window_5"}[p.HorizonLaps]
			if p.HorizonLaps == 3 {
				count3[p.Driver]++
			}
		}
		last[key{p.Driver, m}] = p
	}
	if len(count3) != 5 || count3["VER"] < 10 {
		t.Fatalf("pit-window predictions per driver: %v", count3)
	}

	res := f1Query(t, d, race, map[string]any{"queryType": "predictions", "view": "series"}, 0, nil)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	points := map[string]int{}
	for _, f := range res.Frames {
		if f.Name != "pit_window_3" || len(f.Fields) != 2 || f.Fields[1].Labels["driver"] == "" {
			t.Fatalf("series frame %q fields %d labels %v", f.Name, len(f.Fields), f.Fields[1].Labels)
		}
		points[f.Fields[1].Labels["driver"]] += f.Rows()
	}
	for drv, n := range count3 {
		if points[drv] != n {
			t.Errorf("%s: %d points drawn, %d pit_window_3 predictions published", drv, points[drv], n)
		}
	}

	res = f1Query(t, d, race, map[string]any{"queryType": "predictions", "view": "latest"}, 0, nil)
	if res.Error != nil || len(res.Frames) != 1 || res.Frames[0].Name != "predictions" {
		t.Fatalf("latest: %v %v", res.Error, res.Frames)
	}
	f := res.Frames[0]
	if f.Rows() != 5 {
		t.Fatalf("%d rows, want one per driver", f.Rows())
	}
	col := func(name string) int {
		_, i := f.FieldByName(name)
		if i < 0 {
			t.Fatalf("no field %s", name)
		}
		return i
	}
	for i := 0; i < f.Rows(); i++ {
		drv := f.Fields[col("driver")].At(i).(string)
		for _, m := range []string{"pit_window_1", "pit_window_3", "pit_window_5", "tyre_cliff"} {
			got := f.Fields[col(m)].At(i).(*float64)
			want := last[key{drv, m}]
			if got == nil || *got != want.Probability {
				t.Errorf("%s %s: %v, want %v", drv, m, got, want.Probability)
			}
		}
		if r := f.Fields[col("pit_reasons")].At(i).(string); r != last[key{drv, "pit_window_3"}].Reasons || r == "" {
			t.Errorf("%s reasons %q", drv, r)
		}
	}

	// Bad options are refused with what to do.
	for _, q := range []map[string]any{
		{"queryType": "predictions", "horizonLaps": 4},
		{"queryType": "predictions", "model": "tyre_cliff", "horizonLaps": 3},
		{"queryType": "predictions", "model": "fuel"},
		{"queryType": "predictions", "view": "events"},
	} {
		if res := f1Query(t, d, race, q, 0, nil); res.Error == nil {
			t.Errorf("%v was accepted", q)
		}
	}
}
