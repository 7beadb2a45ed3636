package predict

import (
	"math"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func TestStopsFrom(t *testing.T) {
	pos := []f1.Position{
		// VER: lap-end records, an update within lap 3, a stop after lap 3.
		{Driver: "VER", Lap: 1}, {Driver: "VER", Lap: 2}, {Driver: "VER", Lap: 3}, {Driver: "VER", Lap: 3, Status: f1.StatusPit},
		{Driver: "VER", Lap: 4, PitStops: 1}, {Driver: "VER", Lap: 5, PitStops: 1},
		// TSU: retires in the pit lane after lap 2 (no higher count follows).
		{Driver: "TSU", Lap: 1}, {Driver: "TSU", Lap: 2, Status: f1.StatusPit},
		// LEC: out of order; stops after laps 1 and 3.
		{Driver: "LEC", Lap: 4, PitStops: 2}, {Driver: "LEC", Lap: 2, PitStops: 1}, {Driver: "LEC", Lap: 1}, {Driver: "LEC", Lap: 3, PitStops: 1},
		{Driver: "LEC", Lap: 5, PitStops: 2, Status: f1.StatusFinished},
	}
	got := StopsFrom(pos)
	want := []Stop{{"LEC", 1}, {"LEC", 3}, {"VER", 3}}
	if len(got) != len(want) {
		t.Fatalf("stops %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("stop %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestScorePitWindow(t *testing.T) {
	stops := []Stop{{"VER", 10}, {"HAM", 20}}
	preds := []f1.Prediction{
		// VER, lap 7: within 3 → stop at 10 is in (8..10): y = 1.
		{Driver: "VER", Lap: 7, Model: f1.ModelPitWindow, HorizonLaps: 3, Probability: 0.6},
		// VER, lap 6: the stop is 4 laps away: y = 0, an alarm that is wrong.
		{Driver: "VER", Lap: 6, Model: f1.ModelPitWindow, HorizonLaps: 3, Probability: 0.5},
		// VER on his in-lap: left out.
		{Driver: "VER", Lap: 10, Model: f1.ModelPitWindow, HorizonLaps: 3, Probability: 0.9},
		// HAM, lap 19: y = 1 but 0.2 < FlagAt: not flagged.
		{Driver: "HAM", Lap: 19, Model: f1.ModelPitWindow, HorizonLaps: 3, Probability: 0.2},
		// Other horizon and model.
		{Driver: "HAM", Lap: 19, Model: f1.ModelPitWindow, HorizonLaps: 1, Probability: 0.5},
		{Driver: "HAM", Lap: 19, Model: f1.ModelTyreCliff, Probability: 1},
	}
	s := ScorePitWindow(preds, stops)
	wantBrier3 := (0.4*0.4 + 0.5*0.5 + 0.8*0.8) / 3
	if math.Abs(s.Brier[3]-wantBrier3) > 1e-12 || s.N[3] != 3 {
		t.Errorf("Brier3 %v over %d, want %v over 3", s.Brier[3], s.N[3], wantBrier3)
	}
	if s.Brier[1] != 0.25 || s.N[1] != 1 || s.BaseRate[1] != 1 {
		t.Errorf("horizon 1: Brier %v N %d base %v", s.Brier[1], s.N[1], s.BaseRate[1])
	}
	if s.Stops != 2 || s.Flagged != 1 || s.FlaggedShare() != 0.5 {
		t.Errorf("flagged %d of %d", s.Flagged, s.Stops)
	}
	if s.Alarms != 2 || s.TrueAlarms != 1 || s.Precision() != 0.5 {
		t.Errorf("alarms %d true %d", s.Alarms, s.TrueAlarms)
	}
	// Positives 0.6 and 0.2, negative 0.5: 0.6 > 0.5, 0.2 < 0.5.
	if s.AUC != 0.5 {
		t.Errorf("AUC %v, want 0.5", s.AUC)
	}
	if FlaggedWithin(preds, stops, 1) != 1 || FlaggedWithin(preds, stops, 3) != 2 {
		t.Errorf("flagged within 1 alarm: %d, 3 alarms: %d", FlaggedWithin(preds, stops, 1), FlaggedWithin(preds, stops, 3))
	}
}

func TestAUC(t *testing.T) {
	// 0.9 beats all 3 negatives; 0.8 beats 2 and ties 1: (3 + 2.5) / 6.
	if a := auc([]float64{0.9, 0.8}, []float64{0.1, 0.2, 0.8}); math.Abs(a-5.5/6) > 1e-12 {
		t.Errorf("AUC %v, want %v", a, 5.5/6)
	}
	if auc(nil, []float64{1}) != 0.5 {
		t.Error("no positives: no skill")
	}
}

func TestScoreBinary(t *testing.T) {
	preds := []f1.Prediction{
		{Driver: "A", Lap: 1, Model: f1.ModelTyreCliff, Probability: 0.9},
		{Driver: "A", Lap: 2, Model: f1.ModelTyreCliff, Probability: 0.1},
		{Driver: "B", Lap: 1, Model: f1.ModelTyreCliff, Probability: 0.5},
		{Driver: "B", Lap: 1, Model: f1.ModelPitWindow, HorizonLaps: 1, Probability: 1},
	}
	s := ScoreBinary(preds, f1.ModelTyreCliff, 0, func(p *f1.Prediction) (bool, bool) { return p.Lap == 1 && p.Driver == "A", p.Driver == "A" })
	if s.N != 2 || s.Positives != 1 || math.Abs(s.Brier-0.01) > 1e-12 || s.AUC != 1 {
		t.Errorf("%+v", s)
	}
}
