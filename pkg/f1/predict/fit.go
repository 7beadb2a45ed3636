package predict

import (
	"errors"
	"fmt"
	"math"
)

// Sample is one pit-window observation: the features a driver had at the
// end of Lap for each horizon of Horizons. Within (a stop within that many
// laps) is filled in by the caller from what happened.
type Sample struct {
	Driver string
	Lap    int
	X      [len(Horizons)][nFeatures]float64
	Within [len(Horizons)]bool
}

// FitPitModel fits each horizon of the pit-window model (FitPitWindow).
func FitPitModel(samples []Sample, prior PitModel, strength float64) (PitModel, error) {
	var m PitModel
	for i := range Horizons {
		c, err := FitPitWindow(samples, i, prior[i], strength)
		if err != nil {
			return prior, err
		}
		m[i] = c
	}
	return m, nil
}

// signs says which way each coefficient may point: +1 only ≥ 0, −1 only
// ≤ 0, 0 either. A feature that by its meaning pushes towards a stop (an
// older or slower tyre, a free or cheap stop, a wave) may not be fitted to
// push away from one: with few stops and correlated features (wear trend
// and pace loss rise together) an unconstrained fit on one race can trade
// one against the other in a way that does not carry to the next race.
var signs = Coefficients{0, +1, 0, +1, +1, +1, +1, +1, -1, +1, +1, +1, 0, +1, 0, 0, 0}

// FitPitWindow fits the pit-window model of horizon Horizons[hz] to samples
// by maximum a posteriori logistic regression: the log-likelihood of the
// "stop within k laps" outcomes plus a Gaussian prior centred on prior with precision strength
// on every coefficient but the bias (which gets strength/100, so the base
// rate is learnt from the data), each coefficient kept to its sign (signs).
// Projected Newton with an active set and a halving line search; it fails
// on no samples or a singular system.
//
// It is how the model's coefficients are set: the scoring tests fit on one
// race and score on another (leave one race out), so no race is scored by
// coefficients that saw it.
func FitPitWindow(samples []Sample, hz int, prior Coefficients, strength float64) (Coefficients, error) {
	if len(samples) == 0 {
		return prior, errors.New("fitting the pit-window model: no samples")
	}
	lambda := func(i int) float64 {
		if i == xBias {
			return strength / 100
		}
		return strength
	}
	proj := func(b Coefficients) Coefficients {
		for i := range b {
			if signs[i] > 0 && b[i] < 0 || signs[i] < 0 && b[i] > 0 {
				b[i] = 0
			}
		}
		return b
	}
	obj := func(b Coefficients) float64 { // negative log posterior
		v := 0.0
		for i := range nFeatures {
			v += lambda(i) * (b[i] - prior[i]) * (b[i] - prior[i]) / 2
		}
		for _, s := range samples {
			z := dot(&b, &s.X[hz])
			if s.Within[hz] {
				v += softplus(-z)
			} else {
				v += softplus(z)
			}
		}
		return v
	}
	beta := proj(prior)
	cur := obj(beta)
	for iter := 0; iter < 200; iter++ {
		var g [nFeatures]float64
		var h [nFeatures][nFeatures]float64
		for i := range nFeatures {
			g[i] = lambda(i) * (beta[i] - prior[i])
			h[i][i] = lambda(i)
		}
		for _, s := range samples {
			x := &s.X[hz]
			p := sigmoid(dot(&beta, x))
			y := 0.0
			if s.Within[hz] {
				y = 1
			}
			w := p * (1 - p)
			for i, vi := range x {
				g[i] += (p - y) * vi
				for k, vk := range x {
					h[i][k] += w * vi * vk
				}
			}
		}
		// Active set: a coefficient at its bound whose gradient pushes it
		// out of bounds stays there (no step along it).
		for i := range nFeatures {
			if beta[i] == 0 && (signs[i] > 0 && g[i] > 0 || signs[i] < 0 && g[i] < 0) {
				for k := range nFeatures {
					h[i][k], h[k][i] = 0, 0
				}
				h[i][i], g[i] = 1, 0
			}
		}
		d, err := solve(h, g)
		if err != nil {
			return prior, fmt.Errorf("fitting the pit-window model: %w", err)
		}
		// Damped Newton: halve the step until the objective goes down.
		t, next, val := 1.0, beta, cur
		for ; t > 1e-6; t /= 2 {
			for i := range beta {
				next[i] = beta[i] - t*d[i]
			}
			next = proj(next)
			if val = obj(next); val <= cur {
				break
			}
		}
		if t <= 1e-6 {
			break
		}
		done := cur-val < 1e-10
		beta, cur = next, val
		if done {
			break
		}
	}
	return beta, nil
}

func dot(b *Coefficients, x *[nFeatures]float64) float64 {
	z := 0.0
	for i, v := range x {
		z += b[i] * v
	}
	return z
}

// softplus is log(1 + e^z), without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [nFeatures][nFeatures]float64, b [nFeatures]float64) ([nFeatures]float64, error) {
	const n = nFeatures
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return b, errors.New("singular system")
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [nFeatures]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, nil
}
