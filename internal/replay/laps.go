package replay

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The one home of FastF1 lap parsing: session.laps (and the per-lap
// summary tables built from it) read into f1.RaceLaps, whose Timing makes
// the replayed feed.

// parseLaps reads FastF1 session.laps on its own: the race model's timing
// (lap ends, LAP and PIT events) with dates.
func parseLaps(t *table, opt Options) (*File, error) {
	lf, err := parseLapsModel(t, opt)
	if err != nil {
		return nil, err
	}
	f := &File{Name: t.name, Format: FastF1Laps, Abs: true, Items: timingItems(lf.race, f1.TimingOptions{})}
	f.laps = lf
	return f, nil
}

// parseLapSummary reads a per-lap summary (one row per driver and lap)
// whose gap_to_leader column is, despite its name, FastF1's Lap.Time: the
// session time in seconds at the end of the lap. It has no dates. A lap
// followed by one on another compound is taken as an in lap (a stop).
func parseLapSummary(t *table, opt Options) (*File, error) {
	race := &f1.RaceLaps{RaceID: opt.RaceID}
	idx := map[string]int{}
	for i := range t.rows {
		d, err := t.rowDriver(i, opt)
		if err != nil {
			return nil, err
		}
		l := f1.Lap{Compound: compound(t.str(i, "compound")), Track: t.str(i, "track_status")}
		if l.Number, err = t.integer(i, "lap_number"); err != nil {
			return nil, err
		}
		if l.Number < 1 || l.Number > f1.MaxLap {
			return nil, t.rowErr(i, "lap_number", t.str(i, "lap_number"), fmt.Sprintf("a lap from 1 to %d", f1.MaxLap))
		}
		endS, err := t.num(i, "gap_to_leader")
		if err != nil {
			return nil, err
		}
		l.EndMs = int64(math.Round(endS * 1000))
		if l.TimeS, _, err = t.numOpt(i, "lap_time"); err != nil {
			return nil, err
		}
		if p, ok, err := t.numOpt(i, "position"); err != nil {
			return nil, err
		} else if ok && p >= 1 && p <= 100 {
			l.Position = int(p)
		}
		k, ok := idx[d.Code]
		if !ok {
			k = len(race.Drivers)
			idx[d.Code] = k
			race.Drivers = append(race.Drivers, f1.DriverLaps{Driver: d.Code, Number: d.Number, Team: teamOf(d.Code)})
		}
		dl := &race.Drivers[k]
		l.TyreAge = 1
		if n := len(dl.Laps); n > 0 {
			prev := &dl.Laps[n-1]
			if l.Number <= prev.Number {
				return nil, fmt.Errorf("%s:%d: %s lap %d after lap %d: rows of a driver must come in lap order", t.name, t.lines[i], d.Code, l.Number, prev.Number)
			}
			l.TyreAge = prev.TyreAge + 1
			if l.Compound != prev.Compound {
				l.TyreAge, prev.PitIn, l.PitOut = 1, true, true
			}
		}
		dl.Laps = append(dl.Laps, l)
		race.TotalLaps = max(race.TotalLaps, l.Number)
	}
	race.PitsFromLaps(func(_ *f1.DriverLaps, l *f1.Lap) int64 { return l.EndMs }, func(_ *f1.DriverLaps, l *f1.Lap) int64 { return 0 })
	if err := race.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	return &File{Name: t.name, Format: LapSummary, Abs: false, Items: timingItems(race, f1.TimingOptions{})}, nil
}

// timingItems is the race's timing feed as items, in time order.
func timingItems(r *f1.RaceLaps, opt f1.TimingOptions) []Item {
	pos, ev := r.Timing(opt)
	items := make([]Item, 0, len(pos)+len(ev))
	for i := range ev {
		items = append(items, Item{Type: f1.RaceControlRecord, Ts: ev[i].Ts, RC: ev[i]})
	}
	for i := range pos {
		items = append(items, Item{Type: f1.PositionRecord, Ts: pos[i].Ts, Pos: pos[i]})
	}
	slices.SortStableFunc(items, func(a, b Item) int { return cmp.Compare(a.Ts, b.Ts) })
	return items
}

func compound(v string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "NAN" {
		return ""
	}
	return v
}

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
