package predict

import (
	"fmt"
	"math"
)

// Tyre-cliff model. The loss of a tyre grows about linearly with age until
// the compound's life is used up; then it accelerates (the "cliff"). On the
// stint's clean, fuel-corrected laps the model compares the trend of the
// last cliffLaps laps with the trend of the laps before them:
//
//	P(accelerating) = Φ((Δ − cliffMinRise) / se(Δ))
//	P(past life)    = σ(cliffLifeK · (age/life − cliffLifeMid))
//	P(cliff)        = P(accelerating) · P(past life)
//
// Δ is the recent slope minus the earlier slope (s/lap), se(Δ) its standard
// error from the two least-squares fits (each floored at lapNoiseS of
// scatter a lap), so a noisy stint needs a bigger rise. cliffMinRise is
// the smallest rise worth calling a cliff: 0.15 s/lap more loss each lap is
// 1.5 s in ten laps, and over five laps of 0.2 s scatter a smaller rise is
// noise often enough (on linear wear with a 0.1 rise, one stint in three
// read as a cliff). P(past life) is one half at 0.9 of the compound's
// prior life (expectedLife) and 0.95 at 1.2: a rise on young tyres is
// graining or traffic, not the cliff. These constants are set by reasoning,
// not fitted; the simulator, whose tyres have a known cliff, scores them
// (docs/predictions.md).
const (
	cliffLaps    = 5
	cliffBase    = 3 // at least this many earlier clean laps
	cliffMinRise = 0.15
	cliffLifeK   = 10.0
	cliffLifeMid = 0.9
)

// cliffResult is the tyre-cliff model's output for one stint.
type cliffResult struct {
	p            float64
	base, recent float64 // slopes, s/lap
	ok           bool    // enough clean laps to say anything
}

func cliff(ls []stintLap, age int, life float64) cliffResult {
	if len(ls) < cliffLaps+cliffBase {
		return cliffResult{}
	}
	n := len(ls)
	early, late := ls[:n-cliffLaps], ls[n-cliffLaps-1:] // the late fit shares one lap with the early one
	b0, se0 := olsSlope(early)
	b1, se1 := olsSlope(late)
	d := b1 - b0
	se := math.Hypot(se0, se1)
	pAcc := normCDF((d - cliffMinRise) / se)
	pLife := sigmoid(cliffLifeK * (float64(age)/life - cliffLifeMid))
	return cliffResult{p: pAcc * pLife, base: b0, recent: b1, ok: true}
}

func (c cliffResult) reasons(compound string, age int, life float64) string {
	if !c.ok {
		return fmt.Sprintf("%s age %d of ~%.0f, fewer than %d clean laps on this set", compound, age, life, cliffLaps+cliffBase)
	}
	return fmt.Sprintf("%s age %d of ~%.0f, loss trend %+.2f s/lap before, %+.2f s/lap over the last %d laps (fuel-corrected)",
		compound, age, life, c.base, c.recent, cliffLaps)
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
