package f1

import "fmt"

// Rules are the thresholds of every detector in this package. The producer
// (alerts on f1-alerts) and the plugin (derived alerts, annotations) use the
// same Rules so they agree on what an alert is. Start from DefaultRules and
// change what you need; Validate says what is wrong with a hand-built value.
//
// NewAnalyzer treats a zero field as "the default", so Rules{} behaves as
// DefaultRules(). To switch off MismatchMinMs, the hysteresis, the cooldown
// or the dedup window, set them negative.
type Rules struct {
	// OverspeedKph: an overspeed alert fires when speed goes above it.
	OverspeedKph float64
	// BrakeTempMediumC and BrakeTempHighC: brake temperature levels.
	BrakeTempMediumC, BrakeTempHighC float64
	// SpinThresholdPct: slip above this (percent) counts toward wheel spin.
	SpinThresholdPct float64
	// SpinMinSamples: consecutive slipping samples that make a spin event.
	SpinMinSamples int
	// SpinMinThrottlePct: spin is only judged at or above this throttle,
	// with the brake off.
	SpinMinThrottlePct float64

	// BrakeOnPct: brake at or above this (0–100) counts as "brake on".
	BrakeOnPct float64

	// CalibMinThrottlePct: only samples at or above this throttle, brake
	// off, steady gear, calibrate the per-car gear table.
	CalibMinThrottlePct float64
	// CalibWindow: samples per gear in the running median (at most 32).
	CalibWindow int
	// CalibMinSamples: window fill before the median replaces the default.
	CalibMinSamples int
	// CalibMaxDriftPct: the calibrated k stays within this of the team
	// default, and a candidate further than this from the default is
	// ignored (it is spin or a wrong gear, not a gear ratio).
	CalibMaxDriftPct float64

	// LugMaxRPM, LugMinThrottlePct, LugMinGear: lugging is rpm below
	// LugMaxRPM at LugMinThrottlePct or more in gear LugMinGear or higher.
	LugMaxRPM         float64
	LugMinThrottlePct float64
	LugMinGear        int
	// OverRevRPM: over-rev is rpm above it.
	OverRevRPM float64
	// MismatchPct: a gear mismatch needs the speed/rpm ratio this far
	// (percent) from the reported gear's k and within MismatchPct/2 of
	// another gear's k.
	MismatchPct float64
	// MismatchMinSpeedKph: below this speed the ratio is too noisy to judge.
	MismatchMinSpeedKph float64
	// MismatchMinThrottlePct: a mismatch is judged only at or above this
	// throttle with the brake off. Under braking and when coasting, FastF1's
	// gear channel lags the rpm by a few samples while the driver
	// downshifts, which is not an anomaly.
	MismatchMinThrottlePct float64
	// MismatchMinMs: a mismatch must last this long (and AnomalyMinSamples
	// samples). The gear channel also lags the rpm by up to one car sample
	// (~270 ms) at every upshift, more samples in merged FastF1 telemetry.
	MismatchMinMs int64
	// AnomalyMinSamples: consecutive samples that make a lugging or gear
	// mismatch event (over-rev and upshift skips need one).
	AnomalyMinSamples int
	// MaxGapMs: samples further apart than this do not continue a run
	// (spin, anomaly) and are not compared for gear skips.
	MaxGapMs int64

	// HysteresisKph and HysteresisC: an overspeed or brake-temperature
	// condition re-arms only after dropping this far below its threshold.
	HysteresisKph float64
	HysteresisC   float64
	// CooldownMs: least time between two alerts of one kind for one driver
	// (DRS excepted: every open and close is reported).
	CooldownMs int64
	// DedupWindowMs: alerts of one driver and kind within this window are
	// the same alert (MergeAlerts).
	DedupWindowMs int64
}

// DefaultRules are Pitwall's defaults: overspeed above 300 km/h, brake
// temperature above 600 °C (medium) and 800 °C (high), wheel spin above 8 %
// slip for 2 samples at 80 % throttle or more, lugging below 7,000 rpm at
// 90 % throttle or more in gear 3 or higher, over-rev above 12,500 rpm.
func DefaultRules() Rules {
	return Rules{
		OverspeedKph:           300,
		BrakeTempMediumC:       600,
		BrakeTempHighC:         800,
		SpinThresholdPct:       8,
		SpinMinSamples:         2,
		SpinMinThrottlePct:     80,
		BrakeOnPct:             1,
		CalibMinThrottlePct:    98,
		CalibWindow:            15,
		CalibMinSamples:        5,
		CalibMaxDriftPct:       5,
		LugMaxRPM:              7000,
		LugMinThrottlePct:      90,
		LugMinGear:             3,
		OverRevRPM:             12500,
		MismatchPct:            7,
		MismatchMinSpeedKph:    80,
		MismatchMinThrottlePct: 20,
		MismatchMinMs:          500,
		AnomalyMinSamples:      2,
		MaxGapMs:               2000,
		HysteresisKph:          10,
		HysteresisC:            25,
		CooldownMs:             5000,
		DedupWindowMs:          2000,
	}
}

// maxCalibWindow bounds CalibWindow so the per-gear windows are fixed arrays.
const maxCalibWindow = 32

