package sim

import (
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// incident is a yellow flag, a virtual safety car or a safety car, planned
// at setup and triggered by the leader's progress.
type incident struct {
	kind   string  // f1.EventFlag (a yellow), f1.EventVSC or f1.EventSafetyCar
	at     float64 // leader progress (laps) at which it starts
	until  float64 // leader progress at which it ends (yellow, VSC)
	sector int
	state  int // 0 pending, 1 active, 2 over
	endLap int // safety car: in at the end of this lap
}

type incidents struct {
	list    []incident
	sc, vsc bool
}

func (in *incidents) neutralised() bool { return in.sc || in.vsc }

// planIncidents draws the race's flags and neutralisations.
func (s *Sim) planIncidents() {
	n := float64(s.laps)
	if s.laps < 3 {
		return
	}
	for i := s.rng.IntN(3); i > 0; i-- {
		at := 1 + s.rng.Float64()*(n-2)
		s.inc.list = append(s.inc.list, incident{kind: f1.EventFlag, at: at, until: at + 0.15 + 0.25*s.rng.Float64(), sector: 1 + s.rng.IntN(3)})
	}
	var scAt float64 = -1
	if s.laps >= 10 && s.rng.Float64() < 0.25 {
		scAt = 3 + s.rng.Float64()*(n-8)
		s.inc.list = append(s.inc.list, incident{kind: f1.EventSafetyCar, at: scAt})
	}
	if s.laps >= 8 && s.rng.Float64() < 0.3 {
		at := 3 + s.rng.Float64()*(n-6)
		if scAt < 0 || at > scAt+6 || at+3 < scAt {
			s.inc.list = append(s.inc.list, incident{kind: f1.EventVSC, at: at, until: at + 0.8 + 1.2*s.rng.Float64()})
		}
	}
}

// updateIncidents starts and ends incidents by the leader's progress.
func (s *Sim) updateIncidents(ts int64) {
	if len(s.inc.list) == 0 || len(s.order) == 0 {
		return
	}
	lead := s.order[0]
	progress := lead.dist / s.circ.LengthM
	for i := range s.inc.list {
		in := &s.inc.list[i]
		switch {
		case in.state == 0 && progress >= in.at && !s.chequered:
			in.state = 1
			lap := lead.completed + 1
			switch in.kind {
			case f1.EventFlag:
				s.emitRC(ts, f1.EventFlag, "", lap, fmt.Sprintf("YELLOW IN TRACK SECTOR %d", in.sector))
			case f1.EventVSC:
				s.inc.vsc = true
				s.emitRC(ts, f1.EventVSC, "", lap, "VIRTUAL SAFETY CAR DEPLOYED")
			case f1.EventSafetyCar:
				s.inc.sc = true
				in.endLap = min(s.laps, lead.completed+2+s.rng.IntN(2))
				s.emitRC(ts, f1.EventSafetyCar, "", lap, "SAFETY CAR DEPLOYED")
			}
		case in.state == 1 && in.kind != f1.EventSafetyCar && (progress >= in.until || s.chequered):
			in.state = 2
			lap := lead.completed + 1
			if in.kind == f1.EventFlag {
				s.emitRC(ts, f1.EventFlag, "", lap, fmt.Sprintf("CLEAR IN TRACK SECTOR %d", in.sector))
			} else {
				s.inc.vsc = false
				s.emitRC(ts, f1.EventVSC, "", lap, "VIRTUAL SAFETY CAR ENDING")
			}
		}
	}
}

// incidentsOnCrossing brings the safety car in when the leader finishes a lap.
func (s *Sim) incidentsOnCrossing(c *car, k int, ts int64) {
	if c != s.order[0] || len(s.firstCross) != k {
		return
	}
	for i := range s.inc.list {
		in := &s.inc.list[i]
		if in.kind != f1.EventSafetyCar || in.state != 1 {
			continue
		}
		switch {
		case k >= in.endLap || s.chequered:
			in.state = 2
			s.inc.sc = false
			if !s.chequered {
				s.emitRC(ts, f1.EventFlag, "", k+1, "GREEN LIGHT - TRACK CLEAR")
			}
		case k == in.endLap-1:
			s.emitRC(ts, f1.EventSafetyCar, "", k+1, "SAFETY CAR IN THIS LAP")
		}
	}
}

// incidentFactor slows a car under a VSC or safety car. Behind the safety
// car, cars far from the car ahead go faster, so the field bunches up.
func (s *Sim) incidentFactor(c *car) float64 {
	switch {
	case s.inc.vsc:
		return 0.7
	case s.inc.sc:
		if c.position < 2 {
			return 0.6
		}
		ahead := s.order[c.position-2]
		gap := ahead.dist - c.dist
		if ahead.finished || ahead.pit.in || gap <= 40 {
			return 0.6
		}
		return 0.6 + min(0.3, gap/3000)
	}
	return 1
}

// pitEvents reports a car's pit stop: PIT status on entry, the PIT event
// when the stop is done, RUNNING again on leaving the pit lane.
func (s *Sim) pitEvents(c *car, ts int64) bool {
	emitted := false
	if c.pit.entered {
		c.pit.entered = false
		s.emitPos(s.position(c, ts))
		emitted = true
	}
	if c.pit.justBoxed {
		c.pit.justBoxed = false
		stop := float64(ts-c.pit.stopTs) / 1000
		s.emitRC(ts, f1.EventPit, c.drv.Code, c.completed, fmt.Sprintf("%s pit stop %d: %s to %s, %.1f s stationary",
			c.drv.Code, c.pitStops, c.pit.from, c.tyre, stop))
		// The simulator's own decision, for scoring the pit-window model:
		// the in-lap is the lap the car completed in the box.
		s.emitTruth(ts, Truth{Driver: c.drv.Code, Kind: TruthPitStop, StartTs: c.pit.entryTs, EndTs: ts, Lap: c.completed, Value: stop})
	}
	if c.pit.exited {
		c.pit.exited = false
		s.emitPos(s.position(c, ts))
		emitted = true
	}
	return emitted
}
