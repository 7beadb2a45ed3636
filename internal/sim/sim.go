package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// DefaultStartMs is the virtual time of lights out when Config.StartMs is 0:
// 2024-09-01 13:03 UTC, the start of the real 2024 Italian Grand Prix.
const DefaultStartMs int64 = 1725195780000

// Config says what race to run.
type Config struct {
	RaceID  string
	Circuit f1.Circuit
	Laps    int         // 0: the circuit's race distance
	Drivers []f1.Driver // empty: the full 2024 grid
	Seed    uint64
	RateHz  float64 // telemetry samples per car per second; 0: 4
	StartMs int64   // lights out, ms since the epoch; 0: DefaultStartMs
	Rules   f1.Rules
	// SpinPerLap and AnomalyPerLap are the chances that a car gets an
	// injected wheel spin or gear anomaly in one lap (0: 0.03 and 0.01;
	// negative: never). HotBrakesPerRace is the chance a car has a brake
	// cooling problem at some point (0: 0.15; negative: never).
	SpinPerLap, AnomalyPerLap, HotBrakesPerRace float64
	// NoIncidents turns off safety cars, virtual safety cars and flags.
	NoIncidents bool
}

// EventType says which record an Event carries.
type EventType uint8

// Event types.
const (
	TelemetryEvent EventType = iota + 1
	PositionEvent
	RaceControlEvent
	AlertEvent
	TruthEvent
	LocationEvent // a car's x/y for f1-locations, once a second (feeds.go)
	WeatherEvent  // the simulated weather, at lights out and every minute
)

func (k EventType) String() string {
	switch k {
	case TelemetryEvent:
		return "telemetry"
	case PositionEvent:
		return "position"
	case RaceControlEvent:
		return "race_control"
	case AlertEvent:
		return "alert"
	case TruthEvent:
		return "truth"
	case LocationEvent:
		return "location"
	case WeatherEvent:
		return "weather"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Event is one output of the simulator. Exactly one of the pointers, the one
// named by Type, is set; it points into the simulator's buffers and is valid
// until the next call of Next. Ts is when the event happens (virtual ms), and
// never decreases from one event to the next. An alert's own Ts is the
// onset of its condition and may be a sample or two earlier.
type Event struct {
	Type        EventType
	Ts          int64
	Telemetry   *f1.Telemetry
	Position    *f1.Position
	RaceControl *f1.RaceControl
	Alert       *f1.Alert
	Truth       *Truth
	Location    *f1.Location
	Weather     *f1.Weather
}

// Truth is an injected condition, or one of the simulator's pit stops,
// written with --truth as a JSON line.
type Truth struct {
	RaceID  string  `json:"race_id"`
	Driver  string  `json:"driver"`
	Kind    string  `json:"kind"`              // f1.AlertWheelSpin, f1.AlertGearAnomaly, f1.AlertBrakeTemp or TruthPitStop
	Anomaly string  `json:"anomaly,omitempty"` // for gear anomalies: f1.AnomalyGearMismatch, ...
	StartTs int64   `json:"start_ts"`          // a pit stop: pit entry
	EndTs   int64   `json:"end_ts"`            // a pit stop: the end of the stationary stop
	Lap     int     `json:"lap"`               // a pit stop: the in-lap
	Samples int     `json:"samples"`
	Value   float64 `json:"value"` // peak slip %, the reported gear, peak rpm or peak °C; a pit stop: seconds stationary
}

// TruthPitStop is the Kind of a pit stop the simulator decided: the truth
// the pit-window predictions are scored against.
const TruthPitStop = "pit_stop"

// Status is a summary of the race so far, for progress lines.
type Status struct {
	Lap, TotalLaps int
	Leader         string
	Finished       bool
	VirtualMs      int64 // ms since lights out
}

// qitem is a queued event: its kind, time and index into the typed buffer.
type qitem struct {
	kind EventType
	ts   int64
	idx  int32
}

// Sim is one race. Call Next until it reports false. Not safe for
// concurrent use.
type Sim struct {
	cfg     Config
	circ    f1.Circuit
	prof    f1.SpeedProfile
	rng     *rand.Rand
	laps    int
	tickMs  float64
	cars    []*car
	order   []*car // race order, leader first
	an      *f1.Analyzer
	alertsB []f1.Alert

	tick      int64
	startMs   int64
	started   bool
	done      bool
	leaderLap int // laps completed by the leader
	chequered bool
	finishers int
	bestLapS  float64
	pitHalfM  float64 // pit lane length on each side of the line
	brakeHeat float64 // brake heating coefficient (calibrateBrakes)
	inc       incidents

	firstCross []int64 // ts at which the leader completed lap i (index i-1)
	lapLeader  *car    // the car that leads the lap crossed this tick (leadCrossing)

	q     []qitem
	qpos  int
	tel   []f1.Telemetry
	pos   []f1.Position
	rc    []f1.RaceControl
	alert []f1.Alert
	truth []Truth
	loc   []f1.Location
	wx    []f1.Weather
	feeds feeds
}

// New builds a race. It fails for a bad config: no circuit, too few laps, a
// bad rate.
func New(cfg Config) (*Sim, error) {
	if cfg.Circuit.LengthM <= 0 || len(cfg.Circuit.Corners) == 0 {
		return nil, fmt.Errorf("sim: no circuit given (use f1.CircuitByName)")
	}
	if cfg.Laps == 0 {
		cfg.Laps = cfg.Circuit.Laps
	}
	if cfg.Laps < 1 || cfg.Laps > 200 {
		return nil, fmt.Errorf("sim: laps must be between 1 and 200, got %d", cfg.Laps)
	}
	if cfg.RateHz == 0 {
		cfg.RateHz = 4
	}
	if cfg.RateHz < 0.5 || cfg.RateHz > 50 {
		return nil, fmt.Errorf("sim: rate must be between 0.5 and 50 Hz, got %v", cfg.RateHz)
	}
	if len(cfg.Drivers) == 0 {
		cfg.Drivers = f1.Grid()
	}
	if cfg.StartMs == 0 {
		cfg.StartMs = DefaultStartMs
	}
	if cfg.RaceID == "" {
		cfg.RaceID = fmt.Sprintf("%s-%d", cfg.Circuit.Key, cfg.Seed)
	}
	if cfg.Rules.OverspeedKph == 0 {
		cfg.Rules = f1.DefaultRules()
	}
	defaultProb(&cfg.SpinPerLap, 0.03)
	defaultProb(&cfg.AnomalyPerLap, 0.01)
	defaultProb(&cfg.HotBrakesPerRace, 0.15)

	s := &Sim{
		cfg:     cfg,
		circ:    cfg.Circuit,
		prof:    cfg.Circuit.SpeedProfile(),
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x7069_7477_616c_6c)), // #nosec G404 -- a seeded, reproducible simulation, not a secret
		laps:    cfg.Laps,
		tickMs:  1000 / cfg.RateHz,
		an:      f1.NewAnalyzer(cfg.Rules),
		startMs: cfg.StartMs,
	}
	s.setupCars()
	s.pitHalfM = s.pitLaneHalf()
	s.calibrateBrakes()
	if !cfg.NoIncidents {
		s.planIncidents()
	}
	return s, nil
}

