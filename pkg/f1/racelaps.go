package f1

import (
	"fmt"
	"slices"
	"strings"
)

// RaceLaps is a recorded race lap by lap: per driver its laps, tyre stints
// and pit stops, and the official classification when it is known. It is
// what the replay parsers make of FastF1 and OpenF1 data (internal/replay),
// and what tests and models that need a race's history read. Times are ms
// since the Unix epoch; 0 means unknown.
type RaceLaps struct {
	RaceID    string
	StartMs   int64 // lights out
	TotalLaps int   // race distance in laps (the winner's laps when not given)
	Drivers   []DriverLaps
	Results   []Result // the official classification, in order; empty when unknown
}

// DriverLaps is one driver's race.
type DriverLaps struct {
	Driver     string // three-letter code
	Number     int
	Team       string
	TeamColour string // hex without '#'
	Grid       int    // grid position; 0 unknown or pit lane
	Laps       []Lap  // in lap order, numbers from 1
	Stints     []Stint
	Pits       []PitStop
}

// Lap is one lap of one driver.
type Lap struct {
	Number   int
	StartMs  int64
	EndMs    int64      // when it crossed the line; 0 if it never did
	TimeS    float64    // lap time; 0 when not timed
	SectorS  [3]float64 // sector times; 0 when not timed
	Position int        // at the lap's end; 0 unknown
	Compound string     // TyreSoft ... TyreWet; "" unknown
	TyreAge  int        // laps on the set at the end of this lap
	Stint    int        // from 1; 0 unknown
	PitIn    bool       // ended in the pit lane (an in lap)
	PitOut   bool       // started from the pit lane (an out lap)
	Deleted  bool       // deleted by the stewards (track limits)
	Track    string     // track status codes seen in the lap (FastF1 TrackStatus)
}

// Stint is a run on one set of tyres: laps LapStart..LapEnd (inclusive).
type Stint struct {
	Number     int
	LapStart   int
	LapEnd     int
	Compound   string
	AgeAtStart int // laps already on the set when the stint began
}

// PitStop is one visit to the pit lane, entered at the end of lap Lap.
type PitStop struct {
	Lap   int
	InMs  int64   // pit entry
	OutMs int64   // pit exit; 0 when the car never left (retired there)
	LaneS float64 // time in the pit lane; 0 unknown
	From  string  // compound before
	To    string  // compound after
}

// Result is one line of the official classification.
type Result struct {
	Driver     string
	Position   int    // 1.. including cars not classified
	Classified string // "1", "2", ... or R (retired), D (disqualified), E, W, F, N
	Grid       int
	Laps       int
	Status     string  // as published: Finished, Lapped, +1 Lap, Retired, ...
	GapS       float64 // to the winner; 0 for the winner and the unclassified
	TimeS      float64 // the winner's race time; 0 otherwise
	Points     float64
}

// Retired reports whether the result is not a classified finish.
func (r Result) Retired() bool {
	if r.Classified == "" {
		s := strings.ToLower(r.Status)
		return strings.Contains(s, "retired") || strings.Contains(s, "dnf") || strings.Contains(s, "disqualified") ||
			strings.Contains(s, "did not")
	}
	return r.Classified[0] < '0' || r.Classified[0] > '9'
}

// Driver returns the driver with code, or nil.
func (r *RaceLaps) Driver(code string) *DriverLaps {
	for i := range r.Drivers {
		if r.Drivers[i].Driver == code {
			return &r.Drivers[i]
		}
	}
	return nil
}

// Lap returns lap n, or nil.
func (d *DriverLaps) Lap(n int) *Lap {
	if i := n - 1; i >= 0 && i < len(d.Laps) && d.Laps[i].Number == n {
		return &d.Laps[i]
	}
	for i := range d.Laps {
		if d.Laps[i].Number == n {
			return &d.Laps[i]
		}
	}
	return nil
}

