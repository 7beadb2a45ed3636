package replay

import (
	"fmt"
	"math"
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// A race set is several files of one race replayed together (Assemble).
// Each file keeps its own clock until the set puts them on one, the
// race's, whose zero is lights out:
//
//   - FastF1 laps: session times (Time, LapStartTime, PitInTime,
//     PitOutTime) on dates through the session start LapStartDate −
//     LapStartTime; lights out is lap 1's start;
//   - FastF1 telemetry: dates (Date); with SessionTime too it also gives
//     the session start when the set has no laps;
//   - FastF1 weather: session times, on the session start;
//   - OpenF1 race control: dates;
//   - OpenF1 stints and FastF1 results: no times: the stints give each lap
//     its tyre, the results are published one second after the last lap;
//   - locations (t, driver, x, y): a clock of their own, whose lights out
//     is where the field leaves its grid standstill (align.go), put on the
//     laps' lights out.

// AssembleOptions say how a set is replayed.
type AssembleOptions struct {
	// FromStart drops what comes more than a minute before lights out
	// (race control's pre-race messages, the formation lap's locations),
	// keeping the last weather reading before it.
	FromStart bool
}

// Assembled is a set put on one clock.
type Assembled struct {
	Items []Item
	Race  *f1.RaceLaps // nil when the set has no laps
	Notes []string     // how the clocks were put together, for the user
}

// Assemble puts the files on one clock and merges their items in time
// order. Files of a race set (results, stints, locations, weather on
// session times) need the race's laps, and say so.
func Assemble(files []*File, opt Options, ao AssembleOptions) (*Assembled, error) {
	var laps *File
	var rcFinish, setOnly bool
	nLaps := 0
	sessionMs := int64(0)
	for _, f := range files {
		if f.laps != nil {
			laps = f
			nLaps++
		}
		setOnly = setOnly || f.results != nil || f.stints != nil || f.locations != nil
		if f.Format == OpenF1RaceControl {
			for _, it := range f.Items {
				rcFinish = rcFinish || it.RC.Type == f1.EventFinish
			}
		}
	}
	a := &Assembled{}
	switch {
	case nLaps > 1 && setOnly:
		return nil, fmt.Errorf("several laps files with results, stints or locations: replay one race at a time")
	case nLaps > 1:
		laps = nil // several races' timings, merged as they are
	case laps != nil:
		a.Race, sessionMs = laps.laps.race, laps.laps.sessionStartMs
		a.Notes = append(a.Notes, fmt.Sprintf("%s: session start %s UTC (LapStartDate − LapStartTime), lights out %s UTC (lap 1's start)",
			laps.Name, clock(sessionMs), clock(a.Race.StartMs)))
	}
	if sessionMs == 0 {
		for _, f := range files {
			if f.sessionStartMs != 0 {
				sessionMs = f.sessionStartMs
				a.Notes = append(a.Notes, fmt.Sprintf("%s: session start %s UTC (Date − SessionTime)", f.Name, clock(sessionMs)))
				break
			}
		}
	}
	for _, f := range files {
		if f.Format == WeatherCSV && !f.Abs {
			if sessionMs == 0 {
				return nil, fmt.Errorf("%s has session times only: add laps.csv or a telemetry file with Date and SessionTime of the same session to put it on a clock", f.Name)
			}
			for i := range f.Items {
				f.Items[i].SetTs(f.Items[i].Ts + sessionMs)
			}
			f.Abs = true
		}
	}
	if laps == nil {
		if setOnly {
			for _, f := range files {
				if f.results != nil || f.stints != nil || f.locations != nil {
					return nil, fmt.Errorf("%s (%s) needs the race's laps: add its laps.csv (FastF1 session.laps)", f.Name, f.Format)
				}
			}
		}
		merged, err := Merge(files)
		if err != nil {
			return nil, err
		}
		a.Items = merged
		return a, nil
	}
	var items []Item
	for _, f := range files {
		switch {
		case f == laps || f.results != nil || f.stints != nil || f.locations != nil:
			// timed below, with the rest of the race
		case !f.Abs:
			return nil, fmt.Errorf("%s has session times only and no session start of its own: replay it without the dated files", f.Name)
		default:
			items = append(items, f.Items...)
		}
	}
	race := a.Race
	for _, f := range files {
		switch {
		case f.stints != nil:
			n := 0
			for i := range race.Drivers {
				d := &race.Drivers[i]
				if s, ok := f.stints.byNumber[laps.laps.numbers[d.Driver]]; ok && d.Number > 0 {
					d.Stints, n = s, n+1
				}
			}
			a.Notes = append(a.Notes, fmt.Sprintf("%s: tyre stints of %d drivers", f.Name, n))
		case f.results != nil:
			race.Results = f.results.results
			for i := range race.Drivers {
				d := &race.Drivers[i]
				if info, ok := f.results.drivers[d.Driver]; ok {
					d.Grid, d.Team, d.TeamColour = info.Grid, orString(info.Team, d.Team), info.Colour
				}
			}
			a.Notes = append(a.Notes, fmt.Sprintf("%s: the grid, and the official classification published 1 s after the last lap", f.Name))
		}
	}
	if n := race.FillTyres(); n > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("%d lap tyre values differ from the stints; each lap keeps its own", n))
	}
	items = append(items, timingItems(race, f1.TimingOptions{LightsOut: true, Finish: !rcFinish})...)
	lapTelemetry(items, race)
	for _, f := range files {
		if f.locations == nil {
			continue
		}
		one := lapOneLeader(race)
		lo, err := lightsOutOn(f.locations.tracks, one)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot put the locations on the race clock: %w", f.Name, err)
		}
		a.Notes = append(a.Notes, fmt.Sprintf("%s: lights out is t = %.1f s on its clock (where the field leaves its grid standstill); %d samples of %d cars",
			f.Name, lo, f.locations.n, len(f.locations.tracks)))
		for code, tr := range f.locations.tracks {
			for _, s := range tr {
				ts := race.StartMs + int64(math.Round((s.T-lo)*1000))
				items = append(items, Item{Type: f1.LocationRecord, Ts: ts, Loc: f1.Location{Ts: ts, RaceID: opt.RaceID, Driver: code, X: s.X, Y: s.Y}})
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Ts < items[j].Ts })
	if ao.FromStart {
		items = fromStart(items, race.StartMs-60_000)
	}
	a.Items = items
	return a, nil
}

