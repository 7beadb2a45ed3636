package f1

import "math"

// Gear anomaly names, in Event.Anomaly and Derived.Anomaly.
const (
	AnomalyLugging      = "lugging"       // rpm too low for full throttle in a high gear
	AnomalyOverRev      = "over_rev"      // rpm above the limit
	AnomalyGearMismatch = "gear_mismatch" // speed and rpm imply another gear
	AnomalyUpshiftSkip  = "upshift_skip"  // an upshift that skipped a gear
)

// anomalyRun tracks consecutive samples in one anomalous condition.
type anomalyRun struct {
	n       int
	startTs int64
	lastTs  int64
	peak    float64 // the most extreme value seen (see stepAnomaly)
	gear    int     // reported gear at the peak
	other   int     // implied gear (mismatch) at the peak
	speed   float64 // at the peak
	rpm     float64 // at the peak
	// confirmed: long enough to be an anomaly (alert raised).
	confirmed bool
}

// anomalyRuns is one car's state for every gear anomaly.
type anomalyRuns struct {
	lug, rev, mm anomalyRun
}

// impliedGear is the gear whose k is nearest to ratio (km/h per 1,000 rpm),
// with the relative distance to it.
func impliedGear(ratio float64, k *[9]float64) (gear int, dev float64) {
	dev = math.Inf(1)
	for g := 1; g <= 8; g++ {
		if k[g] <= 0 {
			continue
		}
		if d := math.Abs(ratio/k[g] - 1); d < dev {
			gear, dev = g, d
		}
	}
	return gear, dev
}

// mismatch reports whether a sample's speed and rpm point clearly at another
// gear: the ratio is more than MismatchPct from the reported gear's
// calibrated k and within MismatchPct/2 of another gear's. It judges only
// samples under power (throttle at least MismatchMinThrottlePct, brake
// off) at speed; samples the spin rule covers (slip above threshold at spin
// throttle) are left to it, since spin also makes rpm too high for the
// speed and a gear-low reading cannot be told from spin on one sample.
func mismatch(t *Telemetry, k *[9]float64, r *Rules, spinning bool) (other int, ok bool) {
	g := t.Gear
	if spinning || g < 1 || g > 8 || k[g] <= 0 || t.SpeedKph < r.MismatchMinSpeedKph || t.RPM < 4000 ||
		t.ThrottlePct < r.MismatchMinThrottlePct || t.Brake >= r.BrakeOnPct {
		return 0, false
	}
	ratio := t.SpeedKph / (t.RPM / 1000)
	tol := r.MismatchPct / 100
	if math.Abs(ratio/k[g]-1) <= tol {
		return 0, false
	}
	other, dev := impliedGear(ratio, k)
	if other == g || dev > tol/2 {
		return 0, false
	}
	return other, true
}

