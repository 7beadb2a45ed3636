package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// TestPredictionsScoredAgainstTheTruthFile runs `producer race --truth`,
// reads f1-predictions back and scores the pit window against the pit
// stops the simulator decided (its truth file), with the fixed-life
// baseline on the published timing for comparison.
func TestPredictionsScoredAgainstTheTruthFile(t *testing.T) {
	addr := newBroker(t)
	truthPath := filepath.Join(t.TempDir(), "truth.jsonl")
	code, out, errOut := cli(t, context.Background(), []string{"PITWALL_BROKERS=" + addr}, "race", "--speed", "max",
		"--laps", "30", "--rate", "1", "--seed", "4", "--race-id", "truth-4", "--truth", truthPath)
	if code != 0 || !strings.Contains(out, "predictions ") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	data, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	var stops []predict.Stop
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var tr sim.Truth
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatal(err)
		}
		if tr.Kind == sim.TruthPitStop {
			stops = append(stops, predict.Stop{Driver: tr.Driver, InLap: tr.Lap})
		}
	}
	d := newDecoder(t, "")
	preds := decodeTopic(t, d, addr, f1.TopicPredictions, prTs, prKey)
	pos := decodeTopic(t, d, addr, f1.TopicPositions, posTs, posKey)
	var base, buf []f1.Prediction
	b := &predict.Baseline{TotalLaps: 30}
	for i := range pos { // by key: each driver's records in order, which is all the baseline needs
		buf = b.Observe(&pos[i], buf)
		base = append(base, buf...)
	}
	m, bs := predict.ScorePitWindow(preds, stops), predict.ScorePitWindow(base, stops)
	t.Logf("%d stops; Brier 3 laps model %.4f baseline %.4f; AUC model %.3f baseline %.3f; %d predictions",
		len(stops), m.Brier[3], bs.Brier[3], m.AUC, bs.AUC, len(preds))
	if len(stops) < 20 || m.N[3] < 400 || m.N[3] != bs.N[3] {
		t.Fatalf("%d stops, %d model and %d baseline predictions at 3 laps", len(stops), m.N[3], bs.N[3])
	}
	if m.AUC < bs.AUC+0.15 || m.Brier[3] > 0.8*bs.Brier[3] {
		t.Errorf("model AUC %.3f Brier3 %.4f vs baseline %.3f %.4f", m.AUC, m.Brier[3], bs.AUC, bs.Brier[3])
	}
	for _, p := range preds {
		if p.RaceID != "truth-4" || p.Reasons == "" || p.Probability < 0 || p.Probability > 1 {
			t.Fatalf("prediction %+v", p)
		}
	}
}

// TestReplayPublishesPredictions replays the real Monza 2024 laps and race
// control and finds on f1-predictions exactly what pkg/f1/predict makes of
// the same files (Monza's 24 s pit loss from the file names), scored
// against the race's real stops.
func TestReplayPublishesPredictions(t *testing.T) {
	files := []string{filepath.Join(realdata.Dir(t), "monza2024_race", "laps.csv"), filepath.Join(realdata.Dir(t), "monza2024_race", "race_control.csv")}
	addr := newBroker(t)
	keepForever(t, addr)
	code, out, errOut := cli(t, context.Background(), nil, append([]string{"replay", "--brokers", addr, "--speed", "max", "--keep-time",
		"--race-id", "monza24"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	got := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicPredictions, prTs, prKey)

	items, err := loadReplay(files, replay.Options{RaceID: "monza24"}, true, true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := predict.New(predict.Config{PitLossS: 24})
	var want, buf []f1.Prediction
	var pos []f1.Position
	for i := range items {
		switch it := &items[i]; it.Type {
		case f1.PositionRecord:
			buf = p.Observe(&it.Pos, buf)
			want = append(want, buf...)
			pos = append(pos, it.Pos)
		case f1.RaceControlRecord:
			p.RaceControl(&it.RC)
		}
	}
	if len(want) < 3000 {
		t.Fatalf("only %d predictions expected", len(want))
	}
	sameByKey(t, "predictions", got, want, prKey, func(x *f1.Prediction) *int64 { return &x.Ts }, 0, 0)
	if !strings.Contains(out, "predictions "+itoa(len(want))) {
		t.Errorf("the summary does not count %d predictions: %s", len(want), out)
	}
	s := predict.ScorePitWindow(got, predict.StopsFrom(pos))
	if s.Stops != 30 || s.Brier[3] > 0.075 || s.AUC < 0.85 {
		t.Errorf("published predictions score: %d stops, Brier3 %.4f, AUC %.3f (docs/predictions.md: 0.069, 0.867)", s.Stops, s.Brier[3], s.AUC)
	}
}