// fromStart drops items before from, but keeps the last weather reading
// before it (at its own time), so the replay opens with the conditions.
func fromStart(items []Item, from int64) []Item {
	var lastWeather *Item
	out := items[:0:0]
	for i := range items {
		it := items[i]
		switch {
		case it.Ts >= from:
			out = append(out, it)
		case it.Type == f1.WeatherRecord:
			lastWeather = &items[i]
		}
	}
	if lastWeather != nil {
		w := *lastWeather
		return append([]Item{w}, out...)
	}
	return out
}

// lapTelemetry gives telemetry samples without a lap the lap they fall in.
// A driver's samples that span no more than a lap (FastF1's
// Lap.get_telemetry, padded by a sample either side) all get the lap most
// of them fall in.
func lapTelemetry(items []Item, race *f1.RaceLaps) {
	type span struct {
		first, last int64
		votes       map[int]int
		idx         []int
	}
	spans := map[string]*span{}
	for i := range items {
		it := &items[i]
		if it.Type != f1.TelemetryRecord || it.Tel.Lap != 0 {
			continue
		}
		d := race.Driver(it.Tel.Driver)
		if d == nil {
			continue
		}
		it.Tel.Lap = lapAt(d, it.Ts)
		sp := spans[d.Driver]
		if sp == nil {
			sp = &span{first: it.Ts, votes: map[int]int{}}
			spans[d.Driver] = sp
		}
		sp.last = it.Ts
		sp.votes[it.Tel.Lap]++
		sp.idx = append(sp.idx, i)
	}
	for code, sp := range spans {
		d := race.Driver(code)
		lapMs := int64(0)
		if l := d.Lap(max(1, race.TotalLaps/2)); l != nil && l.TimeS > 0 {
			lapMs = int64(l.TimeS * 1000)
		}
		if lapMs == 0 || sp.last-sp.first > lapMs*6/5 {
			continue
		}
		best, n := 0, 0
		for lap, c := range sp.votes {
			if c > n || (c == n && lap < best) {
				best, n = lap, c
			}
		}
		for _, i := range sp.idx {
			items[i].Tel.Lap = best
		}
	}
}

// lapAt is the lap a driver was on at ms: the first whose end is after it.
func lapAt(d *f1.DriverLaps, ms int64) int {
	for _, l := range d.Laps {
		if l.EndMs > ms && (l.StartMs == 0 || l.StartMs <= ms) {
			return l.Number
		}
	}
	return 0
}

// lapOneLeader is the first car across the line at the end of lap 1, and
// how long after lights out.
func lapOneLeader(r *f1.RaceLaps) *lapOne {
	var best *lapOne
	for _, d := range r.Drivers {
		if l := d.Lap(1); l != nil && l.EndMs > 0 && r.StartMs > 0 {
			after := float64(l.EndMs-r.StartMs) / 1000
			if best == nil || after < best.AfterS {
				best = &lapOne{Leader: d.Driver, AfterS: after}
			}
		}
	}
	return best
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// clock formats ms since the epoch as HH:MM:SS.mmm (UTC).
func clock(ms int64) string {
	if ms == 0 {
		return "?"
	}
	s := ms / 1000 % 86400
	return fmt.Sprintf("%02d:%02d:%02d.%03d", s/3600, s/60%60, s%60, ms%1000)
}
