package f1

// GearDistribution is the share of time (and of samples) a car spent in
// each gear, for the "gear distribution" panel. Time is credited to the
// gear of the earlier of two consecutive samples; steps longer than
// gearDistMaxStepMs (a gap in the data) or backwards in time credit nothing.
type GearDistribution struct {
	Samples  [9]int64 // samples per gear (0 = neutral)
	TimeMs   [9]int64 // time per gear, ms
	Invalid  int64    // samples with a gear outside 0–8
	lastGear int
	lastTs   int64
	has      bool
}

const gearDistMaxStepMs = 2000

// Add counts one sample in gear at ts (ms).
func (g *GearDistribution) Add(gear int, ts int64) {
	if gear < 0 || gear > 8 {
		g.Invalid++
		g.has = false
		return
	}
	if g.has {
		if dt := ts - g.lastTs; dt > 0 && dt <= gearDistMaxStepMs {
			g.TimeMs[g.lastGear] += dt
		}
	}
	g.Samples[gear]++
	g.lastGear, g.lastTs, g.has = gear, ts, true
}

// Totals is the number of valid samples and the time credited.
func (g *GearDistribution) Totals() (samples, timeMs int64) {
	for i := range g.Samples {
		samples += g.Samples[i]
		timeMs += g.TimeMs[i]
	}
	return samples, timeMs
}

// TimeShares is the fraction of time in each gear (sums to 1), or the
// sample shares when no time has been credited yet (a single sample).
func (g *GearDistribution) TimeShares() [9]float64 {
	_, total := g.Totals()
	if total == 0 {
		return g.SampleShares()
	}
	var out [9]float64
	for i, v := range g.TimeMs {
		out[i] = float64(v) / float64(total)
	}
	return out
}

// SampleShares is the fraction of samples in each gear (sums to 1, or all
// zero before the first sample).
func (g *GearDistribution) SampleShares() [9]float64 {
	var out [9]float64
	total, _ := g.Totals()
	if total == 0 {
		return out
	}
	for i, v := range g.Samples {
		out[i] = float64(v) / float64(total)
	}
	return out
}
