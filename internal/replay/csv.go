package replay

import (
	"fmt"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// formatSpec is a CSV format: required columns (each a list of
// alternatives) and optional ones.
type formatSpec struct {
	format   Format
	required [][]string
	optional []string
	parse    func(t *table, opt Options) (*File, error)
}

func specs() []formatSpec {
	return []formatSpec{
		{FastF1Telemetry, [][]string{{"Date", "SessionTime"}, {"RPM"}, {"Speed"}, {"nGear"}, {"Throttle"}, {"Brake"}, {"DRS"}},
			[]string{"Source", "Distance", "X", "Y", "Driver", "DriverNumber", "LapNumber"}, parseTelemetry},
		{FastF1Laps, [][]string{{"Driver"}, {"LapNumber"}, {"LapTime", "LapTimeSeconds"}, {"Time"}, {"LapStartTime"},
			{"LapStartDate"}, {"Compound"}, {"TyreLife"}, {"Position"}}, []string{"Stint", "PitInTime", "PitOutTime"}, parseLaps},
		{LapSummary, [][]string{{"driver"}, {"lap_number"}, {"lap_time"}, {"position"}, {"compound"}, {"gap_to_leader"}},
			[]string{"track_status"}, parseLapSummary},
		{OpenF1RaceControl, [][]string{{"date"}, {"category"}, {"message"}},
			[]string{"driver_number", "lap_number", "flag"}, parseRaceControl},
		{FastF1Results, [][]string{{"Abbreviation"}, {"DriverNumber"}, {"Position"}, {"GridPosition"}, {"Status"}, {"Time"}},
			[]string{"ClassifiedPosition", "TeamName", "TeamColor", "Points", "Laps"}, fileOf(parseResults, func(f *File, r *resultsFile) { f.results = r })},
		{OpenF1Stints, [][]string{{"driver_number"}, {"stint_number"}, {"lap_start"}, {"lap_end"}, {"compound"}, {"tyre_age_at_start"}},
			nil, fileOf(parseStints, func(f *File, s *stintsFile) { f.stints = s })},
		{WeatherCSV, [][]string{{"Time", "date"}, {"AirTemp", "air_temperature"}, {"TrackTemp", "track_temperature"},
			{"Humidity", "humidity"}, {"Pressure", "pressure"}, {"Rainfall", "rainfall"}, {"WindDirection", "wind_direction"},
			{"WindSpeed", "wind_speed"}}, nil, parseWeatherFile},
		{LocationsCSV, [][]string{{"t"}, {"driver"}, {"x"}, {"y"}}, nil,
			fileOf(parseLocations, func(f *File, l *locationsFile) { f.locations = l })},
	}
}

func (s formatSpec) describe() string {
	var req []string
	for _, alts := range s.required {
		req = append(req, strings.Join(alts, " or "))
	}
	return fmt.Sprintf("%s: %s (optional: %s)", s.format, strings.Join(req, ", "), strings.Join(s.optional, ", "))
}

func (s formatSpec) missing(t *table) []string {
	var miss []string
	for _, alts := range s.required {
		found := false
		for _, a := range alts {
			found = found || t.has(a)
		}
		if !found {
			miss = append(miss, strings.Join(alts, " or "))
		}
	}
	return miss
}

// ParseCSV recognises a CSV file by its columns and parses it. A file that
// matches no format gets an error listing what each format expects.
func ParseCSV(data []byte, name string, opt Options) (*File, error) {
	t, err := readTable(data, name)
	if err != nil {
		return nil, err
	}
	best, bestMiss := -1, []string(nil)
	all := specs()
	for i, s := range all {
		miss := s.missing(t)
		if len(miss) == 0 {
			f, err := s.parse(t, opt)
			if err == nil && f.Format == "" {
				f.Format = s.format
			}
			return f, err
		}
		if present := len(s.required) - len(miss); present*2 > len(s.required) && (best < 0 || len(miss) < len(bestMiss)) {
			best, bestMiss = i, miss
		}
	}
	if best >= 0 {
		return nil, fmt.Errorf("%s looks like a %s but lacks the column(s) %s; expected %s",
			name, all[best].format, strings.Join(bestMiss, ", "), all[best].describe())
	}
	var exp []string
	for _, s := range all {
		exp = append(exp, "  "+s.describe())
	}
	return nil, fmt.Errorf("%s: unrecognised CSV columns [%s]; expected one of:\n%s",
		name, strings.Join(t.header, ", "), strings.Join(exp, "\n"))
}

// parseTelemetry reads FastF1 telemetry: merged (Source column: car, pos,
// interpolation; every row is replayed) or car data only.
func parseTelemetry(t *table, opt Options) (*File, error) {
	f := &File{Name: t.name, Format: FastF1Telemetry, Abs: t.has("Date"), hasLap: t.has("LapNumber") || opt.Lap > 0}
	var fileDriver f1.Driver
	perRow := t.has("Driver") || t.has("DriverNumber")
	if !perRow {
		d, err := driverFor(t.name, opt)
		if err != nil {
			return nil, err
		}
		fileDriver = d
	}
	f.Items = make([]Item, 0, len(t.rows))
	for i := range t.rows {
		d := fileDriver
		if perRow {
			var err error
			if d, err = t.rowDriver(i, opt); err != nil {
				return nil, err
			}
		}
		var ts int64
		var err error
		if f.Abs {
			ts, err = t.date(i, "Date")
		} else {
			ts, err = t.timedelta(i, "SessionTime")
		}
		if err != nil {
			return nil, err
		}
		if f.Abs && f.sessionStartMs == 0 && t.has("SessionTime") {
			if st, ok, err := t.timedeltaOpt(i, "SessionTime"); err != nil {
				return nil, err
			} else if ok {
				f.sessionStartMs = ts - st
			}
		}
		x := f1.Telemetry{Ts: ts, RaceID: opt.RaceID, Driver: d.Code, DriverNumber: d.Number, Team: f1.TeamOf(d).Name, Lap: opt.Lap}
		if x.RPM, err = t.num(i, "RPM"); err != nil {
			return nil, err
		}
		if x.SpeedKph, err = t.num(i, "Speed"); err != nil {
			return nil, err
		}
		if x.Gear, err = t.integer(i, "nGear"); err != nil {
			return nil, err
		}
		if x.Gear < 0 || x.Gear > 8 {
			return nil, t.rowErr(i, "nGear", t.str(i, "nGear"), "a gear from 0 to 8")
		}
		if x.ThrottlePct, err = t.num(i, "Throttle"); err != nil {
			return nil, err
		}
		if x.Brake, err = t.brake(i, "Brake"); err != nil {
			return nil, err
		}
		if x.DRS, err = t.integer(i, "DRS"); err != nil {
			return nil, err
		}
		if x.DistanceM, _, err = t.numOpt(i, "Distance"); err != nil {
			return nil, err
		}
		if x.X, _, err = t.numOpt(i, "X"); err != nil {
			return nil, err
		}
		if x.Y, _, err = t.numOpt(i, "Y"); err != nil {
			return nil, err
		}
		if lap, ok, err := t.numOpt(i, "LapNumber"); err != nil {
			return nil, err
		} else if ok {
			x.Lap = int(lap)
		}
		f.Items = append(f.Items, Item{Type: f1.TelemetryRecord, Ts: ts, Tel: x})
	}
	return f, nil
}

// rowDriver reads the driver of row i from a Driver/driver column (a
// code) or DriverNumber. A code of another season (not on the 2024 grid) is
// taken as it is, with the row's Team if there is one: the data is the
// authority. A number must be known, since the record needs a code.
func (t *table) rowDriver(i int, opt Options) (f1.Driver, error) {
	code := t.str(i, "Driver")
	if code == "" {
		code = t.str(i, "driver")
	}
	if code != "" {
		if d, ok := f1.DriverByCode(code); ok {
			return d, nil
		}
		if !validCode(code) {
			return f1.Driver{}, t.rowErr(i, "Driver", code, "a three-letter driver code")
		}
		return f1.Driver{Code: strings.ToUpper(code), Team: t.str(i, "Team")}, nil
	}
	if t.has("DriverNumber") && t.str(i, "DriverNumber") != "" {
		n, err := t.integer(i, "DriverNumber")
		if err != nil {
			return f1.Driver{}, err
		}
		if d, ok := driverByNumber(n); ok {
			return d, nil
		}
		return f1.Driver{}, fmt.Errorf("%s:%d: unknown driver number %d: add a Driver column with the code", t.name, t.lines[i], n)
	}
	return driverFor(t.name, opt)
}

func validCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}
