package predict

import (
	"math"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Limits of what a Predictor accepts: a record outside them is ignored
// (and counted in Stats) instead of being trusted.
const (
	maxLap     = 200   // no Grand Prix is longer
	maxLapS    = 600.0 // a lap under a red flag can be long, not ten minutes
	maxTyreAge = 200
	gapLaps    = 3  // laps of gaps to leader kept for the gap behind
	maxDrivers = 40 // a grid has at most 26 cars; more codes are not a race
)

// Config says what a Predictor cannot learn from the records.
type Config struct {
	PitLossS  float64 // green-flag pit loss of the circuit (f1.Circuit.PitLossS)
	TotalLaps int     // race distance; LAP events with TotalLaps update it
	// Model is the pit-window model; nil means Default.
	Model *PitModel
	// KeepSamples keeps the features of every pit-window prediction (for
	// fitting), at most maxSamples.
	KeepSamples bool
}

// maxSamples bounds the samples a Predictor keeps: 30 cars × 200 laps.
const maxSamples = 6000

// Stats counts what a Predictor did with its input.
type Stats struct {
	Positions, Ignored, Predictions int
}

// Predictor turns a race's timing records into predictions, driver by
// driver, at the end of each lap. It is not safe for concurrent use.
type Predictor struct {
	cfg     Config
	total   int
	flag    string // f1.FlagSC, f1.FlagVSC or "" (green)
	wetRace bool   // an intermediate or wet tyre was fitted: the two-compound rule lapses
	model   PitModel
	drivers map[string]*driver
	stopsAt []stopSeen // stops noticed over the last laps (the wave)
	ended   []stintEnd // stints that ended in a stop
	samples []Sample
	gaps    map[int]map[string]float64 // lap → driver → gap to leader at the end of it
	maxGap  int
	stats   Stats
}

// driver is what the Predictor knows of one car.
type driver struct {
	lap        int // last lap completed
	tyre       string
	age        int
	stops      int
	used       map[string]bool // dry compounds fitted so far
	st         stint
	pitting    bool // entered the pit lane on the lap being run
	neutral    bool // SC/VSC was out during the lap being run
	stintStart bool // the next completed lap is the first of a stint (an out-lap)
	stopSeen   bool // the stop under way was already noticed (PIT status)
	finished   bool
}

// stopSeen is a stop noticed on a driver's record of lap `lap` (the car
// in the pit lane, or on new tyres), and the cars that were within
// rivalGapS of it at the line just before.
type stopSeen struct {
	driver string
	lap    int
	near   []string
}

// rivalGapS is how close another car must be for its stop to be a threat
// (an undercut from behind) or a chance (the car ahead gives up its place).
const rivalGapS = 3.0

// New returns a Predictor for one race.
func New(cfg Config) *Predictor {
	if cfg.PitLossS <= 0 {
		cfg.PitLossS = 22 // a typical circuit
	}
	p := &Predictor{cfg: cfg, total: cfg.TotalLaps, model: Default,
		drivers: map[string]*driver{}, gaps: map[int]map[string]float64{}}
	if cfg.Model != nil {
		p.model = *cfg.Model
	}
	return p
}

// Stats returns the counters.
func (p *Predictor) Stats() Stats { return p.stats }

// Samples returns the kept samples (Config.KeepSamples), Within unset.
func (p *Predictor) Samples() []Sample { return p.samples }

// RaceControl updates the race state: SC/VSC on or off and the race
// distance.
func (p *Predictor) RaceControl(rc *f1.RaceControl) {
	if rc.Type == f1.EventLap && rc.TotalLaps > 0 && rc.TotalLaps <= maxLap {
		p.total = rc.TotalLaps
	}
	fl, ok := f1.FlagOf(rc)
	if !ok {
		return
	}
	switch fl {
	case f1.FlagSC, f1.FlagVSC:
		p.flag = fl
		for _, d := range p.drivers {
			d.neutral = true
		}
	case f1.FlagGreen, f1.FlagChequered:
		p.flag = ""
	}
}

// Observe takes one timing record and returns the predictions made on it:
// when it is the first record of a newly completed lap of a running car
// that is not on its in-lap, the pit window for each horizon and the tyre
// cliff; otherwise none. out is reused for the result.
func (p *Predictor) Observe(pos *f1.Position, out []f1.Prediction) []f1.Prediction {
	out = out[:0]
	p.stats.Positions++
	if !valid(pos) {
		p.stats.Ignored++
		return out
	}
	d := p.drivers[pos.Driver]
	if d == nil && len(p.drivers) >= maxDrivers {
		p.stats.Ignored++
		return out
	}
	if d == nil {
		d = &driver{used: map[string]bool{}, tyre: pos.Tyre, stintStart: true}
		d.st.compound = pos.Tyre
		p.drivers[pos.Driver] = d
	}
	if d.finished {
		return out
	}
	if pos.Status == f1.StatusFinished {
		d.finished = true
		return out
	}
	if pos.Status == f1.StatusPit {
		d.pitting = true
		if !d.stopSeen {
			d.stopSeen = true
			p.noticeStop(pos.Driver, pos.Lap)
		}
	}
	if pos.Lap <= d.lap {
		return out // an update within a lap
	}
	p.newStint(d, pos)
	p.addLap(d, pos)
	p.addGap(pos)
	if d.pitting || p.total > 0 && pos.Lap >= p.total {
		return out // on the in-lap, or the race is run
	}
	out = p.predict(d, pos, out)
	p.stats.Predictions += len(out)
	return out
}

func valid(pos *f1.Position) bool {
	return len(pos.Driver) >= 2 && len(pos.Driver) <= 4 && pos.Lap >= 0 && pos.Lap <= maxLap &&
		pos.LastLapS >= 0 && pos.LastLapS <= maxLapS && pos.TyreAgeLaps >= 0 && pos.TyreAgeLaps <= maxTyreAge &&
		pos.PitStops >= 0 && pos.PitStops <= maxLap && !math.IsNaN(pos.GapToLeaderS) && !math.IsInf(pos.GapToLeaderS, 0)
}

// newStint notices a stop (more stops, another compound or a younger tyre)
// and starts a new stint; the old one's length teaches the compound's life.
func (p *Predictor) newStint(d *driver, pos *f1.Position) {
	stopped := pos.PitStops > d.stops || pos.Tyre != "" && d.tyre != "" && pos.Tyre != d.tyre ||
		pos.TyreAgeLaps > 0 && pos.TyreAgeLaps < d.age
	if stopped && d.lap > 0 {
		if !d.stopSeen {
			p.noticeStop(pos.Driver, pos.Lap)
		}
		d.stopSeen = false
		if len(p.ended) < maxStintEnds {
			p.ended = append(p.ended, stintEnd{d.tyre, d.age})
		}
		d.st = stint{compound: pos.Tyre}
		d.stintStart = true
		d.pitting = false
	}
	d.stops = pos.PitStops
	if pos.Tyre != "" {
		d.tyre = pos.Tyre
		d.st.compound = pos.Tyre
		if dry(pos.Tyre) {
			d.used[pos.Tyre] = true
		} else {
			p.wetRace = true
		}
	}
}

// addLap records the completed lap in the stint.
func (p *Predictor) addLap(d *driver, pos *f1.Position) {
	age := pos.TyreAgeLaps
	if age == 0 {
		age = d.age + 1
	}
	clean := pos.Lap >= 2 && !d.stintStart && !d.neutral && !d.pitting &&
		pos.Status != f1.StatusOut && pos.LastLapS > 0
	if pos.LastLapS > 0 {
		d.st.laps = append(d.st.laps, stintLap{lap: pos.Lap, age: age,
			t: fuelCorrected(pos.LastLapS, pos.Lap, p.total), clean: clean})
		if len(d.st.laps) > maxLap {
			d.st.laps = d.st.laps[1:]
		}
	}
	d.lap, d.age = pos.Lap, age
	d.stintStart = false
	d.neutral = p.flag != ""
}

// addGap keeps the gaps to the leader of the last gapLaps laps.
func (p *Predictor) addGap(pos *f1.Position) {
	if pos.Lap < p.maxGap-gapLaps {
		return
	}
	g := p.gaps[pos.Lap]
	if g == nil {
		g = map[string]float64{}
		p.gaps[pos.Lap] = g
	}
	g[pos.Driver] = pos.GapToLeaderS
	if pos.Lap > p.maxGap {
		p.maxGap = pos.Lap
		for l := range p.gaps {
			if l < p.maxGap-gapLaps {
				delete(p.gaps, l)
			}
		}
		k := 0
		for _, s := range p.stopsAt {
			if s.lap >= p.maxGap-gapLaps {
				p.stopsAt[k] = s
				k++
			}
		}
		p.stopsAt = p.stopsAt[:k]
	}
}

// gapBehind is the time to the next car behind at the line on the
// previous lap (all cars have completed it by now), +Inf if none, NaN if
// this car's previous lap is not known.
func (p *Predictor) gapBehind(code string, lap int) float64 {
	g := p.gaps[lap-1]
	mine, ok := g[code]
	if !ok {
		return math.NaN() // unknown (the first lap): not a free stop
	}
	best := math.Inf(1)
	for o, v := range g {
		if o != code && v > mine && v-mine < best {
			best = v - mine
		}
	}
	return best
}

// noticeStop records a stop seen on a record of lap `lap`.
func (p *Predictor) noticeStop(code string, lap int) {
	s := stopSeen{driver: code, lap: lap}
	for l := lap - 1; l >= lap-2; l-- {
		g, ok := p.gaps[l][code]
		if !ok {
			continue
		}
		for o, v := range p.gaps[l] {
			if o != code && math.Abs(v-g) <= rivalGapS {
				s.near = append(s.near, o)
			}
		}
		break
	}
	p.stopsAt = append(p.stopsAt, s)
}

// rival is the nearest car (by its stop's recency) that was within
// rivalGapS of this one and was seen stopping on this lap or the one
// before, "" if none.
func (p *Predictor) rival(code string, lap int) string {
	for i := len(p.stopsAt) - 1; i >= 0; i-- {
		s := p.stopsAt[i]
		if s.driver == code || s.lap < lap-1 || s.lap > lap {
			continue
		}
		for _, n := range s.near {
			if n == code {
				return s.driver
			}
		}
	}
	return ""
}

// wave counts the other cars whose stop was noticed on this lap or the one
// before.
func (p *Predictor) wave(code string, lap int) int {
	n := 0
	for _, s := range p.stopsAt {
		if s.driver != code && s.lap >= lap-1 && s.lap <= lap {
			n++
		}
	}
	return n
}
