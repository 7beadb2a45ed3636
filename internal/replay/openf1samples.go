package replay

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// The dated samples of an OpenF1 session, as readOpenF1Session reads them:
// weather, car locations and car data.

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

// locSample is a car's position at a date.
type locSample struct {
	Ms      int64
	X, Y, Z float64
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
