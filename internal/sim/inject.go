package sim

import (
	"math"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Injected faults. Each is reported as a Truth event when it ends.
const (
	injMismatch = f1.AnomalyGearMismatch
	injSkip     = f1.AnomalyUpshiftSkip
	injOverRev  = f1.AnomalyOverRev
	spinWindowM = 300 // a corner exit: metres after the apex where a spin may start
	anomWindowM = 800
)

// window is one injected fault in progress.
type window struct {
	n           int
	start, last int64
	peak        float64
	lap         int
}

// injection is one car's planned and running faults.
type injection struct {
	spinFrom  float64 // lap position (m) where this lap's spin may start; <0 none
	spinLeft  int
	spinSlip  float64
	spinGear  int
	spin      window
	anomKind  string // this lap's planned anomaly, "" none
	anomFrom  float64
	anomLeft  int
	anomGear  int // true gear held during a mismatch
	anom      window
	gearFloor int // after an upshift skip: hold this gear until the speed catches up

	hotFrom, hotTo int // laps with a brake cooling problem; 0 none
	hotFactor      float64
	hot            window
	pending        []Truth
}

// planInjections draws a car's brake cooling problem, if any.
func (s *Sim) planInjections(c *car) {
	c.inj.spinFrom = -1
	r, f := s.rng.Float64(), s.rng.Float64()
	if r < s.cfg.HotBrakesPerRace && s.laps >= 2 {
		c.inj.hotFrom = 2 + s.rng.IntN(max(1, s.laps-1))
		c.inj.hotTo = c.inj.hotFrom + 1 + s.rng.IntN(3)
		c.inj.hotFactor = hotMedium
		if f < 0.35 {
			c.inj.hotFactor = hotHigh
		}
	}
}

// planLapInjections draws this lap's wheel spin and gear anomaly.
func (s *Sim) planLapInjections(c *car) {
	L := s.circ.LengthM
	c.inj.spinFrom, c.inj.anomKind = -1, ""
	r1, r2, r3, r4 := s.rng.Float64(), s.rng.Float64(), s.rng.Float64(), s.rng.Float64()
	if r1 < s.cfg.SpinPerLap {
		var slow []f1.Corner
		for _, cn := range s.circ.Corners {
			if cn.ApexKph < 170 {
				slow = append(slow, cn)
			}
		}
		if len(slow) > 0 {
			cn := slow[int(r2*float64(len(slow)))%len(slow)]
			c.inj.spinFrom = math.Mod(cn.At*L+10, L)
		}
	}
	if r3 < s.cfg.AnomalyPerLap {
		switch {
		case r4 < 0.7:
			c.inj.anomKind = injMismatch
		case r4 < 0.9:
			c.inj.anomKind = injSkip
		default:
			c.inj.anomKind = injOverRev
		}
		c.inj.anomFrom = math.Mod(r4*1000*L, L)
	}
}

// inWindow reports whether lap position p is within size metres after from.
func (s *Sim) inWindow(p, from, size float64) bool {
	L := s.circ.LengthM
	return math.Mod(p-from+L, L) < size
}

// inject applies this tick's faults to a clean sample k.
func (s *Sim) inject(c *car, k *kin, ts int64, lapPos float64) {
	in := &c.inj
	if in.spinLeft == 0 && in.spinFrom >= 0 && s.inWindow(lapPos, in.spinFrom, spinWindowM) &&
		k.throttle >= 100 && k.gear == c.gear && k.gear >= 2 && k.gear <= 5 && k.rpm <= 9600 && k.v >= 40 {
		in.spinFrom = -1
		in.spinLeft = max(2, s.cfg.Rules.SpinMinSamples) + s.rng.IntN(3)
		in.spinSlip = 0.11 + 0.07*s.rng.Float64()
		in.spinGear = k.gear
	}
	if in.spinLeft > 0 {
		if s.spinSample(c, k, ts) {
			return
		}
	}
	if in.anomLeft > 0 {
		if s.mismatchSample(c, k, ts) {
			return
		}
	}
	if in.anomKind == "" || !s.inWindow(lapPos, in.anomFrom, anomWindowM) {
		return
	}
	upshift := c.gear >= 1 && k.gear == c.gear+1 && k.throttle >= 80
	switch in.anomKind {
	case injMismatch:
		n := s.mismatchSamples() + s.rng.IntN(2)
		if k.v >= math.Max(120, s.cfg.Rules.MismatchMinSpeedKph+20) && k.gear >= 4 && k.gear == c.gear &&
			k.brake == 0 && k.rpm >= 8000 && s.clearAhead(c, k, lapPos, n) {
			in.anomKind, in.anomGear, in.anomLeft = "", k.gear, n
			in.anom = window{lap: c.completed + 1}
			s.mismatchSample(c, k, ts)
		}
	case injSkip:
		if upshift && c.gear >= 2 && c.gear <= 6 {
			g := c.gear + 2
			rpm := math.Round(k.v / c.k[g] * 1000)
			if rpm >= 7200 {
				in.anomKind = ""
				k.gear, k.rpm, k.v = g, rpm, rpm*c.k[g]/1000
				in.gearFloor = g
				in.pending = append(in.pending, Truth{Driver: c.drv.Code, Kind: f1.AlertGearAnomaly, Anomaly: injSkip,
					StartTs: c.lastTs, EndTs: ts, Lap: c.completed + 1, Samples: 2, Value: float64(g)})
			}
		}
	case injOverRev:
		if upshift && c.gear >= 3 {
			trueRPM := k.v / c.k[c.gear] * 1000
			if trueRPM >= 11750 && trueRPM <= 12400 {
				// Above the limit, but less than 7 % above what the speed
				// implies, so it is not also wheel spin.
				rpm := math.Round(math.Min(trueRPM/0.935, 12520+100*s.rng.Float64()))
				if rpm > 12500 {
					in.anomKind = ""
					k.gear, k.rpm = c.gear, rpm
					in.pending = append(in.pending, Truth{Driver: c.drv.Code, Kind: f1.AlertGearAnomaly, Anomaly: injOverRev,
						StartTs: ts, EndTs: ts, Lap: c.completed + 1, Samples: 1, Value: rpm})
				}
			}
		}
	}
}

// mismatchSamples is the length of an injected gear mismatch: one sample
// of gear change, then enough steady samples (and time) for the rules.
func (s *Sim) mismatchSamples() int {
	r := s.cfg.Rules
	steady := max(r.AnomalyMinSamples, int(math.Ceil(float64(r.MismatchMinMs)/s.tickMs))+1)
	return 1 + steady + 1
}

// clearAhead reports whether the next n samples of car c will be free of
// braking and stay under the rev limit in the current gear, so that a fault
// held for n samples is not cut short.
func (s *Sim) clearAhead(c *car, k *kin, lapPos float64, n int) bool {
	dt := s.tickMs / 1000
	d := lapPos
	for i := 1; i <= n+1; i++ {
		d += k.v / 3.6 * dt * 1.05
		if s.prof.Accel(d) < -1 {
			return false
		}
		v := math.Max(k.v, s.prof.At(d)*c.scale*drsBoost)
		if v/c.k[k.gear]*1000 > maxRPM-50 {
			return false
		}
	}
	return true
}

// spinSample makes k a wheel-spin sample: the gear is held, the car gains
// little speed and rpm runs 11-18 % above what the speed implies. It reports
// false (and ends the spin) when that is not possible without over-revving.
func (s *Sim) spinSample(c *car, k *kin, ts int64) bool {
	in := &c.inj
	g := in.spinGear
	v := math.Min(k.v, c.v+1.2)
	rpm := math.Min(maxRPM, math.Round(v/c.k[g]*1000/(1-in.spinSlip)))
	eff := 1 - v/(c.k[g]*rpm/1000)
	if eff < 0.095 || v < 35 {
		s.endSpin(c)
		return false
	}
	k.v, k.gear, k.rpm, k.throttle, k.brake = v, g, rpm, 100, 0
	w := &in.spin
	if w.n == 0 {
		*w = window{start: ts, lap: c.completed + 1}
	}
	w.n++
	w.last = ts
	w.peak = math.Max(w.peak, eff*100)
	in.spinLeft--
	if in.spinLeft == 0 {
		s.endSpin(c)
	}
	return true
}

func (s *Sim) endSpin(c *car) {
	in := &c.inj
	if w := in.spin; w.n >= 2 {
		in.pending = append(in.pending, Truth{Driver: c.drv.Code, Kind: f1.AlertWheelSpin, StartTs: w.start, EndTs: w.last,
			Lap: w.lap, Samples: w.n, Value: round3(w.peak)})
	}
	in.spin, in.spinLeft = window{}, 0
}

// mismatchSample reports one gear below the true gear, with speed and rpm
// of the true gear. The first such sample is a gear change to the analyzer;
// the next ones are the mismatch.
func (s *Sim) mismatchSample(c *car, k *kin, ts int64) bool {
	in := &c.inj
	g := in.anomGear
	rpm := math.Round(k.v / c.k[g] * 1000)
	if rpm > maxRPM || rpm < 7600 || k.brake > 0 {
		s.endMismatch(c)
		return false
	}
	k.v, k.rpm, k.gear = rpm*c.k[g]/1000, rpm, g-1
	k.throttle = math.Max(k.throttle, math.Min(100, s.cfg.Rules.MismatchMinThrottlePct+5))
	w := &in.anom
	if w.n == 0 {
		w.start = ts
	}
	w.n++
	w.last = ts
	in.anomLeft--
	if in.anomLeft == 0 {
		s.endMismatch(c)
	}
	return true
}

func (s *Sim) endMismatch(c *car) {
	in := &c.inj
	if w := in.anom; w.n >= 2 {
		in.pending = append(in.pending, Truth{Driver: c.drv.Code, Kind: f1.AlertGearAnomaly, Anomaly: injMismatch,
			StartTs: w.start, EndTs: w.last, Lap: w.lap, Samples: w.n, Value: float64(in.anomGear - 1)})
	}
	in.anom, in.anomLeft = window{}, 0
}

// hotNow reports whether the car's brake cooling problem is on.
func (c *car) hotNow() bool {
	lap := c.completed + 1
	return c.inj.hotFrom > 0 && lap >= c.inj.hotFrom && lap <= c.inj.hotTo
}

// trackHot records the brake problem window and its peak temperature.
func (s *Sim) trackHot(c *car, ts int64) {
	in := &c.inj
	if c.hotNow() {
		if in.hot.n == 0 {
			in.hot = window{start: ts, lap: c.completed + 1}
		}
		in.hot.n++
		in.hot.last = ts
		in.hot.peak = math.Max(in.hot.peak, c.brakeT)
		return
	}
	s.endHot(c)
}

func (s *Sim) endHot(c *car) {
	in := &c.inj
	if w := in.hot; w.n > 0 {
		in.pending = append(in.pending, Truth{Driver: c.drv.Code, Kind: f1.AlertBrakeTemp, StartTs: w.start, EndTs: w.last,
			Lap: w.lap, Samples: w.n, Value: round1(w.peak)})
		in.hot = window{}
		in.hotFrom = 0
	}
}

// endInjections closes a finished car's faults.
func (s *Sim) endInjections(c *car, ts int64) {
	s.endSpin(c)
	s.endMismatch(c)
	s.endHot(c)
}

// injectTruth emits the truths that ended on this sample.
func (s *Sim) injectTruth(c *car, ts int64) {
	for _, t := range c.inj.pending {
		s.emitTruth(ts, t)
	}
	c.inj.pending = c.inj.pending[:0]
}
