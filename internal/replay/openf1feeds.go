package replay

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

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

func (sr *sessionRace) readWeather(b []byte) error {
	return eachDated(b, "weather", func(r of1Weather, ms int64) error {
		w := weatherRow{Ms: ms}
		for _, f := range []struct {
			src      *float64
			dst      *float64
			name     string
			min, max float64
		}{{r.Air, &w.AirC, "air_temperature", -30, 70}, {r.Track, &w.TrackC, "track_temperature", -30, 90},
			{r.Humidity, &w.HumidityPct, "humidity", 0, 100}, {r.Pressure, &w.PressureMbar, "pressure", 500, 1100},
			{r.WindDir, &w.WindDirDeg, "wind_direction", 0, 360}, {r.Wind, &w.WindMS, "wind_speed", 0, 80}} {
			if f.src == nil {
				continue // OpenF1 sometimes sends null: keep 0 rather than drop the sample
			}
			if *f.src < f.min || *f.src > f.max || math.IsNaN(*f.src) {
				return fmt.Errorf("OpenF1 /weather at %s: %s %g is not from %g to %g", r.Date, f.name, *f.src, f.min, f.max)
			}
			*f.dst = *f.src
		}
		w.Rain = r.Rainfall != nil && *r.Rainfall > 0
		sr.weather = append(sr.weather, w)
		return nil
	})
}

func (sr *sessionRace) readLocations(per map[int][]byte) error {
	for n, b := range per {
		code, err := sr.code(n, "location")
		if err != nil {
			return err
		}
		rows, err := decodeArray[of1Location](b, "location")
		if err != nil {
			return err
		}
		out := make([]locSample, 0, len(rows))
		for _, r := range rows {
			if r.X == nil || r.Y == nil {
				continue // a sample without a position
			}
			ms, err := date(r.Date, "location")
			if err != nil {
				return err
			}
			s := locSample{Ms: ms, X: *r.X, Y: *r.Y}
			if r.Z != nil {
				s.Z = *r.Z
			}
			out = append(out, s)
		}
		slices.SortStableFunc(out, func(a, b locSample) int { return cmp.Compare(a.Ms, b.Ms) })
		sr.locs[code] = out
	}
	return nil
}

// readCarData reads /car_data per driver with the car_data parser, then
// gives each sample its lap (from the laps) and x/y (the location sample
// within 500 ms, else none).
func (sr *sessionRace) readCarData(per map[int][]byte) error {
	numbers := make([]int, 0, len(per))
	for n := range per {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		code, err := sr.code(n, "car_data")
		if err != nil {
			return err
		}
		b := per[n]
		if strings.TrimSpace(string(b)) == "[]" {
			continue
		}
		f, err := ParseOpenF1JSON(b, fmt.Sprintf("car_data_%s.json", code), Options{Driver: code, RaceID: sr.race.RaceID, Numbers: sr.codes})
		if err != nil {
			return err
		}
		d := sr.race.Driver(code)
		locs := sr.locs[code]
		for _, it := range f.Items {
			x := it.Tel
			x.Driver, x.DriverNumber, x.Team = code, n, d.Team
			done, _ := lapsDoneAt(d, x.Ts)
			x.Lap = min(done+1, max(sr.race.TotalLaps, 1))
			if i := sort.Search(len(locs), func(i int) bool { return locs[i].Ms >= x.Ts }); len(locs) > 0 {
				best := -1
				for _, j := range []int{i - 1, i} {
					if j >= 0 && j < len(locs) && (best < 0 || absMs(locs[j].Ms-x.Ts) < absMs(locs[best].Ms-x.Ts)) {
						best = j
					}
				}
				if best >= 0 && absMs(locs[best].Ms-x.Ts) <= 500 {
					x.X, x.Y = locs[best].X, locs[best].Y
				}
			}
			sr.tel = append(sr.tel, x)
		}
	}
	return nil
}

func absMs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
