package predict

import (
	"math"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// predict builds the features of driver d at the end of pos.Lap and
// appends its predictions.
func (p *Predictor) predict(d *driver, pos *f1.Position, out []f1.Prediction) []f1.Prediction {
	total := p.total
	if total <= 0 {
		total = pos.Lap + 1
	}
	f := pitFeatures{
		compound: d.tyre, age: d.age, life: expectedLife(d.tyre, total), wave: p.wave(pos.Driver, pos.Lap), rival: p.rival(pos.Driver, pos.Lap),
		gapBehind: p.gapBehind(pos.Driver, pos.Lap), pitLoss: p.cfg.PitLossS,
		flag: p.flag, lapsLeft: total - pos.Lap,
		needStop: !p.wetRace && len(d.used) < 2,
	}
	switch p.flag {
	case f1.FlagSC:
		f.pitLoss *= scPitShare
	case f1.FlagVSC:
		f.pitLoss *= vscPitShare
	}
	clean := d.st.clean()
	recent := clean
	if len(recent) > degLaps {
		recent = recent[len(recent)-degLaps:]
	}
	f.deg, f.degLaps = slope(recent)
	f.loss = paceLoss(clean)
	fd := p.fieldOf(d.tyre, pos.Driver)
	for j := 1; j <= maxHorizon; j++ {
		f.field[j], f.fieldEnded, f.fieldKnown = fd.share(d.age + j)
		f.window[j] = fd.hazard(d.age + j)
	}
	why := f.reasons()
	prev := 0.0
	for _, h := range Horizons {
		// Each horizon has its own fit; a longer window can never be less
		// likely to hold a stop, so the probabilities are kept in order.
		pr := math.Max(prev, f.within(&p.model, h))
		prev = pr
		out = append(out, f1.Prediction{Ts: pos.Ts, RaceID: pos.RaceID, Driver: pos.Driver, Lap: pos.Lap, Model: f1.ModelPitWindow,
			HorizonLaps: h, Probability: round4(pr), Reasons: why})
	}
	if p.cfg.KeepSamples && len(p.samples) < maxSamples {
		s := Sample{Driver: pos.Driver, Lap: pos.Lap}
		for i, h := range Horizons {
			s.X[i] = f.features(h)
		}
		p.samples = append(p.samples, s)
	}
	c := cliff(clean, d.age, f.life)
	out = append(out, f1.Prediction{Ts: pos.Ts, RaceID: pos.RaceID, Driver: pos.Driver, Lap: pos.Lap, Model: f1.ModelTyreCliff,
		Probability: round4(c.p), Reasons: c.reasons(d.tyre, d.age, f.life)})
	return out
}

func round4(v float64) float64 {
	const k = 1e4
	return float64(int64(v*k+0.5)) / k
}
