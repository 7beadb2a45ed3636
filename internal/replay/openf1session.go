package replay

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// sessionRace is an OpenF1 session read into Pitwall's terms.
type sessionRace struct {
	race      *f1.RaceLaps
	codes     map[int]string // car number → code
	intervals []f1.Position  // timing between lap ends, from /intervals
	rc        []f1.RaceControl
	weather   []weatherRow // dates
	tel       []f1.Telemetry
	locs      map[string][]locSample // dates
	pos       map[string][]posChange // /position, by code, in time order
	warnings  []string
}

// code is the driver code of car number n, which endpoint names.
func (sr *sessionRace) code(n int, endpoint string) (string, error) {
	code, ok := sr.codes[n]
	if !ok {
		return "", fmt.Errorf("OpenF1 /%s: driver number %d is not in /drivers", endpoint, n)
	}
	return code, nil
}

// posChange is a position from a date on.
type posChange struct {
	ms  int64
	pos int
}

// positionAt is a driver's position at ms (0 before the first).
func (sr *sessionRace) positionAt(code string, ms int64) int {
	cs := sr.pos[code]
	i := sort.Search(len(cs), func(i int) bool { return cs[i].ms > ms })
	if i == 0 {
		return 0
	}
	return cs[i-1].pos
}

// locSample is a car's position at a date.
type locSample struct {
	Ms      int64
	X, Y, Z float64
}

// readOpenF1Session reads a session. Lights out is race control's SESSION
// STARTED (else the first lap 2 start less the median lap); a lap ends
// where the driver's next one starts (else at its start plus its
// duration); lap 1, which OpenF1 does not time, runs from lights out.
func readOpenF1Session(s *openf1.SessionData, raceID string) (*sessionRace, error) {
	sr := &sessionRace{codes: map[int]string{}, locs: map[string][]locSample{}}
	race := &f1.RaceLaps{RaceID: raceID}
	sr.race = race
	drivers, err := decodeArray[of1Driver](s.Drivers, "drivers")
	if err != nil {
		return nil, err
	}
	idx := map[int]int{}
	for _, d := range drivers {
		code := strings.ToUpper(d.NameAcronym)
		if !validCode(code) || d.DriverNumber <= 0 {
			return nil, fmt.Errorf("OpenF1 /drivers: driver %d has acronym %q: want a three-letter code", d.DriverNumber, d.NameAcronym)
		}
		if _, dup := idx[d.DriverNumber]; dup {
			continue
		}
		idx[d.DriverNumber] = len(race.Drivers)
		sr.codes[d.DriverNumber] = code
		race.Drivers = append(race.Drivers, f1.DriverLaps{Driver: code, Number: d.DriverNumber, Team: d.TeamName,
			TeamColour: strings.TrimPrefix(strings.ToUpper(d.TeamColour), "#")})
	}
	driver := func(n int, endpoint string) (*f1.DriverLaps, error) {
		i, ok := idx[n]
		if !ok {
			return nil, fmt.Errorf("OpenF1 /%s: driver number %d is not in /drivers", endpoint, n)
		}
		return &race.Drivers[i], nil
	}
	if err := sr.readRaceControl(s.RaceControl); err != nil {
		return nil, err
	}
	if err := sr.readLaps(s.Laps, driver); err != nil {
		return nil, err
	}
	if err := sr.readStintsAndPits(s.Stints, s.Pit, driver); err != nil {
		return nil, err
	}
	if err := sr.readPositions(s.Position, driver); err != nil {
		return nil, err
	}
	if err := sr.readIntervals(s.Intervals); err != nil {
		return nil, err
	}
	if err := sr.readResults(s.Results); err != nil {
		return nil, err
	}
	if err := sr.readWeather(s.Weather); err != nil {
		return nil, err
	}
	if err := sr.readLocations(s.Location); err != nil {
		return nil, err
	}
	if err := sr.readCarData(s.CarData); err != nil {
		return nil, err
	}
	if err := race.Check(); err != nil {
		return nil, fmt.Errorf("OpenF1 session %d: %w", s.Session.SessionKey, err)
	}
	return sr, nil
}

