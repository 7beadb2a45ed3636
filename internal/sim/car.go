package sim

import (
	"math"
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// car is one car's state.
type car struct {
	idx  int // index in Sim.cars (fixed): sets its sample time stagger
	drv  f1.Driver
	team string
	k    [9]float64
	vMax float64 // km/h at which gear 8 reaches maxRPM

	pace     float64 // seconds off the ideal lap, driver and car
	dist     float64 // metres from the line since lights out (negative on the grid)
	newDist  float64 // this tick's tentative distance
	v        float64 // km/h at the last sample
	vNew     float64 // this tick's speed
	k1       kin     // this tick's speed, controls, gear and rpm
	lastTs   int64   // ts of the last sample
	gear     int
	rpm      float64
	brakeT   float64 // °C
	scale    float64 // profile speed factor for the current lap
	held     bool    // held up by the car ahead this tick
	position int     // 1-based race position

	completed  int   // laps completed
	lapStartTs int64 // ts the current lap started
	lastLap    float64
	bestLap    float64
	lapTarget  float64
	finished   bool
	finishTs   int64
	fuelKg     float64
	tyre       string
	tyreAge    int
	stops      []pitPlan
	pitStops   int
	status     string
	pit        pitState
	gap, intvl float64

	drsZone  int // zone index the car is in with DRS open, -1 when closed
	drsCheck int // zone index last checked for eligibility, -1 none

	inj injection
}

type pitPlan struct {
	lap  int    // pit at the end of this lap
	tyre string // compound fitted
}

// pitState is where a car is in a pit stop.
type pitState struct {
	in        bool    // in the pit lane
	boxDist   float64 // distance of the box (on the line)
	boxLeft   float64 // seconds left stationary in the box
	boxed     bool    // the stationary stop is done
	entryTs   int64
	stopTs    int64  // when the car stopped in the box
	from      string // compound before the stop
	entered   bool   // entered the pit lane this tick (to report)
	justBoxed bool   // finished the stop this tick (to report)
	exited    bool   // left the pit lane this tick (to report)
}

// Team pace order of 2024, seconds off the best car.
var teamPace = map[string]float64{
	"McLaren": 0, "Red Bull Racing": 0.05, "Ferrari": 0.1, "Mercedes": 0.25, "Aston Martin": 0.7,
	"RB": 0.8, "Haas F1 Team": 0.85, "Alpine": 0.9, "Williams": 1.0, "Kick Sauber": 1.2,
}

// Tyre model: pace offset (s), wear (s per lap) and life (laps before the cliff).
var tyreModel = map[string]struct{ offset, wear, life float64 }{
	f1.TyreSoft:   {-0.6, 0.085, 18},
	f1.TyreMedium: {0, 0.055, 30},
	f1.TyreHard:   {0.45, 0.035, 42},
}

const (
	maxRPM      = 12200 // clean samples stay below the over-rev rule
	fuelStartKg = 100.0
	fuelSPerKg  = 0.032
	pitSpeedKph = 80.0
	boxStopS    = 2.4
	gridSlotM   = 8.0
)

// setupCars builds the grid: pace, qualifying order, strategies.
func (s *Sim) setupCars() {
	type q struct {
		c    *car
		time float64
	}
	var quali []q
	for i, d := range s.cfg.Drivers {
		t := f1.TeamOf(d)
		c := &car{
			idx: i, drv: d, team: t.Name, k: t.KPerGear, brakeT: 200,
			fuelKg: fuelStartKg, status: f1.StatusRunning, drsZone: -1, drsCheck: -1,
		}
		c.vMax = maxRPM / 1000 * c.k[8]
		tp, ok := teamPace[t.Name]
		if !ok {
			tp = 1.0
		}
		c.pace = tp + s.rng.NormFloat64()*0.12
		c.stops, c.tyre = s.strategy()
		quali = append(quali, q{c, c.pace + s.rng.NormFloat64()*0.15})
		s.cars = append(s.cars, c)
	}
	sort.SliceStable(quali, func(i, j int) bool { return quali[i].time < quali[j].time })
	for p, e := range quali {
		e.c.dist = -(4 + gridSlotM*float64(p))
		e.c.position = p + 1
		s.order = append(s.order, e.c)
	}
	for _, c := range s.cars {
		s.planInjections(c)
	}
}

// strategy picks the stops and the starting compound of one car.
func (s *Sim) strategy() ([]pitPlan, string) {
	r := s.rng.Float64()
	start := f1.TyreMedium
	switch {
	case r < 0.25:
		start = f1.TyreSoft
	case r < 0.4:
		start = f1.TyreHard
	}
	n := s.laps
	if n < 3 {
		return nil, start
	}
	other := func(t string) string {
		if t == f1.TyreHard {
			return f1.TyreMedium
		}
		return f1.TyreHard
	}
	clamp := func(l int) int { return max(1, min(n-1, l)) }
	if n >= 10 && s.rng.Float64() < 0.3 {
		a := clamp(int(float64(n) * (0.25 + 0.13*s.rng.Float64())))
		b := clamp(int(float64(n) * (0.6 + 0.15*s.rng.Float64())))
		if b <= a {
			b = clamp(a + 1)
		}
		mid := other(start)
		last := f1.TyreSoft
		if b == a {
			return []pitPlan{{a, mid}}, start
		}
		return []pitPlan{{a, mid}, {b, last}}, start
	}
	return []pitPlan{{clamp(int(math.Round(float64(n) * (0.35 + 0.25*s.rng.Float64())))), other(start)}}, start
}

// lapTargetS is the lap time the car aims for on the lap it starts now:
// base pace, driver, compound, tyre wear, fuel and noise.
func (s *Sim) lapTargetS(c *car) float64 {
	tm := tyreModel[c.tyre]
	// TypicalLapS is a mid-race lap: ~50 kg of fuel, ~15 laps of wear, a midfield car.
	t := s.circ.TypicalLapS - 2.9 + c.pace + tm.offset + tm.wear*float64(c.tyreAge) + c.fuelKg*fuelSPerKg
	if over := float64(c.tyreAge) - tm.life; over > 0 {
		t += 0.25 * over
	}
	return t + s.rng.NormFloat64()*0.18
}

// startLap sets the car up for the lap it begins at ts.
func (s *Sim) startLap(c *car, ts int64) {
	c.lapStartTs = ts
	c.lapTarget = s.lapTargetS(c)
	c.scale = s.prof.LapS / c.lapTarget
	s.planLapInjections(c)
}

// pitLaneHalf finds the pit lane length on each side of the line that makes
// a stop cost the circuit's pit loss.
func (s *Sim) pitLaneHalf() float64 {
	L := s.circ.LengthM
	scale := s.prof.LapS / s.circ.TypicalLapS
	racing := 0.0
	for half := 5.0; half < L/4; half += 5 {
		racing += 5/(s.prof.At(L-half)*scale/3.6) + 5/(s.prof.At(half)*scale/3.6)
		inPit := 2*half/(pitSpeedKph/3.6) + boxStopS
		if inPit-racing >= s.circ.PitLossS {
			return half
		}
	}
	return L / 4
}
