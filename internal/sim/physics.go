package sim

import (
	"math"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// kin is what a car does in one sample: speed and the controls.
type kin struct {
	v, rpm, throttle, brake float64
	gear                    int
}

const (
	drsBoost      = 1.035 // DRS open: 3.5 % more speed in the zone
	maxBrakeMS2   = 45.0
	upshiftRPM    = 11800 // at full throttle
	partUpshift   = 10500 // at part throttle
	idleRPM       = 4000
	clutchMinKph  = 29 // below this speed rpm is floored at idleRPM
	minPassGapM   = 3.0
	drsWithinS    = 1.0
	drsFromLap    = 3
	ambientBrakeC = 150
)

func lapPosOf(d, L float64) float64 {
	if d <= 0 {
		return 0
	}
	return math.Mod(d, L)
}

// accelLimit is the most a car can gain in km/h per second at speed v.
func accelLimit(v, vMax float64) float64 {
	r := v / (vMax * 1.05)
	return math.Max(0.5, 12*(1-r*r)) * 3.6
}

// move decides a car's wanted speed and tentative distance for the tick,
// with pit-lane handling.
func (s *Sim) move(c *car, dt float64, ts int64) {
	L := s.circ.LengthM
	c.held = false
	c.k1 = kin{}
	if !c.pit.in && c.pitStops < len(c.stops) && !s.chequered {
		p := c.stops[c.pitStops]
		if p.lap == c.completed+1 && c.dist >= float64(p.lap)*L-s.pitHalfM {
			c.pit = pitState{in: true, entryTs: ts, from: c.tyre, boxDist: float64(p.lap) * L, entered: true}
			c.status = f1.StatusPit
		}
	}
	if c.pit.in && c.pit.boxLeft > 0 {
		c.pit.boxLeft -= dt
		if c.pit.boxLeft <= 0 {
			c.pit.boxLeft, c.pit.boxed, c.pit.justBoxed = 0, true, true
			c.tyre, c.tyreAge = c.stops[c.pitStops].tyre, 0
			c.pitStops++
		}
		c.vNew, c.newDist = 0, c.dist
		return
	}
	var want float64
	if c.pit.in {
		want = pitSpeedKph
	} else {
		want = s.prof.At(lapPosOf(c.dist, L)) * c.scale
		if c.drsZone >= 0 {
			want *= drsBoost
		}
		want *= s.incidentFactor(c)
	}
	want = math.Min(want, c.vMax)
	v := math.Max(c.v-maxBrakeMS2*3.6*dt, math.Min(c.v+accelLimit(c.v, c.vMax)*dt, want))
	if v > 60 && !c.pit.in {
		v = math.Min(c.vMax, v*(1+0.002*s.rng.NormFloat64()))
	}
	v = math.Max(0, v)
	nd := c.dist + (c.v+v)/2/3.6*dt
	if c.pit.in && !c.pit.boxed && nd >= c.pit.boxDist {
		nd, v = c.pit.boxDist, 0
		c.pit.boxLeft = math.Max(1.9, boxStopS+0.3*s.rng.NormFloat64())
		c.pit.stopTs = ts
	}
	if c.pit.in && c.pit.boxed && nd >= c.pit.boxDist+s.pitHalfM {
		c.pit.in, c.pit.exited = false, true
		c.status = f1.StatusRunning // the out lap: OUT on f1-positions means retired
	}
	c.vNew, c.newDist = v, nd
}

// resolveTraffic stops cars from driving through the car ahead unless they
// pass it: passes need DRS or a straight, and more pace.
func (s *Sim) resolveTraffic(dt float64) {
	var ahead *car
	for _, c := range s.order {
		if c.finished || c.pit.in {
			continue
		}
		if ahead != nil && c.newDist > ahead.newDist-minPassGapM && !s.canPass(c, ahead) {
			nd := math.Max(c.dist, ahead.newDist-minPassGapM-s.rng.Float64())
			v := math.Max(0, 2*(nd-c.dist)/dt*3.6-c.v)
			c.newDist, c.vNew, c.held = nd, math.Min(v, c.vNew), true
		}
		ahead = c
	}
}

func (s *Sim) canPass(c, ahead *car) bool {
	if s.inc.neutralised() || s.chequered {
		return false
	}
	p := 0.0
	switch {
	case c.drsZone >= 0:
		p = 0.08
	case s.prof.At(lapPosOf(c.dist, s.circ.LengthM)) > 0.85*s.circ.TopSpeedKph:
		p = 0.012
	}
	if c.scale <= ahead.scale {
		p *= 0.3
	}
	return p > 0 && s.rng.Float64() < p
}

// drive turns the tick's speed into controls, gear and rpm, then applies
// injected faults, and fixes the tick's distance.
func (s *Sim) drive(c *car, dt float64, ts int64) {
	k := kin{v: c.vNew}
	acc := (k.v - c.v) / 3.6 / dt
	top := math.Min(c.vMax, s.circ.TopSpeedKph*c.scale)
	switch {
	case k.v < 0.5:
		k.throttle, k.brake = 0, 0
		if c.pit.in {
			k.brake = 100
		}
	case acc < -4:
		k.brake = math.Min(100, math.Max(10, -acc/maxBrakeMS2*100))
	case c.pit.in:
		k.throttle = 22
	case acc > 1.5 || k.v >= 0.97*top:
		k.throttle = 100
	default:
		k.throttle = math.Min(85, math.Max(25, 25+60*k.v/top))
	}
	if c.held && acc <= 1.5 {
		k.throttle = math.Min(k.throttle, 70)
	}
	k.gear = c.pickGear(k.v, k.throttle, acc)
	if k.v < 0.5 && c.pit.in {
		k.gear = 0
	}
	c.exact(&k)
	if k.gear >= 3 && k.rpm < 7100 && k.throttle >= 90 {
		k.throttle = 85 // never lug the engine on a clean sample
	}
	lapPos := lapPosOf(c.dist, s.circ.LengthM)
	if !c.pit.in && k.v > 0 {
		s.inject(c, &k, ts, lapPos)
	}
	if k.v != c.vNew {
		c.newDist = c.dist + (c.v+k.v)/2/3.6*dt
	}
	c.k1 = k
}

// pickGear is the gear a driver uses at speed v: the lowest gear in which
// rpm stays under the shift point, upshifting one gear at a time.
func (c *car) pickGear(v, throttle, acc float64) int {
	if v < 0.5 {
		return 1
	}
	up := float64(partUpshift)
	if throttle >= 80 {
		up = upshiftRPM
	}
	g := 8
	for i := 1; i <= 8; i++ {
		if v/c.k[i]*1000 <= up {
			g = i
			break
		}
	}
	if c.gear >= 1 && g > c.gear+1 && v/c.k[c.gear+1]*1000 <= maxRPM {
		g = c.gear + 1
	}
	if f := c.inj.gearFloor; f > 0 {
		if acc < -2 || g >= f {
			c.inj.gearFloor = 0
		} else {
			g = f
		}
	}
	return g
}

// exact sets rpm from speed and gear, and speed back from the rounded rpm,
// so that speed = rpm/1000 × k[gear] holds on every clean sample.
func (c *car) exact(k *kin) {
	if k.gear == 0 {
		k.rpm = idleRPM
		return
	}
	rpm := math.Round(k.v / c.k[k.gear] * 1000)
	if rpm < idleRPM {
		k.rpm = idleRPM
		return
	}
	if rpm > maxRPM {
		rpm = maxRPM
	}
	k.rpm = rpm
	k.v = rpm * c.k[k.gear] / 1000
}

// telemetry builds car c's sample at ts and updates its DRS and brakes.
func (s *Sim) telemetry(c *car, ts int64, dt float64) f1.Telemetry {
	L := s.circ.LengthM
	k := c.k1
	c.v, c.gear, c.rpm = k.v, k.gear, k.rpm
	lapPos := lapPosOf(c.dist, L)
	s.updateDRS(c, lapPos)
	s.updateBrakes(c, k, dt, ts)
	x, y := s.circ.XY(lapPos / L)
	drs := 0
	if c.drsZone >= 0 {
		drs = 12
	}
	c.lastTs = ts
	return f1.Telemetry{
		Ts: ts, RaceID: s.cfg.RaceID, Driver: c.drv.Code, DriverNumber: c.drv.Number, Team: c.team,
		Lap: min(c.completed+1, s.laps), DistanceM: round1(lapPos), SpeedKph: k.v, RPM: k.rpm, Gear: k.gear,
		ThrottlePct: round1(k.throttle), Brake: round1(k.brake), DRS: drs, X: round1(x), Y: round1(y),
		BrakeTempC: round1(c.brakeT),
	}
}

// updateDRS opens DRS on entering a zone when the car is within a second of
// the car ahead, from lap 3, and not under a safety car; it closes at the
// zone's end.
func (s *Sim) updateDRS(c *car, lapPos float64) {
	in, z := s.circ.InDRSZone(lapPos / s.circ.LengthM)
	if !in || c.pit.in {
		c.drsZone, c.drsCheck = -1, -1
		return
	}
	if c.drsCheck == z {
		if c.drsZone >= 0 && (s.inc.neutralised() || c.k1.brake > 0) {
			c.drsZone = -1 // closes on braking, and at once under a safety car
		}
		return
	}
	c.drsCheck, c.drsZone = z, -1
	if c.completed+1 < drsFromLap || s.inc.neutralised() || c.position < 2 || s.chequered {
		return
	}
	ahead := s.order[c.position-2]
	if ahead.finished || ahead.pit.in || c.v <= 0 {
		return
	}
	if gap := (ahead.dist - c.dist) / (c.v / 3.6); gap < drsWithinS {
		c.drsZone = z
	}
}

// updateBrakes heats the brakes with braking power and cools them with
// airflow. A car with a cooling problem (injected) heats faster.
func (s *Sim) updateBrakes(c *car, k kin, dt float64, ts int64) {
	heat := 1.0
	if c.hotNow() {
		heat = c.inj.hotFactor
	}
	ms := k.v / 3.6
	c.brakeT += k.brake / 100 * ms * s.brakeHeat * heat * dt
	c.brakeT -= (c.brakeT - ambientBrakeC) * (0.06 + 0.22*ms/90) * dt
	s.trackHot(c, ts)
}

// Brake temperature targets: a clean car peaks near normalBrakePeakC at the
// circuit's heaviest stop; a cooling problem multiplies the heating.
const (
	normalBrakePeakC = 540
	hotMedium        = 1.45 // peaks around 700 °C: above the medium level
	hotHigh          = 2.0  // peaks around 930 °C: above the high level
)

// calibrateBrakes sets the heating coefficient so that a clean lap along the
// profile peaks at normalBrakePeakC, whatever the circuit.
func (s *Sim) calibrateBrakes() {
	dt := s.tickMs / 1000
	L := s.circ.LengthM
	scale := s.prof.LapS / s.circ.TypicalLapS
	T, peak, prev, d := float64(ambientBrakeC), 0.0, s.prof.At(0)*scale, 0.0
	for d < 3*L {
		v := s.prof.At(d) * scale
		acc := (v - prev) / 3.6 / dt
		brake := 0.0
		if acc < -4 {
			brake = math.Min(100, math.Max(10, -acc/maxBrakeMS2*100))
		}
		ms := v / 3.6
		T += brake / 100 * ms * dt
		T -= (T - ambientBrakeC) * (0.06 + 0.22*ms/90) * dt
		if d > L {
			peak = math.Max(peak, T)
		}
		prev = v
		d += (v / 3.6) * dt
	}
	s.brakeHeat = (normalBrakePeakC - ambientBrakeC) / (peak - ambientBrakeC)
}
