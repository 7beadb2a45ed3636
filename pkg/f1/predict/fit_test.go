package predict

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synthetic draws samples whose "stop within 1 lap" follows coefficients c.
func synthetic(c Coefficients, n int, seed uint64) []Sample {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]Sample, n)
	for i := range out {
		var x [nFeatures]float64
		x[xBias] = 1
		for f := 1; f < nFeatures; f++ {
			x[f] = rng.Float64()
		}
		out[i].X[0] = x
		out[i].Within[0] = rng.Float64() < sigmoid(dot(&c, &x))
	}
	return out
}

func TestFitRecoversCoefficients(t *testing.T) {
	var truth Coefficients
	truth[xBias], truth[xAge], truth[xLoss], truth[xDemand] = -3, 2, 1.5, -1
	got, err := FitPitWindow(synthetic(truth, 40000, 1), 0, Coefficients{}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for i := range truth {
		if math.Abs(got[i]-truth[i]) > 0.25 {
			t.Errorf("%s: fitted %.2f, true %.2f", FeatureNames[i], got[i], truth[i])
		}
	}
}

func TestFitKeepsSignsAndPrior(t *testing.T) {
	// Data in which wear would push away from a stop: the fit may not say so.
	var truth Coefficients
	truth[xBias], truth[xDeg] = -2, -2
	got, err := FitPitWindow(synthetic(truth, 20000, 2), 0, Coefficients{}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if got[xDeg] != 0 {
		t.Errorf("deg fitted %.2f: it may only be ≥ 0", got[xDeg])
	}
	// A strong prior holds the coefficients where it is.
	got, err = FitPitWindow(synthetic(truth, 200, 3), 0, prior1, 1e6)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < nFeatures; i++ {
		if math.Abs(got[i]-prior1[i]) > 0.05 {
			t.Errorf("%s: %.3f moved from the prior %.3f", FeatureNames[i], got[i], prior1[i])
		}
	}
	if _, err := FitPitWindow(nil, 0, prior1, 1); err == nil {
		t.Error("no samples must be an error")
	}
}

func TestDefaultIsOrderedAndSigned(t *testing.T) {
	for k, c := range Default {
		for i, v := range c {
			if signs[i] > 0 && v < 0 || signs[i] < 0 && v > 0 {
				t.Errorf("horizon %d, %s = %.3f against its sign", Horizons[k], FeatureNames[i], v)
			}
		}
	}
	// A longer window starts from a higher base rate.
	if !(Default[0][xBias] < Default[1][xBias] && Default[1][xBias] < Default[2][xBias]) {
		t.Errorf("biases not increasing with the horizon: %.2f %.2f %.2f", Default[0][xBias], Default[1][xBias], Default[2][xBias])
	}
}
