package f1

// Wheel spin: slip % = (expected − actual) / expected × 100, where expected
// speed = rpm / 1000 × k[gear] and k is the car's gear table (km/h per 1,000
// rpm), calibrated online from steady full-throttle samples.
//
// Samples next to a gear change: the first sample in a new gear is skipped
// (SlipValid false; it neither extends nor breaks a spin run). The sample
// before a change cannot be known online without delaying every result, so
// the slip of the last samples before a gear change is reported. In the
// real FastF1 laps those samples show the opposite of spin: the gear
// channel flips up to one car sample after the rpm drops at an upshift, so
// the ratio is already the next gear's (slip about −15 %), and under
// braking the brake is on. Calibration, which has no such hurry, uses a
// sample only once the next one shows the same gear.

// medianWindow is a running median over the last size values: a ring in
// arrival order plus the same values kept sorted, so an insert costs two
// short memmoves and no allocation.
type medianWindow struct {
	ring   [maxCalibWindow]float64
	sorted [maxCalibWindow]float64
	n      int // values held
	head   int // next ring slot to write
}

// push adds v, dropping the oldest value once size values are held.
func (w *medianWindow) push(v float64, size int) {
	if w.n == size {
		old := w.ring[w.head]
		i := searchFloat(w.sorted[:w.n], old)
		copy(w.sorted[i:w.n-1], w.sorted[i+1:w.n])
		w.n--
	}
	w.ring[w.head] = v
	w.head++
	if w.head == size {
		w.head = 0
	}
	j := searchFloat(w.sorted[:w.n], v)
	copy(w.sorted[j+1:w.n+1], w.sorted[j:w.n])
	w.sorted[j] = v
	w.n++
}

// median of the values held; 0 when empty.
func (w *medianWindow) median() float64 {
	switch {
	case w.n == 0:
		return 0
	case w.n%2 == 1:
		return w.sorted[w.n/2]
	default:
		return (w.sorted[w.n/2-1] + w.sorted[w.n/2]) / 2
	}
}

