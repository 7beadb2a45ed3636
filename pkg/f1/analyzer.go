package f1

import "strings"

// Analyzer runs every per-sample detector — overspeed, DRS opened/closed,
// brake temperature, wheel spin and gear anomalies — over a stream of
// telemetry, keeping per-driver state keyed by driver code (reset when the
// driver's race id changes). Feed each driver's samples in time order;
// drivers may be interleaved. It is not safe for concurrent use.
//
// Observe returns the alerts raised on a sample (onsets: transitions into a
// condition). Conditions with a duration (spin, gear anomalies) are also
// reported as Events with start and end once they end: collect them with
// Events, and call Flush at the end of a time range.
type Analyzer struct {
	rules      Rules
	drivers    map[string]*driverState
	order      []*driverState // in first-seen order, for deterministic Flush
	last       *driverState   // cache: consecutive samples of one driver
	events     []Event
	dropped    int64
	suppressed int64
}

// Derived is what the Analyzer computed for one sample.
type Derived struct {
	SlipPct     float64 // wheel slip %, (expected − actual) / expected × 100
	SlipValid   bool    // false next to a gear change, in neutral or at low speed/rpm
	Spin        bool    // the sample is part of a confirmed spin (≥ SpinMinSamples)
	Anomaly     string  // the confirmed gear anomaly on this sample, "" if none
	SpinStartTs int64   // ts of the first sample of the spin, when Spin
	ExpectedKph float64 // rpm/1000 × calibrated k[gear]; 0 when not computable
	K           float64 // calibrated k for the sample's gear (km/h per 1,000 rpm)
	AvgSpeedKph float64 // running mean speed of this driver in this race
}

// driverState is everything the Analyzer remembers about one car.
type driverState struct {
	driver   string
	raceID   string
	calib    GearCalibration
	pending  calibCandidate
	hasPrev  bool
	prevGear int
	prevTs   int64
	spin     spinRun
	anom     anomalyRuns
	alert    alertState
	gears    GearDistribution
	avg      speedMean
}

// NewAnalyzer builds an Analyzer. Rules fields that are out of range (a zero
// Rules, say) fall back to DefaultRules; use Rules.Validate to reject them
// instead.
func NewAnalyzer(r Rules) *Analyzer {
	return &Analyzer{rules: r.sanitized(), drivers: make(map[string]*driverState, 24)}
}

// Rules returns the rules in use.
func (a *Analyzer) Rules() Rules { return a.rules }

// Observe runs every detector on one sample and appends the alerts it
// raises to out. It does not allocate in steady state (a known driver, no
// alert raised).
func (a *Analyzer) Observe(t *Telemetry, out []Alert) (Derived, []Alert) {
	s := a.state(t)
	r := &a.rules

	dt := t.Ts - s.prevTs
	gap := !s.hasPrev || dt < 0 || dt > r.MaxGapMs
	steady := !gap && t.Gear == s.prevGear

	var d Derived
	s.calibrate(t, steady, r)
	if t.Gear >= 1 && t.Gear <= 8 {
		d.K = s.calib.K[t.Gear]
	}
	d.SlipPct, d.ExpectedKph, d.SlipValid = slip(t, &s.calib.K, steady)

	out = a.detectSpin(s, t, &d, gap, out)
	out = a.detectAnomalies(s, t, steady, gap, &d, out)
	out = a.checkAlerts(s, t, out)

	s.gears.Add(t.Gear, t.Ts)
	d.AvgSpeedKph = s.avg.add(t.SpeedKph)

	s.hasPrev, s.prevGear, s.prevTs = true, t.Gear, t.Ts
	return d, out
}

// state finds or creates the state of t's driver, resetting it when the
// race id changes.
func (a *Analyzer) state(t *Telemetry) *driverState {
	s := a.last
	if s == nil || s.driver != t.Driver {
		s = a.drivers[t.Driver]
		if s == nil {
			s = &driverState{driver: strings.Clone(t.Driver)}
			s.reset(t)
			a.drivers[s.driver] = s
			a.order = append(a.order, s)
		}
		a.last = s
	}
	if s.raceID != t.RaceID {
		a.closeRuns(s)
		s.reset(t)
	}
	return s
}

// reset starts a driver over for t's race, with its team's gear table.
func (s *driverState) reset(t *Telemetry) {
	*s = driverState{
		driver: s.driver,
		raceID: strings.Clone(t.RaceID),
		calib:  NewGearCalibration(gearTableFor(t.Team, t.Driver)),
		alert:  newAlertState(),
	}
}

// gearTableFor is the team table of a car: by the record's team name, else
// by the driver's 2024 team, else the default table.
func gearTableFor(team, driver string) [9]float64 {
	if tm, ok := TeamByName(team); ok {
		return tm.KPerGear
	}
	if d, ok := DriverByCode(driver); ok {
		return TeamOf(d).KPerGear
	}
	return DefaultKPerGear()
}

// Calibration returns a driver's current gear calibration.
func (a *Analyzer) Calibration(driver string) (GearCalibration, bool) {
	s := a.drivers[driver]
	if s == nil {
		return GearCalibration{}, false
	}
	return s.calib, true
}

// GearDistribution returns a driver's gear distribution so far.
func (a *Analyzer) GearDistribution(driver string) (GearDistribution, bool) {
	s := a.drivers[driver]
	if s == nil {
		return GearDistribution{}, false
	}
	return s.gears, true
}

// Drivers lists the driver codes seen, in first-seen order.
func (a *Analyzer) Drivers() []string {
	out := make([]string, len(a.order))
	for i, s := range a.order {
		out[i] = s.driver
	}
	return out
}

// SuppressedAlerts counts alerts not raised because of the cooldown.
func (a *Analyzer) SuppressedAlerts() int64 { return a.suppressed }
