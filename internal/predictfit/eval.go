package predictfit

import (
	"path/filepath"

	"github.com/pitwall-f1/pitwall/internal/replay"
)

// EvaluationRaces are the real races of ../shared/data the model is scored
// on, replayed through the producer's parsers as a replay publishes them:
// Monza 2024 (FastF1 laps with pit flags, and OpenF1 race control) and
// Monaco 2023 (the per-lap summary, stops from compound changes).
func EvaluationRaces(shared string) ([]Race, error) {
	var out []Race
	for _, e := range []struct {
		name  string
		files []string
	}{
		{"Monza 2024", []string{"monza2024_race/laps.csv", "monza2024_race/race_control.csv"}},
		{"Monaco 2023", []string{"monaco2023_race_laps/data_Monaco_Grand_Prix_2023.csv"}},
	} {
		var files []*replay.File
		for _, f := range e.files {
			pf, err := replay.ParseFile(filepath.Join(shared, f), replay.Options{RaceID: e.name})
			if err != nil {
				return nil, err
			}
			files = append(files, pf)
		}
		items, err := replay.Merge(files)
		if err != nil {
			return nil, err
		}
		out = append(out, FromItems(e.name, items, PitLossOf(e.name)))
	}
	return out, nil
}
