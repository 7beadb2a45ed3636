package predict

import (
	"math"
	"testing"
)

func TestFuelCorrected(t *testing.T) {
	// Lap 1 of 50 is run with 99 kg on average: 3.168 s of fuel.
	if got := fuelCorrected(90, 1, 50); math.Abs(got-(90-0.032*99)) > 1e-9 {
		t.Errorf("lap 1 of 50: %v, want %v", got, 90-0.032*99)
	}
	// A car that loses nothing to its tyres gets faster by the fuel it
	// burns; corrected, its laps are equal.
	a, b := fuelCorrected(85+0.032*100*(1-9.5/50), 10, 50), fuelCorrected(85+0.032*100*(1-19.5/50), 20, 50)
	if math.Abs(a-b) > 1e-9 {
		t.Errorf("fuel-only laps corrected differently: %v and %v", a, b)
	}
	if fuelCorrected(80, 3, 0) != 80 {
		t.Error("an unknown race distance must leave the time alone")
	}
}

func laps(ts ...float64) []stintLap {
	out := make([]stintLap, len(ts))
	for i, v := range ts {
		out[i] = stintLap{lap: i + 2, age: i + 2, t: v, clean: true}
	}
	return out
}

func TestSlopeIgnoresOneSlowLap(t *testing.T) {
	// +0.1 s a lap, and one lap 3 s slow in traffic.
	ls := laps(80.0, 80.1, 83.2, 80.3, 80.4)
	if s, n := slope(ls); math.Abs(s-0.1) > 1e-9 || n != 5 {
		t.Errorf("slope %v over %d laps, want 0.1 over 5", s, n)
	}
	if s, n := slope(laps(80, 81)); s != 0 || n != 2 {
		t.Errorf("two laps are no trend: %v, %d", s, n)
	}
}

func TestOLSSlopeAndItsError(t *testing.T) {
	b, se := olsSlope(laps(80, 80.2, 80.4, 80.6, 80.8))
	if math.Abs(b-0.2) > 1e-9 {
		t.Errorf("slope %v, want 0.2", b)
	}
	// A perfect line still has the floor of lapNoiseS a lap: 0.2/√10.
	if math.Abs(se-lapNoiseS/math.Sqrt(10)) > 1e-9 {
		t.Errorf("standard error %v, want %v", se, lapNoiseS/math.Sqrt(10))
	}
	if _, se := olsSlope(laps(80, 81)); !math.IsInf(se, 1) {
		t.Error("two laps must have an infinite error")
	}
}

func TestPaceLoss(t *testing.T) {
	// Best three-lap stretch 80.0 (median of 80.1, 80.0, 79.9 ...), last two 81.5 and 82.5.
	if got := paceLoss(laps(80.1, 80.0, 79.9, 80.4, 81.5, 82.5)); math.Abs(got-2.0) > 1e-9 {
		t.Errorf("pace loss %v, want 2.0", got)
	}
	if got := paceLoss(laps(80, 79, 78, 77, 76)); got != 0 {
		t.Errorf("a car getting faster loses nothing: %v", got)
	}
	if paceLoss(laps(80, 90, 100)) != 0 {
		t.Error("three laps are too few to say")
	}
}
