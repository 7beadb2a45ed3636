package predictfit

import (
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// Run replays the race through a predictor with coefficients c (nil for
// predict.Default) and through the fixed-life baseline.
func Run(r Race, c *predict.PitModel, keepSamples bool) (p *predict.Predictor, model, baseline []f1.Prediction) {
	p = predict.New(predict.Config{PitLossS: r.PitLossS, TotalLaps: r.Total, Model: c, KeepSamples: keepSamples})
	b := &predict.Baseline{TotalLaps: r.Total}
	var buf []f1.Prediction
	for i := range r.Items {
		it := &r.Items[i]
		switch it.Type {
		case f1.RaceControlRecord:
			p.RaceControl(&it.RC)
		case f1.PositionRecord:
			buf = p.Observe(&it.Pos, buf)
			model = append(model, buf...)
			buf = b.Observe(&it.Pos, buf)
			baseline = append(baseline, buf...)
		}
	}
	return p, model, baseline
}

// Samples are the race's one-lap samples labelled with its true stops.
// Samples taken on an in-lap are left out, as ScorePitWindow leaves out
// predictions made on one.
func Samples(r Race) []predict.Sample {
	p, _, _ := Run(r, nil, true)
	in := map[string]bool{}
	for _, s := range r.Stops {
		in[fmt.Sprint(s.Driver, "/", s.InLap)] = true
	}
	var out []predict.Sample
	for _, s := range p.Samples() {
		if in[fmt.Sprint(s.Driver, "/", s.Lap)] {
			continue
		}
		for i, h := range predict.Horizons {
			for l := s.Lap + 1; l <= s.Lap+h; l++ {
				s.Within[i] = s.Within[i] || in[fmt.Sprint(s.Driver, "/", l)]
			}
		}
		out = append(out, s)
	}
	return out
}

// PriorStrength is the precision of the Gaussian prior of the fit: each
// coefficient is pulled towards predict.Prior as if by a couple of stops.
const PriorStrength = 2.0

// Fit fits the pit-window model on races.
func Fit(races []Race) (predict.PitModel, int, error) {
	var all []predict.Sample
	for _, r := range races {
		all = append(all, Samples(r)...)
	}
	c, err := predict.FitPitModel(all, predict.Prior, PriorStrength)
	return c, len(all), err
}

// Scores are a race's model and baseline scores.
type Scores struct {
	Race            string
	Model, Baseline predict.Score
	// ModelAtBaselineAlarms is how many stops the model flags with as many
	// "within 3 laps" alarms as the baseline raised (its highest ones).
	ModelAtBaselineAlarms int
}

// Evaluate scores model c on a race against the fixed-life baseline.
func Evaluate(r Race, c *predict.PitModel) Scores {
	_, m, b := Run(r, c, false)
	s := Scores{Race: r.Name, Model: predict.ScorePitWindow(m, r.Stops), Baseline: predict.ScorePitWindow(b, r.Stops)}
	s.ModelAtBaselineAlarms = predict.FlaggedWithin(m, r.Stops, s.Baseline.Alarms)
	return s
}
