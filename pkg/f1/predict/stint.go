package predict

import (
	"math"
	"sort"
)

// Fuel correction. A car starts with about 100 kg of fuel and burns it
// evenly over the race distance; each kg costs about 0.032 s a lap (the
// usual 0.3 s per 10 kg of strategy models, and the constant of Pitwall's
// simulator). A lap's fuel-corrected time is its time minus the fuel
// effect, so what is left is the tyre (and the track).
const (
	startFuelKg = 100.0
	fuelSPerKg  = 0.032
)

// fuelCorrected is lap time t of lap `lap` of a `total`-lap race without
// the cost of the fuel on board during it.
func fuelCorrected(t float64, lap, total int) float64 {
	if total <= 0 {
		return t
	}
	left := startFuelKg * (1 - (float64(lap)-0.5)/float64(total))
	return t - fuelSPerKg*math.Max(0, left)
}

// stintLap is one lap of the current stint.
type stintLap struct {
	lap   int
	age   int     // tyre age at the end of the lap
	t     float64 // fuel-corrected lap time, s
	clean bool    // a racing lap: not lap 1, not an out- or in-lap, not under SC/VSC
}

// stint is the laps of a driver's current set of tyres.
type stint struct {
	compound string
	laps     []stintLap
}

// clean returns the clean laps, oldest first.
func (s *stint) clean() []stintLap {
	out := make([]stintLap, 0, len(s.laps))
	for _, l := range s.laps {
		if l.clean {
			out = append(out, l)
		}
	}
	return out
}

// slope is the Theil-Sen slope (the median of pairwise slopes) of lap time
// against tyre age, in s/lap, and how many laps it used. A robust slope: one
// lap in traffic does not make a trend.
func slope(ls []stintLap) (float64, int) {
	if len(ls) < 3 {
		return 0, len(ls)
	}
	var ss []float64
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			if dx := float64(ls[j].age - ls[i].age); dx > 0 {
				ss = append(ss, (ls[j].t-ls[i].t)/dx)
			}
		}
	}
	if len(ss) == 0 {
		return 0, len(ls)
	}
	return median(ss), len(ls)
}

// olsSlope is the least-squares slope of lap time against age and its
// standard error (from the residuals, with a floor of lapNoiseS).
func olsSlope(ls []stintLap) (b, se float64) {
	n := float64(len(ls))
	if n < 3 {
		return 0, math.Inf(1)
	}
	var mx, my float64
	for _, l := range ls {
		mx += float64(l.age)
		my += l.t
	}
	mx, my = mx/n, my/n
	var sxx, sxy float64
	for _, l := range ls {
		dx := float64(l.age) - mx
		sxx += dx * dx
		sxy += dx * (l.t - my)
	}
	if sxx == 0 {
		return 0, math.Inf(1)
	}
	b = sxy / sxx
	var rss float64
	for _, l := range ls {
		r := l.t - my - b*(float64(l.age)-mx)
		rss += r * r
	}
	sigma := math.Max(lapNoiseS, math.Sqrt(rss/math.Max(1, n-2)))
	return b, sigma / math.Sqrt(sxx)
}

// lapNoiseS is the lap-to-lap scatter of a clean racing lap (s): real
// Monza 2024 stints scatter by 0.15-0.3 s around their trend.
const lapNoiseS = 0.2

// paceLoss is how much slower the last two clean laps are than the best
// three-lap stretch of the stint (fuel-corrected, s, never negative): the
// time a fresh set would win back, from wear, a cliff or a drying or wet
// track.
func paceLoss(ls []stintLap) float64 {
	if len(ls) < 4 {
		return 0
	}
	best := math.Inf(1)
	for i := 0; i+3 <= len(ls); i++ {
		best = math.Min(best, median([]float64{ls[i].t, ls[i+1].t, ls[i+2].t}))
	}
	n := len(ls)
	last := (ls[n-1].t + ls[n-2].t) / 2
	return math.Max(0, last-best)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
