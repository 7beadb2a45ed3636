package main

import (
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// predictions runs pkg/f1/predict on the timing and race control a run
// publishes and publishes what it predicts on f1-predictions, keyed by
// model: at the end of each lap of each running car, the pit window within
// 1, 3 and 5 laps and the tyre cliff. A nil *predictions does nothing
// (--predictions=false).
type predictions struct {
	p   *predict.Predictor
	buf []f1.Prediction
}

func newPredictions(on bool, pitLossS float64, totalLaps int) *predictions {
	if !on {
		return nil
	}
	return &predictions{p: predict.New(predict.Config{PitLossS: pitLossS, TotalLaps: totalLaps})}
}

// position publishes the predictions made on p, which was just sent (its
// ts is the predictions' ts).
func (pr *predictions) position(snk *sink, p *f1.Position) error {
	if pr == nil {
		return nil
	}
	pr.buf = pr.p.Observe(p, pr.buf)
	for i := range pr.buf {
		if err := snk.prediction(&pr.buf[i]); err != nil {
			return err
		}
	}
	return nil
}

// raceControl tells the predictor about SC/VSC and the race distance.
func (pr *predictions) raceControl(r *f1.RaceControl) {
	if pr != nil {
		pr.p.RaceControl(r)
	}
}

// pitLossOfFiles is the pit loss of the circuit recorded files name
// (f1.CircuitInName: monza2024_race/laps.csv is Monza), else 22 s (the
// predictor's own default, a typical circuit).
func pitLossOfFiles(paths []string) float64 {
	for _, p := range paths {
		if c, ok := f1.CircuitInName(p); ok {
			return c.PitLossS
		}
	}
	return 22
}
