package replay

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// xy is a car's position (1/10 m, the FastF1 circuit frame) at T seconds
// on a location file's own clock.
type xy struct{ T, X, Y float64 }

// Grid-start detection thresholds.
const (
	stillMS      = 1.0   // a car moving slower than this (m/s) stands still
	movingMS     = 2.0   // a car faster than this has left its grid slot
	fieldShare   = 0.75  // share of the cars that must agree
	standstillS  = 10.0  // shortest grid standstill before a start
	launchAccMS2 = 10.0  // a start's acceleration (0–100 km/h in about 2.7 s) ...
	reactionS    = 0.2   // ... after the drivers' reaction to the lights
	matchRadiusM = 800.0 // how far from its grid slot the lap-1 leader may be as lap 1 ends (the timing line is not the grid; 300 km/h is 83 m/s)
)

// startCandidate is a moment the field left a standstill.
type startCandidate struct {
	T      float64 // estimated lights out on the file's clock
	Still  float64 // when the standstill began
	Leader string  // not used by the search; for messages
}

// gridStarts finds every moment the field leaves a standstill of at least
// standstillS: the last sample at which most cars stood still, followed by
// one at which most cars move. Lights out is placed inside that step from
// how far the cars got (the median car): d = a·(Δ − reaction)²/2.
func gridStarts(tracks map[string][]xy) []startCandidate {
	times := map[float64]bool{}
	for _, tr := range tracks {
		for _, s := range tr {
			times[s.T] = true
		}
	}
	ts := make([]float64, 0, len(times))
	for t := range times {
		ts = append(ts, t)
	}
	sort.Float64s(ts)
	// speed of each car over the step ending at t, m/s
	speed := func(tr []xy, t float64) (float64, float64, bool) {
		i := sort.Search(len(tr), func(i int) bool { return tr[i].T >= t })
		if i == 0 || i >= len(tr) || tr[i].T != t {
			return 0, 0, false
		}
		a, b := tr[i-1], tr[i]
		d := math.Hypot(b.X-a.X, b.Y-a.Y) / 10
		return d / (b.T - a.T), d, true
	}
	var out []startCandidate
	stillSince := math.NaN()
	for k, t := range ts {
		var still, moving, n int
		var dists []float64
		for _, tr := range tracks {
			v, d, ok := speed(tr, t)
			if !ok {
				continue
			}
			n++
			switch {
			case v < stillMS:
				still++
			case v > movingMS:
				moving++
				dists = append(dists, d)
			}
		}
		if n == 0 {
			continue
		}
		switch {
		case float64(still) >= fieldShare*float64(n):
			if math.IsNaN(stillSince) {
				stillSince = t
			}
		case float64(moving) >= fieldShare*float64(n) && !math.IsNaN(stillSince) && k > 0 && ts[k-1]-stillSince >= standstillS:
			step := t - ts[k-1]
			slices.Sort(dists)
			d := dists[len(dists)/2]
			dt := math.Min(step, reactionS+math.Sqrt(2*d/launchAccMS2))
			out = append(out, startCandidate{T: t - dt, Still: stillSince})
			stillSince = math.NaN()
		default:
			stillSince = math.NaN()
		}
	}
	return out
}

// at interpolates a track at time t.
func at(tr []xy, t float64) (float64, float64, bool) {
	i := sort.Search(len(tr), func(i int) bool { return tr[i].T >= t })
	switch {
	case i < len(tr) && tr[i].T == t:
		return tr[i].X, tr[i].Y, true
	case i == 0 || i >= len(tr):
		return 0, 0, false
	}
	a, b := tr[i-1], tr[i]
	f := (t - a.T) / (b.T - a.T)
	return a.X + f*(b.X-a.X), a.Y + f*(b.Y-a.Y), true
}

// lapOne is what the laps say about the first lap: the leader and how
// long after lights out it crossed the line.
type lapOne struct {
	Leader string
	AfterS float64
}

// lightsOutOn puts a location file's clock on the race: it returns the
// file time of lights out. Of the moments the field left a standstill it
// takes the one after which the lap-1 leader is back near its grid slot
// when the laps say it completed lap 1 (a formation-lap start is not); with
// no laps, the last standstill before the field ran.
func lightsOutOn(tracks map[string][]xy, one *lapOne) (float64, error) {
	cands := gridStarts(tracks)
	if len(cands) == 0 {
		return 0, fmt.Errorf("found no grid standstill (%d s or more with %.0f %% of the cars still) followed by a start", int(standstillS), fieldShare*100)
	}
	if one == nil || tracks[one.Leader] == nil {
		return cands[0].T, nil
	}
	best, bestM := -1, math.Inf(1)
	tr := tracks[one.Leader]
	for i, c := range cands {
		gx, gy, ok1 := at(tr, c.T)
		x, y, ok2 := at(tr, c.T+one.AfterS)
		if !ok1 || !ok2 {
			continue
		}
		if m := math.Hypot(x-gx, y-gy) / 10; m < bestM {
			best, bestM = i, m
		}
	}
	if best < 0 || bestM > matchRadiusM {
		return 0, fmt.Errorf("no grid start fits the laps: %s is never near its grid slot %.0f s after one (closest %.0f m)",
			one.Leader, one.AfterS, bestM)
	}
	return cands[best].T, nil
}
