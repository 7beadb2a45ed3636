package replay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// lapsFile is a FastF1 session.laps table read into the race model, with
// the session clock it is on.
type lapsFile struct {
	race           *f1.RaceLaps
	sessionStartMs int64          // LapStartDate − LapStartTime
	numbers        map[string]int // code → car number
}

// parseLapsModel reads FastF1 session.laps into f1.RaceLaps. Its clock is
// the session's: every session time (Time, LapStartTime, PitInTime,
// PitOutTime) is put on dates with the session start that LapStartDate −
// LapStartTime gives (the same on every row, or the file is refused).
// Lights out is lap 1's start; the race distance is the most laps.
func parseLapsModel(t *table, opt Options) (*lapsFile, error) {
	lf := &lapsFile{race: &f1.RaceLaps{RaceID: opt.RaceID}, numbers: map[string]int{}}
	idx := map[string]int{}
	for i := range t.rows {
		if t.str(i, "LapStartDate") == "" || t.str(i, "LapStartTime") == "" {
			continue
		}
		d, err := t.date(i, "LapStartDate")
		if err != nil {
			return nil, err
		}
		st, err := t.timedelta(i, "LapStartTime")
		if err != nil {
			return nil, err
		}
		s := d - st
		if lf.sessionStartMs == 0 {
			lf.sessionStartMs = s
		} else if diff := s - lf.sessionStartMs; diff > 2 || diff < -2 {
			return nil, fmt.Errorf("%s:%d: LapStartDate − LapStartTime is %d ms off the other rows': one session per file",
				t.name, t.lines[i], diff)
		}
	}
	if lf.sessionStartMs == 0 {
		return nil, fmt.Errorf("%s: no row has both LapStartDate and LapStartTime: cannot put the laps on a clock", t.name)
	}
	at := func(i int, col string) (int64, bool, error) {
		ms, ok, err := t.timedeltaOpt(i, col)
		if err != nil || !ok {
			return 0, ok, err
		}
		return lf.sessionStartMs + ms, true, nil
	}
	type rowLap struct {
		code       string
		lap        f1.Lap
		pitIn, out int64
	}
	var rows []rowLap
	for i := range t.rows {
		d, err := t.rowDriver(i, opt)
		if err != nil {
			return nil, err
		}
		r := rowLap{code: d.Code}
		if r.lap.Number, err = t.integer(i, "LapNumber"); err != nil {
			return nil, err
		}
		if r.lap.Number < 1 || r.lap.Number > f1.MaxLap {
			return nil, t.rowErr(i, "LapNumber", t.str(i, "LapNumber"), fmt.Sprintf("a lap from 1 to %d", f1.MaxLap))
		}
		if n, ok, err := t.numOpt(i, "DriverNumber"); err != nil {
			return nil, err
		} else if ok {
			lf.numbers[d.Code] = int(n)
		} else if d.Number > 0 {
			lf.numbers[d.Code] = d.Number
		}
		var ok bool
		if r.lap.EndMs, ok, err = at(i, "Time"); err != nil {
			return nil, err
		} else if !ok {
			r.lap.EndMs = 0
		}
		if r.lap.StartMs, _, err = at(i, "LapStartTime"); err != nil {
			return nil, err
		}
		if t.has("LapTime") {
			if ms, ok, err := t.timedeltaOpt(i, "LapTime"); err != nil {
				return nil, err
			} else if ok {
				r.lap.TimeS = float64(ms) / 1000
			}
		} else if s, ok, err := t.numOpt(i, "LapTimeSeconds"); err != nil {
			return nil, err
		} else if ok {
			r.lap.TimeS = s
		}
		for k := 0; k < 3; k++ {
			col := fmt.Sprintf("Sector%dTime", k+1)
			if ms, ok, err := t.timedeltaOpt(i, col); err != nil {
				return nil, err
			} else if ok {
				r.lap.SectorS[k] = float64(ms) / 1000
			}
		}
		if p, ok, err := t.numOpt(i, "Position"); err != nil {
			return nil, err
		} else if ok && p >= 1 && p <= 100 {
			r.lap.Position = int(p)
		}
		r.lap.Compound = compound(t.str(i, "Compound"))
		if a, ok, err := t.numOpt(i, "TyreLife"); err != nil {
			return nil, err
		} else if ok && a >= 0 && a <= 200 {
			r.lap.TyreAge = int(a)
		}
		if s, ok, err := t.numOpt(i, "Stint"); err != nil {
			return nil, err
		} else if ok && s >= 1 && s <= 20 {
			r.lap.Stint = int(s)
		}
		if r.pitIn, r.lap.PitIn, err = at(i, "PitInTime"); err != nil {
			return nil, err
		}
		if r.out, r.lap.PitOut, err = at(i, "PitOutTime"); err != nil {
			return nil, err
		}
		r.lap.Deleted = strings.EqualFold(t.str(i, "Deleted"), "true")
		r.lap.Track = t.str(i, "TrackStatus")
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b rowLap) int { return a.lap.Number - b.lap.Number })
	for _, r := range rows {
		k, ok := idx[r.code]
		if !ok {
			k = len(lf.race.Drivers)
			idx[r.code] = k
			lf.race.Drivers = append(lf.race.Drivers, f1.DriverLaps{Driver: r.code, Number: lf.numbers[r.code], Team: teamOf(r.code)})
		}
		d := &lf.race.Drivers[k]
		if n := len(d.Laps); n > 0 && d.Laps[n-1].Number == r.lap.Number {
			return nil, fmt.Errorf("%s: %s lap %d twice", t.name, r.code, r.lap.Number)
		}
		d.Laps = append(d.Laps, r.lap)
		lf.race.TotalLaps = max(lf.race.TotalLaps, r.lap.Number)
		if r.lap.Number == 1 && r.lap.StartMs > 0 && (lf.race.StartMs == 0 || r.lap.StartMs < lf.race.StartMs) {
			lf.race.StartMs = r.lap.StartMs
		}
	}
	type key struct {
		code string
		lap  int
	}
	pits := map[key][2]int64{}
	for _, r := range rows {
		pits[key{r.code, r.lap.Number}] = [2]int64{r.pitIn, r.out}
	}
	lf.race.PitsFromLaps(func(d *f1.DriverLaps, l *f1.Lap) int64 { return pits[key{d.Driver, l.Number}][0] },
		func(d *f1.DriverLaps, l *f1.Lap) int64 { return pits[key{d.Driver, l.Number}][1] })
	if err := lf.race.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	return lf, nil
}

// teamOf is the 2024 team of a known code, else "".
func teamOf(code string) string {
	if d, ok := f1.DriverByCode(code); ok {
		return f1.TeamOf(d).Name
	}
	return ""
}