func defaultProb(p *float64, def float64) {
	switch {
	case *p == 0:
		*p = def
	case *p < 0:
		*p = 0
	}
}

// Config returns the race's config with defaults filled in.
func (s *Sim) Config() Config { return s.cfg }

// TotalLaps is the race distance in laps.
func (s *Sim) TotalLaps() int { return s.laps }

// Status summarises the race so far.
func (s *Sim) Status() Status {
	st := Status{TotalLaps: s.laps, Finished: s.done}
	if len(s.order) > 0 {
		l := s.order[0]
		st.Leader = l.drv.Code
		st.Lap = min(l.completed+1, s.laps)
	}
	st.VirtualMs = int64(float64(s.tick) * s.tickMs)
	return st
}

// Next returns the next event, or false when the race is over (every car
// has taken the chequered flag).
func (s *Sim) Next() (Event, bool) {
	for s.qpos >= len(s.q) {
		if s.done {
			return Event{}, false
		}
		s.resetQueue()
		if !s.started {
			s.start()
		} else {
			s.step()
		}
	}
	it := s.q[s.qpos]
	s.qpos++
	ev := Event{Type: it.kind, Ts: it.ts}
	switch it.kind {
	case TelemetryEvent:
		ev.Telemetry = &s.tel[it.idx]
	case PositionEvent:
		ev.Position = &s.pos[it.idx]
	case RaceControlEvent:
		ev.RaceControl = &s.rc[it.idx]
	case AlertEvent:
		ev.Alert = &s.alert[it.idx]
	case TruthEvent:
		ev.Truth = &s.truth[it.idx]
	case LocationEvent:
		ev.Location = &s.loc[it.idx]
	case WeatherEvent:
		ev.Weather = &s.wx[it.idx]
	}
	return ev, true
}

// Aborted builds the ABORTED race-control record for a race stopped at ts.
func (s *Sim) Aborted(ts int64, reason string) f1.RaceControl {
	st := s.Status()
	msg := "Race aborted"
	if reason != "" {
		msg += ": " + reason
	}
	return f1.RaceControl{Ts: ts, RaceID: s.cfg.RaceID, Type: f1.EventAborted, Lap: st.Lap, TotalLaps: s.laps, Message: msg}
}

func (s *Sim) resetQueue() {
	s.q, s.qpos = s.q[:0], 0
	s.tel, s.pos, s.rc, s.alert, s.truth = s.tel[:0], s.pos[:0], s.rc[:0], s.alert[:0], s.truth[:0]
	s.loc, s.wx = s.loc[:0], s.wx[:0]
}

func (s *Sim) emitTel(t f1.Telemetry) {
	s.tel = append(s.tel, t)
	s.q = append(s.q, qitem{TelemetryEvent, t.Ts, int32(len(s.tel) - 1)}) // #nosec G115 -- events of one race, far below 2^31
	s.locationOf(&t)
}

func (s *Sim) emitPos(p f1.Position) {
	s.pos = append(s.pos, p)
	s.q = append(s.q, qitem{PositionEvent, p.Ts, int32(len(s.pos) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}

func (s *Sim) emitRC(ts int64, typ, driver string, lap int, msg string) {
	s.rc = append(s.rc, f1.RaceControl{Ts: ts, RaceID: s.cfg.RaceID, Type: typ, Driver: driver, Lap: lap, TotalLaps: s.laps, Message: msg})
	s.q = append(s.q, qitem{RaceControlEvent, ts, int32(len(s.rc) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}

// emitAlert queues an alert at the time of the sample that raised it.
func (s *Sim) emitAlert(at int64, a f1.Alert) {
	s.alert = append(s.alert, a)
	s.q = append(s.q, qitem{AlertEvent, at, int32(len(s.alert) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}

func (s *Sim) emitTruth(at int64, t Truth) {
	t.RaceID = s.cfg.RaceID
	s.truth = append(s.truth, t)
	s.q = append(s.q, qitem{TruthEvent, at, int32(len(s.truth) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}