// detectAnomalies runs the four gear checks on one sample. steady means the
// gear did not change since the previous sample (within MaxGapMs); gap
// means the previous sample is missing or too old.
func (a *Analyzer) detectAnomalies(s *driverState, t *Telemetry, steady, gap bool, d *Derived, out []Alert) []Alert {
	r := &a.rules
	ar := &s.anom
	var active bool

	overRev := t.RPM > r.OverRevRPM
	out, active = a.stepAnomaly(s, &ar.rev, AnomalyOverRev, overRev, gap, t, t.RPM, 0, 1, 0, out)
	if active {
		d.Anomaly = AnomalyOverRev
	}

	if !gap && s.hasPrev && s.prevGear >= 1 && t.Gear >= s.prevGear+2 && t.Gear <= 8 {
		e := Event{
			RaceID: s.raceID, Driver: s.driver, Kind: AlertGearAnomaly, Anomaly: AnomalyUpshiftSkip,
			Severity: SeverityLow, StartTs: s.prevTs, EndTs: t.Ts, Peak: float64(t.Gear),
			Gear: t.Gear, OtherGear: s.prevGear, SpeedKph: t.SpeedKph, RPM: t.RPM, Samples: 2,
		}
		a.record(e)
		out = a.raise(s, out, AlertGearAnomaly, AnomalyUpshiftSkip, e.StartTs, e.Severity, e.Peak, e.Message())
		if d.Anomaly == "" {
			d.Anomaly = AnomalyUpshiftSkip
		}
	}

	spinning := t.ThrottlePct >= r.SpinMinThrottlePct && t.Brake < r.BrakeOnPct &&
		d.SlipValid && d.SlipPct > r.SpinThresholdPct
	other, mm := mismatch(t, &s.calib.K, r, spinning)
	mm = mm && steady
	out, active = a.stepAnomaly(s, &ar.mm, AnomalyGearMismatch, mm, gap, t, float64(other), other,
		r.AnomalyMinSamples, r.MismatchMinMs, out)
	if active && d.Anomaly == "" {
		d.Anomaly = AnomalyGearMismatch
	}

	lug := steady && t.Gear >= r.LugMinGear && t.Gear <= 8 && t.RPM > 0 && t.RPM < r.LugMaxRPM &&
		t.ThrottlePct >= r.LugMinThrottlePct && t.ThrottlePct <= 100
	out, active = a.stepAnomaly(s, &ar.lug, AnomalyLugging, lug, gap, t, r.LugMaxRPM-t.RPM, 0,
		r.AnomalyMinSamples, 0, out)
	if active && d.Anomaly == "" {
		d.Anomaly = AnomalyLugging
	}
	return out
}

// stepAnomaly advances one anomaly run. v is the sample's badness (larger
// is worse); the run keeps its largest. The run is confirmed once it has
// minN samples spanning at least minMs: then the onset alert is raised, and
// the Event is recorded when the run ends. It reports whether the sample is
// part of a confirmed anomaly.
func (a *Analyzer) stepAnomaly(s *driverState, run *anomalyRun, name string, cond, gap bool,
	t *Telemetry, v float64, other, minN int, minMs int64, out []Alert) ([]Alert, bool) {
	if gap || !cond {
		a.endAnomaly(s, run, name)
		if !cond {
			return out, false
		}
	}
	if run.n == 0 {
		run.startTs = t.Ts
		run.peak = math.Inf(-1)
	}
	run.n++
	run.lastTs = t.Ts
	if v > run.peak {
		run.peak, run.gear, run.other, run.speed, run.rpm = v, t.Gear, other, t.SpeedKph, t.RPM
	}
	if !run.confirmed && run.n >= minN && run.lastTs-run.startTs >= minMs {
		run.confirmed = true
		e := anomalyEvent(s, run, name)
		out = a.raise(s, out, AlertGearAnomaly, name, run.startTs, e.Severity, e.Peak, e.Message())
	}
	return out, run.confirmed
}

// endAnomaly closes a run, recording its Event if it was confirmed.
func (a *Analyzer) endAnomaly(s *driverState, run *anomalyRun, name string) {
	if run.confirmed {
		a.record(anomalyEvent(s, run, name))
	}
	*run = anomalyRun{}
}

// anomalyEvent builds the Event of a run. Peak is the rpm for over-rev and
// lugging (the lowest rpm), the implied gear for a mismatch.
func anomalyEvent(s *driverState, run *anomalyRun, name string) Event {
	e := Event{
		RaceID: s.raceID, Driver: s.driver, Kind: AlertGearAnomaly, Anomaly: name,
		StartTs: run.startTs, EndTs: run.lastTs, Gear: run.gear, SpeedKph: run.speed,
		RPM: run.rpm, Samples: run.n, Severity: SeverityMedium,
	}
	switch name {
	case AnomalyOverRev:
		e.Severity, e.Peak = SeverityHigh, run.rpm
	case AnomalyLugging:
		e.Peak = run.rpm
	case AnomalyGearMismatch:
		e.Peak, e.OtherGear = float64(run.other), run.other
	}
	return e
}
