package replay

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The timing of an OpenF1 session, as readOpenF1Session reads it: laps,
// stints and pit stops, positions, intervals and the classification.

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

// readIntervals turns /intervals (every ~4 s per car) into timing updates
// between lap ends: the car's laps, position, last and best lap, stops and
// tyre as they stand, with OpenF1's gap and interval. "+N LAP(S)" becomes N
// of the leader's last lap times (what the board reads as N laps down); a
// null gap is the leader's. Samples within 250 ms of the car's own lap end
// are dropped: the line timing holds then.
func (sr *sessionRace) readIntervals(b []byte) error {
	rows, err := decodeArray[of1Interval](b, "intervals")
	if err != nil {
		return err
	}
	leaderLapAt := sr.leaderLapTimes()
	for _, r := range rows {
		code, err := sr.code(r.DriverNumber, "intervals")
		if err != nil {
			return err
		}
		ms, err := date(r.Date, "intervals")
		if err != nil {
			return err
		}
		d := sr.race.Driver(code)
		done, near := lapsDoneAt(d, ms)
		if near || (sr.race.StartMs > 0 && ms < sr.race.StartMs) {
			continue
		}
		p := f1.Position{Ts: ms, RaceID: sr.race.RaceID, Driver: code, Lap: done, Position: sr.positionAt(code, ms), Status: f1.StatusRunning}
		leaderLap := leaderLapAt(ms)
		if n, ok := lapsBehind(r.Gap); ok {
			p.GapToLeaderS = float64(n) * leaderLap
		} else if g, ok := seconds(r.Gap); ok {
			p.GapToLeaderS = g
		}
		if n, ok := lapsBehind(r.Interval); ok {
			p.IntervalS = float64(n) * leaderLap
		} else if g, ok := seconds(r.Interval); ok {
			p.IntervalS = g
		}
		best := 0.0
		for _, l := range d.Laps {
			if l.Number > done {
				break
			}
			if l.TimeS > 0 && !l.Deleted && (best == 0 || l.TimeS < best) {
				best = l.TimeS
			}
			p.LastLapS, p.Tyre, p.TyreAgeLaps = l.TimeS, l.Compound, l.TyreAge
		}
		p.BestLapS = best
		for _, s := range d.Pits {
			if s.InMs <= ms {
				p.PitStops++
				if s.OutMs == 0 || ms < s.OutMs {
					p.Status = f1.StatusPit
				}
			}
		}
		sr.intervals = append(sr.intervals, p)
	}
	return nil
}

// lapsDoneAt is how many laps d had completed at ms, and whether ms is
// within 250 ms of one of its lap ends.
func lapsDoneAt(d *f1.DriverLaps, ms int64) (int, bool) {
	done := 0
	for _, l := range d.Laps {
		if l.EndMs == 0 {
			continue
		}
		if l.EndMs <= ms {
			done = l.Number
		}
		if diff := l.EndMs - ms; diff > -250 && diff < 250 {
			return done, true
		}
	}
	return done, false
}

// leaderLapTimes returns the leader's last lap time at a date (from the
// first car across the line on each lap).
func (sr *sessionRace) leaderLapTimes() func(ms int64) float64 {
	first := map[int]int64{}
	for _, d := range sr.race.Drivers {
		for _, l := range d.Laps {
			if l.EndMs > 0 && (first[l.Number] == 0 || l.EndMs < first[l.Number]) {
				first[l.Number] = l.EndMs
			}
		}
	}
	type lt struct {
		ms int64
		s  float64
	}
	var ends []lt
	for n, ms := range first {
		if prev, ok := first[n-1]; ok {
			ends = append(ends, lt{ms, float64(ms-prev) / 1000})
		}
	}
	slices.SortFunc(ends, func(a, b lt) int { return cmp.Compare(a.ms, b.ms) })
	return func(ms int64) float64 {
		i := sort.Search(len(ends), func(i int) bool { return ends[i].ms > ms })
		switch {
		case i > 0:
			return ends[i-1].s
		case len(ends) > 0:
			return ends[0].s
		}
		return 90 // no timed lap yet: a typical race lap
	}
}

// readResults reads /session_result (absent for older sessions).
func (sr *sessionRace) readResults(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	rows, err := decodeArray[of1Result](b, "session_result")
	if err != nil {
		return err
	}
	for _, r := range rows {
		code, ok := sr.codes[r.DriverNumber]
		if !ok || r.Position == nil {
			continue // OpenF1 lists drivers outside /drivers (reserves) and nulls
		}
		res := f1.Result{Driver: code, Position: *r.Position, Classified: fmt.Sprint(*r.Position), Status: "Finished"}
		if r.Laps != nil {
			res.Laps = *r.Laps
		}
		switch {
		case r.DSQ:
			res.Classified, res.Status = "D", "Disqualified"
		case r.DNS:
			res.Classified, res.Status = "W", "Did not start"
		case r.DNF:
			res.Classified, res.Status = "R", "Retired"
		}
		if n, ok := lapsBehind(r.Gap); ok {
			res.Status = fmt.Sprintf("+%d Lap", n)
		} else if g, ok := seconds(r.Gap); ok {
			res.GapS = g
		}
		if res.Position == 1 {
			res.TimeS, _ = seconds(r.Duration)
		}
		if d := sr.race.Driver(code); d != nil {
			res.Grid = d.Grid
		}
		sr.race.Results = append(sr.race.Results, res)
	}
	sortResults(sr.race.Results)
	return nil
}
