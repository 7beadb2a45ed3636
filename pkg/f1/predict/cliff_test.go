package predict

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// wornStint is a stint of n clean laps that loses wear s/lap, plus from
// lap cliffAt on 0.25 s more each lap (the simulator's cliff), with lap
// noise.
func wornStint(n, cliffAt int, wear float64, seed uint64) []stintLap {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]stintLap, n)
	for i := range out {
		age := i + 2
		t := 80 + wear*float64(age) + rng.NormFloat64()*0.15
		if over := age - cliffAt; cliffAt > 0 && over > 0 {
			t += 0.25 * float64(over*(over+1)) / 2
		}
		out[i] = stintLap{lap: age, age: age, t: t, clean: true}
	}
	return out
}

func TestCliffSeesAcceleratingLossPastLife(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		// 24 laps on a set whose life is 20, the cliff from age 20.
		c := cliff(wornStint(23, 20, 0.05, seed), 24, 20)
		if !c.ok || c.p < 0.8 {
			t.Errorf("seed %d: cliff past life: p = %.2f (slopes %.2f → %.2f), want ≥ 0.8", seed, c.p, c.base, c.recent)
		}
		// The same wear without a cliff.
		c = cliff(wornStint(23, 0, 0.05, seed), 24, 20)
		if c.p > 0.2 {
			t.Errorf("seed %d: linear wear: p = %.2f, want ≤ 0.2", seed, c.p)
		}
		// An accelerating loss at half the life is not the cliff.
		c = cliff(wornStint(9, 6, 0.05, seed), 10, 20)
		if c.p > 0.1 {
			t.Errorf("seed %d: young set: p = %.2f, want ≤ 0.1", seed, c.p)
		}
	}
	if c := cliff(wornStint(5, 0, 0.05, 1), 6, 20); c.ok || c.p != 0 {
		t.Errorf("5 clean laps are too few: %+v", c)
	}
	r := cliff(wornStint(23, 20, 0.05, 1), 24, 20).reasons("MEDIUM", 24, 20)
	if !strings.Contains(r, "MEDIUM age 24 of ~20") || !strings.Contains(r, "over the last 5 laps") {
		t.Errorf("reasons %q", r)
	}
}