func (sr *sessionRace) readRaceControl(b []byte) error {
	return eachDated(b, "race_control", func(r of1RaceControl, ts int64) error {
		if strings.EqualFold(r.Category, "SessionStatus") && strings.EqualFold(r.Message, "SESSION STARTED") && sr.race.StartMs == 0 {
			sr.race.StartMs = ts
		}
		rc := f1.RaceControl{Ts: ts, RaceID: sr.race.RaceID, Message: r.Message}
		if r.DriverNumber != nil {
			rc.Driver = sr.codes[*r.DriverNumber] // "" for a number /drivers does not list
		}
		if r.LapNumber != nil {
			rc.Lap = *r.LapNumber
		}
		flag := ""
		if r.Flag != nil {
			flag = *r.Flag
		}
		rc.Type = raceControlType(r.Category, flag, r.Message)
		sr.rc = append(sr.rc, rc)
		return nil
	})
}

func (sr *sessionRace) readLaps(b []byte, driver func(int, string) (*f1.DriverLaps, error)) error {
	rows, err := decodeArray[of1Lap](b, "laps")
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(a, b of1Lap) int { return a.LapNumber - b.LapNumber })
	for _, r := range rows {
		d, err := driver(r.DriverNumber, "laps")
		if err != nil {
			return err
		}
		if r.LapNumber < 1 || r.LapNumber > f1.MaxLap {
			return fmt.Errorf("OpenF1 /laps: %s lap number %d is not from 1 to %d", d.Driver, r.LapNumber, f1.MaxLap)
		}
		l := f1.Lap{Number: r.LapNumber, PitOut: r.PitOutLap != nil && *r.PitOutLap}
		if r.DateStart != nil {
			if l.StartMs, err = date(*r.DateStart, "laps"); err != nil {
				return err
			}
		}
		if r.LapDuration != nil && *r.LapDuration > 0 {
			l.TimeS = *r.LapDuration
		}
		for k, v := range []*float64{r.Sector1, r.Sector2, r.Sector3} {
			if v != nil && *v > 0 {
				l.SectorS[k] = *v
			}
		}
		if n := len(d.Laps); n > 0 && d.Laps[n-1].Number == l.Number {
			return fmt.Errorf("OpenF1 /laps: %s lap %d twice", d.Driver, l.Number)
		}
		d.Laps = append(d.Laps, l)
		sr.race.TotalLaps = max(sr.race.TotalLaps, l.Number)
	}
	if sr.race.StartMs == 0 {
		sr.race.StartMs = sr.guessStart()
		sr.warnings = append(sr.warnings, "no SESSION STARTED in race control: lights out estimated from the lap 2 starts")
	}
	for i := range sr.race.Drivers {
		d := &sr.race.Drivers[i]
		for j := range d.Laps {
			l := &d.Laps[j]
			if l.Number == 1 && l.StartMs == 0 {
				l.StartMs = sr.race.StartMs
			}
			switch {
			case j+1 < len(d.Laps) && d.Laps[j+1].Number == l.Number+1 && d.Laps[j+1].StartMs > 0:
				l.EndMs = d.Laps[j+1].StartMs
			case l.StartMs > 0 && l.TimeS > 0:
				l.EndMs = l.StartMs + int64(math.Round(l.TimeS*1000))
			}
			if l.TimeS == 0 && l.EndMs > 0 && l.StartMs > 0 {
				l.TimeS = float64(l.EndMs-l.StartMs) / 1000
			}
		}
	}
	return nil
}

