package replay

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// resultsFile is a FastF1 session.results table: the official
// classification and each driver's number, team, colour and grid place.
type resultsFile struct {
	results []f1.Result
	drivers map[string]driverInfo // by code
}

// driverInfo is what a results or drivers table says about a driver.
type driverInfo struct {
	Code, Team, Colour string
	Number, Grid       int
}

// parseResults reads FastF1 results: Abbreviation, DriverNumber, TeamName,
// TeamColor, Position, ClassifiedPosition, GridPosition, Time (the winner's
// race time, the others' gap), Status, Points, Laps.
func parseResults(t *table) (*resultsFile, error) {
	rf := &resultsFile{drivers: map[string]driverInfo{}}
	winnerS := 0.0
	for i := range t.rows {
		code := strings.ToUpper(t.str(i, "Abbreviation"))
		if !validCode(code) {
			return nil, t.rowErr(i, "Abbreviation", t.str(i, "Abbreviation"), "a three-letter driver code")
		}
		if _, dup := rf.drivers[code]; dup {
			return nil, fmt.Errorf("%s:%d: driver %s twice", t.name, t.lines[i], code)
		}
		info := driverInfo{Code: code, Team: t.str(i, "TeamName"), Colour: strings.TrimPrefix(strings.ToUpper(t.str(i, "TeamColor")), "#")}
		var err error
		if info.Number, err = t.integer(i, "DriverNumber"); err != nil {
			return nil, err
		}
		if g, ok, err := t.numOpt(i, "GridPosition"); err != nil {
			return nil, err
		} else if ok && g >= 0 && g <= 100 {
			info.Grid = int(g)
		}
		res := f1.Result{Driver: code, Classified: t.str(i, "ClassifiedPosition"), Grid: info.Grid, Status: t.str(i, "Status")}
		if res.Position, err = t.integer(i, "Position"); err != nil {
			return nil, err
		}
		if res.Position < 1 || res.Position > 100 {
			return nil, t.rowErr(i, "Position", t.str(i, "Position"), "a position from 1")
		}
		if l, ok, err := t.numOpt(i, "Laps"); err != nil {
			return nil, err
		} else if ok {
			res.Laps = int(l)
		}
		if p, ok, err := t.numOpt(i, "Points"); err != nil {
			return nil, err
		} else if ok {
			res.Points = p
		}
		if ms, ok, err := t.timedeltaOpt(i, "Time"); err != nil {
			return nil, err
		} else if ok {
			if res.Position == 1 {
				res.TimeS, winnerS = float64(ms)/1000, float64(ms)/1000
			} else if !strings.EqualFold(res.Status, "Lapped") && !strings.HasPrefix(res.Status, "+") {
				// FastF1 gives lapped cars a time that is not a gap to the winner.
				res.GapS = float64(ms) / 1000
			}
		}
		rf.results = append(rf.results, res)
		rf.drivers[code] = info
	}
	if winnerS == 0 {
		return nil, fmt.Errorf("%s: no driver in position 1 with a race time", t.name)
	}
	sortResults(rf.results)
	return rf, nil
}

func sortResults(rs []f1.Result) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Position < rs[j-1].Position; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// stintsFile is an OpenF1 stints table, by driver number.
type stintsFile struct {
	byNumber map[int][]f1.Stint
}

// parseStints reads OpenF1 /stints: driver_number, stint_number,
// lap_start, lap_end, compound, tyre_age_at_start.
func parseStints(t *table) (*stintsFile, error) {
	sf := &stintsFile{byNumber: map[int][]f1.Stint{}}
	for i := range t.rows {
		n, err := t.integer(i, "driver_number")
		if err != nil {
			return nil, err
		}
		s := f1.Stint{Compound: compound(t.str(i, "compound"))}
		for _, c := range []struct {
			col string
			dst *int
		}{{"stint_number", &s.Number}, {"lap_start", &s.LapStart}, {"lap_end", &s.LapEnd}, {"tyre_age_at_start", &s.AgeAtStart}} {
			if *c.dst, err = t.integer(i, c.col); err != nil {
				return nil, err
			}
		}
		if s.LapStart < 1 || s.LapEnd < s.LapStart || s.LapEnd > f1.MaxLap || s.AgeAtStart < 0 || s.AgeAtStart > 100 {
			return nil, fmt.Errorf("%s:%d: stint laps %d–%d (tyre age %d) make no sense", t.name, t.lines[i], s.LapStart, s.LapEnd, s.AgeAtStart)
		}
		sf.byNumber[n] = append(sf.byNumber[n], s)
	}
	for n, ss := range sf.byNumber {
		for i := 1; i < len(ss); i++ {
			for j := i; j > 0 && ss[j].LapStart < ss[j-1].LapStart; j-- {
				ss[j], ss[j-1] = ss[j-1], ss[j]
			}
		}
		sf.byNumber[n] = ss
	}
	return sf, nil
}

// weatherRow is one weather sample: at Ms (a date, or ms since the session
// start when the file has session times only).
type weatherRow struct {
	Ms                 int64
	AirC, TrackC       float64
	HumidityPct        float64
	PressureMbar       float64
	Rain               bool
	WindDirDeg, WindMS float64
}

// weatherFile is a FastF1 weather table (session times) or an OpenF1 one
// (dates).
type weatherFile struct {
	rows []weatherRow
	abs  bool
}