// searchFloat is the first index i with s[i] >= v (s sorted ascending).
func searchFloat(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// GearCalibration is one car's gear table, calibrated online. It starts at
// the team's table and moves to the running median of the speed/rpm ratio
// of steady full-throttle samples in each gear, bounded to
// Rules.CalibMaxDriftPct of the team value so that spin or a wrong gear
// cannot drag it away.
type GearCalibration struct {
	Default [9]float64 // the team table it started from
	K       [9]float64 // the current table
	win     [9]medianWindow
	used    [9]int // samples that went into each gear's median, ever
}

// NewGearCalibration starts a calibration from a team's table.
func NewGearCalibration(def [9]float64) GearCalibration {
	return GearCalibration{Default: def, K: def}
}

// Samples is how many calibration samples gear g has taken in.
func (c *GearCalibration) Samples(g int) int {
	if g < 0 || g > 8 {
		return 0
	}
	return c.used[g]
}

// offer feeds one steady full-throttle ratio (km/h per 1,000 rpm) in gear
// g. Candidates too far from the default are rejected.
func (c *GearCalibration) offer(g int, ratio float64, r *Rules) {
	def := c.Default[g]
	if g < 1 || g > 8 || def <= 0 {
		return
	}
	drift := r.CalibMaxDriftPct / 100
	if ratio < def*(1-drift) || ratio > def*(1+drift) {
		return
	}
	w := &c.win[g]
	w.push(ratio, r.CalibWindow)
	c.used[g]++
	if w.n >= r.CalibMinSamples {
		c.K[g] = w.median()
	}
}

// calibCandidate is a sample that may calibrate once the next sample shows
// it was not next to a gear change.
type calibCandidate struct {
	ok    bool
	gear  int
	ratio float64
}

// spinRun tracks consecutive slipping samples for one car.
type spinRun struct {
	n       int
	startTs int64
	lastTs  int64
	peak    float64
	gear    int
	speed   float64 // at the peak
	rpm     float64 // at the peak
}

// slip computes the slip % of t against k. It is valid only in gears 1–8,
// in the same gear as the previous sample (not next to a gear change), and
// at speed and rpm where the ratio means something.
func slip(t *Telemetry, k *[9]float64, steady bool) (pct, expected float64, valid bool) {
	g := t.Gear
	if g < 1 || g > 8 || k[g] <= 0 || t.RPM < 3000 || t.SpeedKph < 30 {
		return 0, 0, false
	}
	expected = t.RPM / 1000 * k[g]
	pct = (expected - t.SpeedKph) / expected * 100
	return pct, expected, steady
}

// calibrate runs the one-sample-lag calibration: the previous sample's
// candidate is used only when this sample is in the same gear (so it was
// not just before a gear change), then this sample becomes the candidate if
// it is steady, at full throttle and off the brake.
func (s *driverState) calibrate(t *Telemetry, steady bool, r *Rules) {
	if s.pending.ok && steady && t.Gear == s.pending.gear {
		s.calib.offer(s.pending.gear, s.pending.ratio, r)
	}
	s.pending.ok = steady && t.Gear >= 1 && t.Gear <= 8 &&
		t.ThrottlePct >= r.CalibMinThrottlePct && t.ThrottlePct <= 100 &&
		t.Brake < r.BrakeOnPct && t.RPM >= 6000 && t.SpeedKph >= 60
	if s.pending.ok {
		s.pending.gear = t.Gear
		s.pending.ratio = t.SpeedKph / (t.RPM / 1000)
	}
}

// detectSpin updates the spin run with one sample and reports whether the
// sample is part of a confirmed spin. When a run reaches SpinMinSamples it
// appends the onset alert; when a confirmed run ends it records an Event.
func (a *Analyzer) detectSpin(s *driverState, t *Telemetry, d *Derived, gap bool, out []Alert) []Alert {
	r := &a.rules
	run := &s.spin
	powered := t.ThrottlePct >= r.SpinMinThrottlePct && t.Brake < r.BrakeOnPct
	slipping := d.SlipValid && d.SlipPct > r.SpinThresholdPct
	switch {
	case gap || !powered || (d.SlipValid && !slipping):
		a.endSpin(s)
		return out
	case !d.SlipValid:
		// A sample next to a gear change neither extends nor breaks a run.
		if run.n >= r.SpinMinSamples {
			d.Spin, d.SpinStartTs = true, run.startTs
		}
		return out
	}
	if run.n == 0 {
		run.startTs = t.Ts
		run.peak = 0
	}
	run.n++
	run.lastTs = t.Ts
	if d.SlipPct > run.peak {
		run.peak, run.gear, run.speed, run.rpm = d.SlipPct, t.Gear, t.SpeedKph, t.RPM
	}
	if run.n >= r.SpinMinSamples {
		d.Spin = true
		d.SpinStartTs = run.startTs
	}
	if run.n == r.SpinMinSamples {
		out = a.raise(s, out, AlertWheelSpin, "", run.startTs, severityForSpin(run.peak, r), run.peak,
			spinMessage(s.driver, run.peak, run.gear, run.speed))
	}
	return out
}

// endSpin closes the current spin run, recording an Event if it was one.
func (a *Analyzer) endSpin(s *driverState) {
	run := &s.spin
	if run.n >= a.rules.SpinMinSamples {
		a.record(Event{
			RaceID: s.raceID, Driver: s.driver, Kind: AlertWheelSpin,
			Severity: severityForSpin(run.peak, &a.rules),
			StartTs:  run.startTs, EndTs: run.lastTs, Peak: run.peak,
			Gear: run.gear, SpeedKph: run.speed, RPM: run.rpm, Samples: run.n,
		})
	}
	*run = spinRun{}
}

// severityForSpin: medium, or high when slip is at least twice the threshold.
func severityForSpin(peak float64, r *Rules) string {
	if peak >= 2*r.SpinThresholdPct {
		return SeverityHigh
	}
	return SeverityMedium
}