// guessStart: the earliest lap 2 start less the median lap time.
func (sr *sessionRace) guessStart() int64 {
	var starts []int64
	var times []float64
	for _, d := range sr.race.Drivers {
		for _, l := range d.Laps {
			if l.Number == 2 && l.StartMs > 0 {
				starts = append(starts, l.StartMs)
			}
			if l.TimeS > 0 {
				times = append(times, l.TimeS)
			}
		}
	}
	if len(starts) == 0 || len(times) == 0 {
		return 0
	}
	slices.Sort(starts)
	slices.Sort(times)
	return starts[0] - int64(times[len(times)/2]*1000)
}

func (sr *sessionRace) readStintsAndPits(stints, pits []byte, driver func(int, string) (*f1.DriverLaps, error)) error {
	st, err := decodeArray[of1Stint](stints, "stints")
	if err != nil {
		return err
	}
	slices.SortStableFunc(st, func(a, b of1Stint) int { return a.LapStart - b.LapStart })
	for _, s := range st {
		d, err := driver(s.DriverNumber, "stints")
		if err != nil {
			return err
		}
		age := 0
		if s.AgeAtStart != nil {
			age = *s.AgeAtStart
		}
		if s.LapStart < 1 || s.LapEnd < s.LapStart || s.LapEnd > f1.MaxLap || age < 0 || age > 100 {
			return fmt.Errorf("OpenF1 /stints: %s stint %d laps %d–%d (tyre age %d) make no sense", d.Driver, s.StintNumber, s.LapStart, s.LapEnd, age)
		}
		d.Stints = append(d.Stints, f1.Stint{Number: s.StintNumber, LapStart: s.LapStart, LapEnd: s.LapEnd,
			Compound: compound(s.Compound), AgeAtStart: age})
	}
	sr.race.FillTyres()
	ps, err := decodeArray[of1Pit](pits, "pit")
	if err != nil {
		return err
	}
	for _, p := range ps {
		d, err := driver(p.DriverNumber, "pit")
		if err != nil {
			return err
		}
		in, err := date(p.Date, "pit")
		if err != nil {
			return err
		}
		stop := f1.PitStop{Lap: p.LapNumber, InMs: in}
		lane := p.LaneDuration
		if lane == nil {
			lane = p.PitDuration // deprecated name, same value
		}
		if lane != nil && *lane > 0 && *lane < 3600 {
			stop.LaneS = *lane
			stop.OutMs = in + int64(math.Round(*lane*1000))
		}
		if l := d.Lap(p.LapNumber); l != nil {
			l.PitIn, stop.From = true, l.Compound
		}
		if l := d.Lap(p.LapNumber + 1); l != nil {
			stop.To = l.Compound
		}
		d.Pits = append(d.Pits, stop)
	}
	return nil
}

// readPositions sets each lap's position (the latest /position at or before
// its end) and the grid (each driver's latest position before lights out).
func (sr *sessionRace) readPositions(b []byte, driver func(int, string) (*f1.DriverLaps, error)) error {
	rows, err := decodeArray[of1Position](b, "position")
	if err != nil {
		return err
	}
	sr.pos = map[string][]posChange{}
	for _, r := range rows {
		d, err := driver(r.DriverNumber, "position")
		if err != nil {
			return err
		}
		ms, err := date(r.Date, "position")
		if err != nil {
			return err
		}
		if r.Position < 1 || r.Position > 100 {
			return fmt.Errorf("OpenF1 /position: %s position %d", d.Driver, r.Position)
		}
		sr.pos[d.Driver] = append(sr.pos[d.Driver], posChange{ms, r.Position})
	}
	for code, cs := range sr.pos {
		slices.SortStableFunc(cs, func(a, b posChange) int { return cmp.Compare(a.ms, b.ms) })
		d := sr.race.Driver(code)
		if sr.race.StartMs > 0 {
			d.Grid = sr.positionAt(code, sr.race.StartMs)
		}
		for j := range d.Laps {
			if l := &d.Laps[j]; l.EndMs > 0 {
				l.Position = sr.positionAt(code, l.EndMs+1000) // OpenF1 posts the change just after the line
			}
		}
	}
	return nil
}