// parseWeather reads FastF1 weather_data (Time, AirTemp, TrackTemp,
// Humidity, Pressure, Rainfall, WindDirection, WindSpeed) or OpenF1
// /weather as CSV (date, air_temperature, ...).
func parseWeather(t *table) (*weatherFile, error) {
	wf := &weatherFile{abs: t.has("date")}
	cols := map[string]string{"air": "AirTemp", "track": "TrackTemp", "hum": "Humidity", "press": "Pressure", "rain": "Rainfall",
		"dir": "WindDirection", "wind": "WindSpeed"}
	if wf.abs {
		cols = map[string]string{"air": "air_temperature", "track": "track_temperature", "hum": "humidity", "press": "pressure",
			"rain": "rainfall", "dir": "wind_direction", "wind": "wind_speed"}
	}
	for i := range t.rows {
		var w weatherRow
		var err error
		if wf.abs {
			w.Ms, err = t.date(i, "date")
		} else {
			w.Ms, err = t.timedelta(i, "Time")
		}
		if err != nil {
			return nil, err
		}
		for _, c := range []struct {
			key      string
			dst      *float64
			min, max float64
		}{{"air", &w.AirC, -30, 70}, {"track", &w.TrackC, -30, 90}, {"hum", &w.HumidityPct, 0, 100}, {"press", &w.PressureMbar, 500, 1100},
			{"dir", &w.WindDirDeg, 0, 360}, {"wind", &w.WindMS, 0, 80}} {
			v, err := t.num(i, cols[c.key])
			if err != nil {
				return nil, err
			}
			if v < c.min || v > c.max {
				return nil, t.rowErr(i, cols[c.key], t.str(i, cols[c.key]), fmt.Sprintf("a value from %g to %g", c.min, c.max))
			}
			*c.dst = v
		}
		switch v := strings.ToLower(t.str(i, cols["rain"])); v {
		case "true", "1", "1.0":
			w.Rain = true
		case "false", "0", "0.0":
		default:
			return nil, t.rowErr(i, cols["rain"], v, "True/False or 1/0")
		}
		wf.rows = append(wf.rows, w)
	}
	return wf, nil
}

// locationsFile is a table of car positions on a clock of its own: t
// seconds, driver code, x and y (1/10 m), as the Monza 2024 set has them.
type locationsFile struct {
	tracks map[string][]xy
	n      int
}

// parseLocations reads t, driver, x, y. Rows of a driver must come in time
// order.
func parseLocations(t *table) (*locationsFile, error) {
	lf := &locationsFile{tracks: map[string][]xy{}}
	for i := range t.rows {
		code := strings.ToUpper(t.str(i, "driver"))
		if !validCode(code) {
			return nil, t.rowErr(i, "driver", t.str(i, "driver"), "a three-letter driver code")
		}
		var s xy
		for _, c := range []struct {
			col string
			dst *float64
		}{{"t", &s.T}, {"x", &s.X}, {"y", &s.Y}} {
			var err error
			if *c.dst, err = t.num(i, c.col); err != nil {
				return nil, err
			}
		}
		tr := lf.tracks[code]
		if n := len(tr); n > 0 && s.T <= tr[n-1].T {
			return nil, fmt.Errorf("%s:%d: %s at t = %s is not after its previous row (t = %s)", t.name, t.lines[i], code,
				strconv.FormatFloat(s.T, 'f', -1, 64), strconv.FormatFloat(tr[n-1].T, 'f', -1, 64))
		}
		lf.tracks[code] = append(tr, s)
		lf.n++
	}
	return lf, nil
}

// Formats of the files a race set puts together (raceset.go).
const (
	FastF1Results Format = "FastF1 results CSV"
	OpenF1Stints  Format = "OpenF1 stints CSV"
	WeatherCSV    Format = "weather CSV (FastF1 or OpenF1)"
	LocationsCSV  Format = "locations CSV (t, driver, x, y)"
)

// fileOf wraps a table parser whose result a race set uses.
func fileOf[T any](parse func(*table) (*T, error), set func(*File, *T)) func(*table, Options) (*File, error) {
	return func(t *table, _ Options) (*File, error) {
		v, err := parse(t)
		if err != nil {
			return nil, err
		}
		f := &File{Name: t.name, Abs: true} // no times of its own: it goes on the laps' clock
		set(f, v)
		return f, nil
	}
}

// parseWeatherFile reads a weather table into items: dated (OpenF1) or on
// the session clock (FastF1, Abs false until a race set anchors it).
func parseWeatherFile(t *table, opt Options) (*File, error) {
	w, err := parseWeather(t)
	if err != nil {
		return nil, err
	}
	f := &File{Name: t.name, Format: WeatherCSV, Abs: w.abs, weather: w}
	for _, r := range w.rows {
		f.Items = append(f.Items, Item{Type: f1.WeatherRecord, Ts: r.Ms, Weather: r.record(opt.RaceID)})
	}
	return f, nil
}

// record is the row as an f1-weather record.
func (w weatherRow) record(raceID string) f1.Weather {
	return f1.Weather{Ts: w.Ms, RaceID: raceID, AirTempC: w.AirC, TrackTempC: w.TrackC, HumidityPct: w.HumidityPct,
		PressureMbar: w.PressureMbar, Rainfall: w.Rain, WindDirectionDeg: w.WindDirDeg, WindSpeedMS: w.WindMS}
}
