package predict

import (
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// FixedLife is the naive baseline's compound life in laps, the same for
// every circuit: the tyre lives of Pitwall's simulator (soft 18, medium
// 30, hard 42); intermediates and wets are given the medium's.
var FixedLife = map[string]int{
	f1.TyreSoft: 18, f1.TyreMedium: 30, f1.TyreHard: 42, f1.TyreIntermediate: 30, f1.TyreWet: 30,
}

// Baseline is the naive pit-window rule the model is scored against: a car
// pits when its tyres reach a fixed life (FixedLife), so the probability of
// a stop within k laps is 1 when age + k reaches the life and 0 before.
type Baseline struct {
	TotalLaps int
	last      map[string]int
}

// Observe emits the baseline's pit-window predictions at the end of each
// newly completed lap (not on a lap that ends in the pit lane, nor once the
// race distance is run), as Predictor.Observe does.
func (b *Baseline) Observe(pos *f1.Position, out []f1.Prediction) []f1.Prediction {
	out = out[:0]
	if b.last == nil {
		b.last = map[string]int{}
	}
	if !valid(pos) || pos.Lap <= b.last[pos.Driver] {
		return out
	}
	b.last[pos.Driver] = pos.Lap
	if pos.Status == f1.StatusPit || pos.Status == f1.StatusFinished || b.TotalLaps > 0 && pos.Lap >= b.TotalLaps {
		return out
	}
	life := b.life(pos.Tyre)
	for _, h := range Horizons {
		p := 0.0
		if pos.TyreAgeLaps+h >= life {
			p = 1
		}
		out = append(out, f1.Prediction{Ts: pos.Ts, RaceID: pos.RaceID, Driver: pos.Driver, Lap: pos.Lap, Model: f1.ModelPitWindow,
			HorizonLaps: h, Probability: p, Reasons: fmt.Sprintf("%s age %d, fixed life %d", pos.Tyre, pos.TyreAgeLaps, life)})
	}
	return out
}

func (b *Baseline) life(c string) int {
	if l, ok := FixedLife[c]; ok {
		return l
	}
	return FixedLife[f1.TyreMedium]
}