// Validate reports the first rule that cannot work, naming the field.
func (r Rules) Validate() error {
	switch {
	case r.OverspeedKph <= 0:
		return fmt.Errorf("rules: OverspeedKph must be > 0, got %v", r.OverspeedKph)
	case r.BrakeTempMediumC <= 0 || r.BrakeTempHighC < r.BrakeTempMediumC:
		return fmt.Errorf("rules: need 0 < BrakeTempMediumC (%v) <= BrakeTempHighC (%v)", r.BrakeTempMediumC, r.BrakeTempHighC)
	case r.SpinThresholdPct <= 0 || r.SpinThresholdPct >= 100:
		return fmt.Errorf("rules: SpinThresholdPct must be in (0, 100), got %v", r.SpinThresholdPct)
	case r.SpinMinSamples < 1:
		return fmt.Errorf("rules: SpinMinSamples must be >= 1, got %d", r.SpinMinSamples)
	case r.SpinMinThrottlePct < 0 || r.SpinMinThrottlePct > 100:
		return fmt.Errorf("rules: SpinMinThrottlePct must be in [0, 100], got %v", r.SpinMinThrottlePct)
	case r.CalibWindow < 1 || r.CalibWindow > maxCalibWindow:
		return fmt.Errorf("rules: CalibWindow must be in [1, %d], got %d", maxCalibWindow, r.CalibWindow)
	case r.CalibMinSamples < 1 || r.CalibMinSamples > r.CalibWindow:
		return fmt.Errorf("rules: CalibMinSamples must be in [1, CalibWindow=%d], got %d", r.CalibWindow, r.CalibMinSamples)
	case r.CalibMaxDriftPct < 0:
		return fmt.Errorf("rules: CalibMaxDriftPct must be >= 0, got %v", r.CalibMaxDriftPct)
	case r.OverRevRPM <= r.LugMaxRPM:
		return fmt.Errorf("rules: OverRevRPM (%v) must be above LugMaxRPM (%v)", r.OverRevRPM, r.LugMaxRPM)
	case r.MismatchPct <= 0:
		return fmt.Errorf("rules: MismatchPct must be > 0, got %v", r.MismatchPct)
	case r.AnomalyMinSamples < 1:
		return fmt.Errorf("rules: AnomalyMinSamples must be >= 1, got %d", r.AnomalyMinSamples)
	case r.MaxGapMs <= 0:
		return fmt.Errorf("rules: MaxGapMs must be > 0, got %d", r.MaxGapMs)
	}
	return nil
}

// sanitized returns r with out-of-range fields replaced by defaults, so an
// Analyzer built from a zero or partial Rules still works.
func (r Rules) sanitized() Rules {
	d := DefaultRules()
	if r.OverspeedKph <= 0 {
		r.OverspeedKph = d.OverspeedKph
	}
	if r.BrakeTempMediumC <= 0 {
		r.BrakeTempMediumC = d.BrakeTempMediumC
	}
	if r.BrakeTempHighC < r.BrakeTempMediumC {
		r.BrakeTempHighC = max(d.BrakeTempHighC, r.BrakeTempMediumC)
	}
	if r.SpinThresholdPct <= 0 || r.SpinThresholdPct >= 100 {
		r.SpinThresholdPct = d.SpinThresholdPct
	}
	if r.SpinMinSamples < 1 {
		r.SpinMinSamples = d.SpinMinSamples
	}
	if r.SpinMinThrottlePct <= 0 || r.SpinMinThrottlePct > 100 {
		r.SpinMinThrottlePct = d.SpinMinThrottlePct
	}
	if r.BrakeOnPct <= 0 {
		r.BrakeOnPct = d.BrakeOnPct
	}
	if r.CalibMinThrottlePct <= 0 || r.CalibMinThrottlePct > 100 {
		r.CalibMinThrottlePct = d.CalibMinThrottlePct
	}
	if r.CalibWindow < 1 || r.CalibWindow > maxCalibWindow {
		r.CalibWindow = d.CalibWindow
	}
	if r.CalibMinSamples < 1 || r.CalibMinSamples > r.CalibWindow {
		r.CalibMinSamples = min(d.CalibMinSamples, r.CalibWindow)
	}
	if r.CalibMaxDriftPct <= 0 {
		r.CalibMaxDriftPct = d.CalibMaxDriftPct
	}
	if r.LugMaxRPM <= 0 {
		r.LugMaxRPM = d.LugMaxRPM
	}
	if r.LugMinThrottlePct <= 0 {
		r.LugMinThrottlePct = d.LugMinThrottlePct
	}
	if r.LugMinGear < 1 {
		r.LugMinGear = d.LugMinGear
	}
	if r.OverRevRPM <= r.LugMaxRPM {
		r.OverRevRPM = d.OverRevRPM
	}
	if r.MismatchPct <= 0 {
		r.MismatchPct = d.MismatchPct
	}
	if r.MismatchMinSpeedKph <= 0 {
		r.MismatchMinSpeedKph = d.MismatchMinSpeedKph
	}
	if r.MismatchMinThrottlePct <= 0 || r.MismatchMinThrottlePct > 100 {
		r.MismatchMinThrottlePct = d.MismatchMinThrottlePct
	}
	r.MismatchMinMs = zeroDefault(r.MismatchMinMs, d.MismatchMinMs)
	if r.AnomalyMinSamples < 1 {
		r.AnomalyMinSamples = d.AnomalyMinSamples
	}
	if r.MaxGapMs <= 0 {
		r.MaxGapMs = d.MaxGapMs
	}
	r.HysteresisKph = zeroDefault(r.HysteresisKph, d.HysteresisKph)
	r.HysteresisC = zeroDefault(r.HysteresisC, d.HysteresisC)
	r.CooldownMs = zeroDefault(r.CooldownMs, d.CooldownMs)
	r.DedupWindowMs = zeroDefault(r.DedupWindowMs, d.DedupWindowMs)
	return r
}

// zeroDefault: 0 means the default, a negative value means none (0).
func zeroDefault[T int64 | float64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}
