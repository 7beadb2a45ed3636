package sim

import (
	"fmt"
	"math"
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// tickTs is the start of tick n.
func (s *Sim) tickTs(n int64) int64 { return s.startMs + int64(math.Round(float64(n)*s.tickMs)) }

// carTs is the time of car c's sample in tick n: cars are staggered across
// the tick, like the real feed whose cars are not sampled in lockstep.
func (s *Sim) carTs(n int64, c *car) int64 {
	return s.tickTs(n) + int64(float64(c.idx)*s.tickMs/float64(len(s.cars)))
}

// start emits the grid and lights out.
func (s *Sim) start() {
	s.started = true
	ts := s.startMs
	for _, c := range s.order {
		s.emitPos(s.position(c, ts))
	}
	s.emitRC(ts, f1.EventLightsOut, "", 1, fmt.Sprintf("Lights out at %s: %d cars, %d laps (%s)",
		s.circ.Name, len(s.cars), s.laps, s.circ.GrandPrix))
	s.weatherAt(ts)
	for _, c := range s.cars {
		s.startLap(c, ts)
	}
}

// step runs one tick: incidents, then every car's motion, then the race
// order, then each car's records in sample-time order.
func (s *Sim) step() {
	s.tick++
	n := s.tick
	s.updateIncidents(s.tickTs(n))
	s.weatherAt(s.tickTs(n))

	dt := s.tickMs / 1000
	for _, c := range s.order {
		if !c.finished {
			s.move(c, dt, s.carTs(n, c))
		}
	}
	s.resolveTraffic(dt)
	for _, c := range s.cars {
		if !c.finished {
			s.drive(c, dt, s.carTs(n, c))
		}
	}

	prev := make([]int, len(s.cars))
	for _, c := range s.cars {
		prev[c.idx] = c.position
	}
	for _, c := range s.cars {
		if !c.finished {
			c.dist = c.newDist
		}
	}
	s.sortOrder()

	s.leadCrossing(n, dt)
	emitted := make([]bool, len(s.cars))
	var last int64
	for _, c := range s.cars {
		if c.finished {
			continue
		}
		ts := s.carTs(n, c)
		last = ts
		emitted[c.idx] = s.carRecords(c, ts, dt)
	}
	for _, c := range s.order {
		if c.position != prev[c.idx] && !emitted[c.idx] {
			s.emitPos(s.position(c, last))
		}
	}
	s.alertsB = s.alertsB[:0]
	_ = s.an.Events(nil) // durations are scored from truth; keep the analyzer's buffer empty
	if s.finishers == len(s.cars) {
		s.done = true
	}
}

// carRecords emits one car's sample and what follows from it (lap, pit,
// finish, alerts, truth). It reports whether it emitted a Position.
func (s *Sim) carRecords(c *car, ts int64, dt float64) bool {
	if c.finished {
		return false
	}
	posEmitted := s.pitEvents(c, ts)
	// The sample's speed and gear first: crossing() needs this tick's speed.
	t := s.telemetry(c, ts, dt)
	if s.crossing(c, ts, dt) {
		posEmitted = true
		t.Lap = min(c.completed+1, s.laps)
	}
	s.emitTel(t)
	var alerts []f1.Alert
	_, alerts = s.an.Observe(&s.tel[len(s.tel)-1], s.alertsB[:0])
	for _, a := range alerts {
		s.emitAlert(ts, a)
	}
	s.alertsB = alerts[:0]
	s.injectTruth(c, ts)
	return posEmitted
}

// crossTime is when car c, sampled at ts at speed v (km/h), crossed the
// line into lap k: interpolated within the tick from how far it went.
func (s *Sim) crossTime(c *car, k int, ts int64, dt, v float64) int64 {
	L := s.circ.LengthM
	prevDist := c.dist - v/3.6*dt
	frac := 1.0
	if c.dist > prevDist {
		frac = math.Min(1, math.Max(0, (float64(k)*L-prevDist)/(c.dist-prevDist)))
	}
	return ts - int64(math.Round((1-frac)*dt*1000))
}

// leadCrossing finds, before tick n's records are made, the car that
// crosses the line first into a lap no car has completed yet, and records
// its crossing as the lap's first. Cars are handled in grid order within a
// tick, but a lap, and the race, go to the earliest crossing: handled in
// order, a car later in the grid that crossed a few hundredths earlier in
// the same tick was classified first while the chequered flag named the
// other ("PER wins", HAM P1 and PER +0.000: issue 11).
func (s *Sim) leadCrossing(n int64, dt float64) {
	L := s.circ.LengthM
	var first *car
	var firstTs int64
	for _, c := range s.cars {
		k := c.completed + 1
		if c.finished || c.dist < float64(k)*L || len(s.firstCross) != k-1 {
			continue
		}
		// c.k1 is this tick's kinematics: the speed crossing() will see.
		if ts := s.crossTime(c, k, s.carTs(n, c), dt, c.k1.v); first == nil || ts < firstTs {
			first, firstTs = c, ts
		}
	}
	if first != nil {
		s.firstCross = append(s.firstCross, firstTs)
		s.lapLeader = first
	}
}

// crossing handles a car crossing the line: lap times, LAP, FASTEST_LAP,
// the chequered flag and finishing.
func (s *Sim) crossing(c *car, ts int64, dt float64) bool {
	L := s.circ.LengthM
	k := c.completed + 1
	if c.dist < float64(k)*L {
		return false
	}
	crossTs := s.crossTime(c, k, ts, dt, c.v)
	lapS := float64(crossTs-c.lapStartTs) / 1000
	c.completed = k
	c.lastLap = lapS
	if c.bestLap == 0 || lapS < c.bestLap {
		c.bestLap = lapS
	}
	c.tyreAge++
	c.fuelKg = math.Max(1, c.fuelKg-fuelStartKg*0.97/float64(s.laps))
	// leadCrossing chose the lap's leader before the tick's records: the
	// first across the line, whichever car is handled first.
	leader := s.lapLeader == c && len(s.firstCross) == k
	if leader {
		s.lapLeader = nil
		s.leaderLap = k
	}
	c.gap = float64(crossTs-s.firstCross[k-1]) / 1000
	if k >= 2 && (s.bestLapS == 0 || lapS < s.bestLapS) {
		s.bestLapS = lapS
		s.emitRC(ts, f1.EventFastestLap, c.drv.Code, k, fmt.Sprintf("Fastest lap: %s %s on lap %d", c.drv.Code, fmtLap(lapS), k))
	}
	switch {
	case leader && k == s.laps:
		s.chequered = true
		s.emitRC(ts, f1.EventFinish, c.drv.Code, k, fmt.Sprintf("Chequered flag: %s wins the %s", c.drv.Code, s.circ.GrandPrix))
	case leader:
		s.emitRC(ts, f1.EventLap, c.drv.Code, k+1, fmt.Sprintf("Lap %d/%d, %s leads", k+1, s.laps, c.drv.Code))
	}
	if s.chequered {
		c.finished, c.finishTs, c.status = true, crossTs, f1.StatusFinished
		c.dist = float64(k) * L
		s.finishers++
		s.endInjections(c, ts)
		s.sortOrder()
	} else {
		s.startLap(c, crossTs)
	}
	s.incidentsOnCrossing(c, k, ts)
	s.emitPos(s.position(c, ts))
	return true
}

// sortOrder sorts the race order (distance, then finishing time) and sets
// positions.
func (s *Sim) sortOrder() {
	sort.SliceStable(s.order, func(i, j int) bool {
		a, b := s.order[i], s.order[j]
		if a.dist != b.dist {
			return a.dist > b.dist
		}
		if a.finished != b.finished {
			return a.finished
		}
		return a.finishTs < b.finishTs
	})
	for i, c := range s.order {
		c.position = i + 1
	}
}

// position builds the timing record of car c. Lap is laps completed. Gaps
// are exact at the line and estimated from distance in between.
func (s *Sim) position(c *car, ts int64) f1.Position {
	lead := s.order[0]
	gap := c.gap
	if !c.finished && (len(s.firstCross) < c.completed || c.dist != float64(c.completed)*s.circ.LengthM) {
		gap = s.distGapS(lead, c)
	}
	if c == lead {
		gap = 0
	}
	interval := 0.0
	if c.position > 1 {
		ahead := s.order[c.position-2]
		interval = math.Max(0, gap-s.gapOf(ahead))
	}
	return f1.Position{
		Ts: ts, RaceID: s.cfg.RaceID, Driver: c.drv.Code, Position: c.position, Lap: c.completed,
		GapToLeaderS: round3(gap), IntervalS: round3(interval), LastLapS: round3(c.lastLap), BestLapS: round3(c.bestLap),
		PitStops: c.pitStops, Tyre: c.tyre, TyreAgeLaps: c.tyreAge, Status: c.status,
	}
}

func (s *Sim) gapOf(c *car) float64 {
	if c == s.order[0] {
		return 0
	}
	if c.finished {
		return c.gap
	}
	return s.distGapS(s.order[0], c)
}

// distGapS estimates the time between two cars from the distance between
// them at the circuit's typical average speed.
func (s *Sim) distGapS(lead, c *car) float64 {
	return math.Max(0, (lead.dist-c.dist)/(s.circ.LengthM/s.circ.TypicalLapS))
}

func fmtLap(sec float64) string {
	m := int(sec) / 60
	return fmt.Sprintf("%d:%06.3f", m, sec-float64(m*60))
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
func round1(v float64) float64 { return math.Round(v*10) / 10 }