// Check says what is wrong with the race: a driver twice, laps out of
// order or beyond MaxLap, a lap ending before it starts, stints that
// overlap.
func (r *RaceLaps) Check() error {
	seen := map[string]bool{}
	for _, d := range r.Drivers {
		if d.Driver == "" {
			return fmt.Errorf("race %s: a driver without a code", r.RaceID)
		}
		if seen[d.Driver] {
			return fmt.Errorf("race %s: driver %s twice", r.RaceID, d.Driver)
		}
		seen[d.Driver] = true
		for i, l := range d.Laps {
			switch {
			case l.Number < 1 || l.Number > MaxLap:
				return fmt.Errorf("%s: lap number %d is not from 1 to %d", d.Driver, l.Number, MaxLap)
			case i > 0 && l.Number <= d.Laps[i-1].Number:
				return fmt.Errorf("%s: lap %d comes after lap %d", d.Driver, l.Number, d.Laps[i-1].Number)
			case l.EndMs > 0 && l.StartMs > 0 && l.EndMs < l.StartMs:
				return fmt.Errorf("%s lap %d: ends before it starts", d.Driver, l.Number)
			}
		}
		for i, s := range d.Stints {
			if s.LapEnd < s.LapStart || s.LapStart < 1 || (i > 0 && s.LapStart <= d.Stints[i-1].LapEnd) {
				return fmt.Errorf("%s stint %d: laps %d–%d overlap or run backwards", d.Driver, s.Number, s.LapStart, s.LapEnd)
			}
		}
	}
	return nil
}

// FillTyres completes each driver's tyre data: laps without a compound or
// tyre age take them from the stints; drivers without stints get them
// from their laps' compounds and stint numbers. It reports how many laps
// disagreed with their stint (the lap's own value is kept).
func (r *RaceLaps) FillTyres() (disagree int) {
	for i := range r.Drivers {
		d := &r.Drivers[i]
		if len(d.Stints) == 0 {
			d.Stints = stintsFromLaps(d.Laps)
			continue
		}
		for j := range d.Laps {
			l := &d.Laps[j]
			s := d.stintOf(l.Number)
			if s == nil {
				continue
			}
			age := s.AgeAtStart + l.Number - s.LapStart + 1
			if l.Compound == "" {
				l.Compound = s.Compound
			} else if l.Compound != s.Compound {
				disagree++
			}
			if l.TyreAge == 0 {
				l.TyreAge = age
			} else if l.TyreAge != age {
				disagree++
			}
			if l.Stint == 0 {
				l.Stint = s.Number
			}
		}
	}
	return disagree
}

func (d *DriverLaps) stintOf(lap int) *Stint {
	for i := range d.Stints {
		if s := &d.Stints[i]; lap >= s.LapStart && lap <= s.LapEnd {
			return s
		}
	}
	return nil
}

// stintsFromLaps groups laps by stint number (or compound changes).
func stintsFromLaps(laps []Lap) []Stint {
	var out []Stint
	for _, l := range laps {
		n := len(out)
		newStint := n == 0 || (l.Stint > 0 && l.Stint != out[n-1].Number) ||
			(l.Stint == 0 && l.Compound != "" && l.Compound != out[n-1].Compound)
		if newStint {
			num := l.Stint
			if num == 0 {
				num = n + 1
			}
			out = append(out, Stint{Number: num, LapStart: l.Number, LapEnd: l.Number, Compound: l.Compound,
				AgeAtStart: max(0, l.TyreAge-1)})
			continue
		}
		out[n-1].LapEnd = l.Number
		if out[n-1].Compound == "" {
			out[n-1].Compound = l.Compound
		}
	}
	return out
}

// PitsFromLaps fills each driver's pit stops from its in and out laps when
// it has none: entry at the end of the in lap (InMs from inMs), exit from
// outMs, compounds from the laps either side.
func (r *RaceLaps) PitsFromLaps(inMs, outMs func(d *DriverLaps, l *Lap) int64) {
	for i := range r.Drivers {
		d := &r.Drivers[i]
		if len(d.Pits) > 0 {
			continue
		}
		for j := range d.Laps {
			l := &d.Laps[j]
			if !l.PitIn {
				continue
			}
			p := PitStop{Lap: l.Number, InMs: inMs(d, l), From: l.Compound}
			if next := d.Lap(l.Number + 1); next != nil && next.PitOut {
				p.OutMs, p.To = outMs(d, next), next.Compound
				if p.OutMs > 0 && p.InMs > 0 {
					p.LaneS = float64(p.OutMs-p.InMs) / 1000
				}
			}
			d.Pits = append(d.Pits, p)
		}
	}
}

// SortDrivers orders the drivers by grid position (unknown grid last, by
// code), the order the grid records are sent in.
func (r *RaceLaps) SortDrivers() {
	slices.SortStableFunc(r.Drivers, func(a, b DriverLaps) int {
		ga, gb := a.Grid, b.Grid
		if ga <= 0 {
			ga = MaxLap
		}
		if gb <= 0 {
			gb = MaxLap
		}
		if ga != gb {
			return ga - gb
		}
		return strings.Compare(a.Driver, b.Driver)
	})
}
