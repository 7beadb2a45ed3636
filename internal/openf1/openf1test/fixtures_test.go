package openf1test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"
)

var generate = flag.Bool("generate", false, "rewrite ../testdata/session9590 from ../shared/data")

// fixtureDrivers are the cars of the fixture: the winner, second, a car
// with real car data (VER), the retirement (TSU, out after 7 laps in the pit
// lane) and a lapped car (OCO).
var fixtureDrivers = []int{16, 81, 1, 22, 31}

// lightsOutT is lights out on locations.csv's 2-s grid: the field stands
// on the grid from t = 152 to 214 and leaves it between 214 and 216
// (internal/replay finds the same from the data).
const lightsOutT = 214.5

// locationWindowS keeps the fixture small: locations from 10 s before
// lights out to 300 s after (about three and a half laps).
const locationWindowS = 300

// TestFixtures rebuilds the OpenF1-shaped fixture of session 9590 (Monza
// 2024, meeting 1244) from the shared real data and checks that the
// committed files are exactly that; with -generate it writes them.
func TestFixtures(t *testing.T) {
	files := buildFixtures(t)
	dir := filepath.Join("..", "testdata", "session9590")
	if *generate {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%v: run go test ./internal/openf1/openf1test -run TestFixtures -generate", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the shared data gives: run go test ./internal/openf1/openf1test -run TestFixtures -generate", name)
		}
	}
}

type csvRows struct {
	idx  map[string]int
	rows [][]string
}

func (c csvRows) get(r []string, col string) string { return r[c.idx[col]] }

func readCSV(t *testing.T, name string) csvRows {
	idx, rows := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", name))
	return csvRows{idx, rows}
}

// timedelta reads a pandas timedelta ("0 days 01:55:58.853000"); ok false for "".
func timedelta(t *testing.T, s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	days, rest, ok := strings.Cut(s, " days ")
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 {
		t.Fatalf("bad timedelta %q", s)
	}
	d, _ := strconv.Atoi(days)
	h, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	sec, err := strconv.ParseFloat(parts[2], 64)
	if err != nil {
		t.Fatalf("bad timedelta %q", s)
	}
	return time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(math.Round(sec*1e6))*time.Microsecond, true
}

func iso(ts time.Time) string { return ts.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

func num(s string) any {
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return nil
	}
	if f == math.Trunc(f) {
		return int64(f)
	}
	return f
}

func secs(d time.Duration, ok bool) any {
	if !ok {
		return nil
	}
	return math.Round(d.Seconds()*1000) / 1000
}

// jsonLines writes a JSON array with one element per line.
func jsonLines(t *testing.T, elems []map[string]any) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, e := range elems {
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		if i < len(elems)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes()
}

func base(e map[string]any) map[string]any {
	e["meeting_key"], e["session_key"] = 1244, 9590
	return e
}

func buildFixtures(t *testing.T) map[string][]byte {
	laps := readCSV(t, "laps.csv")
	results := readCSV(t, "results.csv")
	out := map[string][]byte{}

	// The clock: session start = LapStartDate − LapStartTime; lights out =
	// lap 1's LapStartDate.
	var sessionStart, lightsOut time.Time
	for _, r := range laps.rows {
		d, err := time.Parse("2006-01-02 15:04:05.000", laps.get(r, "LapStartDate"))
		st, ok := timedelta(t, laps.get(r, "LapStartTime"))
		if err == nil && ok {
			sessionStart = d.Add(-st)
			if laps.get(r, "LapNumber") == "1.0" {
				lightsOut = d
			}
		}
	}
	if sessionStart.IsZero() || lightsOut.IsZero() {
		t.Fatal("laps.csv gives no session start or lights out")
	}
	at := func(td string) time.Time {
		d, ok := timedelta(t, td)
		if !ok {
			t.Fatalf("no time in %q", td)
		}
		return sessionStart.Add(d)
	}
	byNumber := map[string]bool{}
	for _, n := range fixtureDrivers {
		byNumber[strconv.Itoa(n)] = true
	}

	out["sessions.json"] = jsonLines(t, []map[string]any{base(map[string]any{
		"circuit_key": 39, "circuit_short_name": "Monza", "country_code": "ITA", "country_key": 13, "country_name": "Italy",
		"date_start": "2024-09-01T13:00:00+00:00", "date_end": "2024-09-01T15:00:00+00:00", "gmt_offset": "02:00:00",
		"is_cancelled": false, "location": "Monza", "session_name": "Race", "session_type": "Race", "year": 2024,
	})})

	var drivers, resultsOut []map[string]any
	var winnerS float64
	for _, r := range results.rows {
		if !byNumber[results.get(r, "DriverNumber")] {
			continue
		}
		n, _ := strconv.Atoi(results.get(r, "DriverNumber"))
		drivers = append(drivers, base(map[string]any{
			"broadcast_name": results.get(r, "BroadcastName"), "country_code": results.get(r, "CountryCode"), "driver_number": n,
			"first_name": results.get(r, "FirstName"), "full_name": results.get(r, "FirstName") + " " + strings.ToUpper(results.get(r, "LastName")),
			"headshot_url": results.get(r, "HeadshotUrl"), "last_name": results.get(r, "LastName"),
			"name_acronym": results.get(r, "Abbreviation"), "team_colour": results.get(r, "TeamColor"), "team_name": results.get(r, "TeamName"),
		}))
		status := results.get(r, "Status")
		lapsDone := num(results.get(r, "Laps"))
		e := base(map[string]any{"driver_number": n, "number_of_laps": lapsDone, "position": num(results.get(r, "Position")),
			"dnf": status == "Retired", "dns": false, "dsq": false})
		d, ok := timedelta(t, results.get(r, "Time"))
		switch {
		case results.get(r, "Position") == "1.0":
			winnerS = d.Seconds()
			e["duration"], e["gap_to_leader"] = secs(d, ok), 0
		case status == "Finished":
			e["duration"], e["gap_to_leader"] = math.Round((winnerS+d.Seconds())*1000)/1000, secs(d, ok)
		case status == "Lapped":
			e["duration"], e["gap_to_leader"] = nil, "+1 LAP"
		default:
			e["duration"], e["gap_to_leader"] = nil, nil
		}
		resultsOut = append(resultsOut, e)
	}
	out["drivers.json"] = jsonLines(t, drivers)
	out["session_result.json"] = jsonLines(t, resultsOut)

	// Lap ends of the whole field, for positions, gaps and intervals.
	type end struct {
		code, number string
		lap          int
		at           time.Time
		pos          int
	}
	var ends []end
	for _, r := range laps.rows {
		lap, _ := strconv.ParseFloat(laps.get(r, "LapNumber"), 64)
		p, _ := strconv.ParseFloat(laps.get(r, "Position"), 64)
		ends = append(ends, end{laps.get(r, "Driver"), laps.get(r, "DriverNumber"), int(lap), at(laps.get(r, "Time")), int(p)})
	}
	slices.SortFunc(ends, func(a, b end) int { return a.at.Compare(b.at) })

	var lapsOut, pits, positions, intervals []map[string]any
	lastPos := map[string]int{}
	for _, r := range results.rows {
		if byNumber[results.get(r, "DriverNumber")] {
			n, _ := strconv.Atoi(results.get(r, "DriverNumber"))
			g, _ := strconv.ParseFloat(results.get(r, "GridPosition"), 64)
			positions = append(positions, base(map[string]any{"date": iso(lightsOut.Add(-5 * time.Minute)), "driver_number": n, "position": int(g)}))
			lastPos[results.get(r, "DriverNumber")] = int(g)
		}
	}
	pendingIn, pendingLap := map[string]time.Time{}, map[string]int{}
	for _, r := range laps.rows {
		nr := laps.get(r, "DriverNumber")
		if !byNumber[nr] {
			continue
		}
		n, _ := strconv.Atoi(nr)
		lap, _ := strconv.ParseFloat(laps.get(r, "LapNumber"), 64)
		e := base(map[string]any{"driver_number": n, "lap_number": int(lap),
			"i1_speed": num(laps.get(r, "SpeedI1")), "i2_speed": num(laps.get(r, "SpeedI2")), "st_speed": num(laps.get(r, "SpeedST")),
			"is_pit_out_lap":    laps.get(r, "PitOutTime") != "",
			"segments_sector_1": nil, "segments_sector_2": nil, "segments_sector_3": nil})
		for i := 1; i <= 3; i++ {
			k := fmt.Sprintf("Sector%dTime", i)
			e[fmt.Sprintf("duration_sector_%d", i)] = secs(timedelta(t, laps.get(r, k)))
		}
		if lap == 1 {
			// OpenF1 gives lap 1 no start, no duration and no first sector:
			// the race starts past the line.
			e["date_start"], e["lap_duration"], e["duration_sector_1"] = nil, nil, nil
		} else {
			d, err := time.Parse("2006-01-02 15:04:05.000", laps.get(r, "LapStartDate"))
			if err != nil {
				t.Fatalf("LapStartDate %q: %v", laps.get(r, "LapStartDate"), err)
			}
			e["date_start"], e["lap_duration"] = iso(d), secs(timedelta(t, laps.get(r, "LapTime")))
		}
		lapsOut = append(lapsOut, e)
		if in := laps.get(r, "PitInTime"); in != "" {
			pendingIn[nr] = at(in)
			pendingLap[nr] = int(lap)
		}
		if out := laps.get(r, "PitOutTime"); out != "" && lap > 1 {
			in, ok := pendingIn[nr]
			if !ok {
				t.Fatalf("%s: pit out on lap %v without a pit in", nr, lap)
			}
			lane := math.Round(at(out).Sub(in).Seconds()*1000) / 1000
			pits = append(pits, base(map[string]any{"date": iso(in), "driver_number": n, "lap_number": int(lap) - 1,
				"lane_duration": lane, "pit_duration": lane, "stop_duration": nil}))
			delete(pendingIn, nr)
		}
	}
	for nr, in := range pendingIn {
		// In the pit lane and never out (TSU retired there): no lane time.
		n, _ := strconv.Atoi(nr)
		pits = append(pits, base(map[string]any{"date": iso(in), "driver_number": n, "lap_number": pendingLap[nr],
			"lane_duration": nil, "pit_duration": nil, "stop_duration": nil}))
	}
	slices.SortStableFunc(pits, func(a, b map[string]any) int { return strings.Compare(a["date"].(string), b["date"].(string)) })
	out["laps.json"] = jsonLines(t, lapsOut)
	out["pit.json"] = jsonLines(t, pits)

	// Positions at each change; gaps and intervals at each lap end, as the
	// line gives them (OpenF1's come every 4 s; the fixture keeps lap ends).
	first := map[int]time.Time{}  // lap → leader's line time
	prevAt := map[int]time.Time{} // lap → previous car's line time
	leaderLaps, leaderLast := 0, time.Duration(0)
	var leaderEnds []time.Time
	for _, e := range ends {
		if _, ok := first[e.lap]; !ok {
			first[e.lap] = e.at
			leaderLaps = e.lap
			if len(leaderEnds) > 0 {
				leaderLast = e.at.Sub(leaderEnds[len(leaderEnds)-1])
			}
			leaderEnds = append(leaderEnds, e.at)
		}
		prev, hasPrev := prevAt[e.lap]
		prevAt[e.lap] = e.at
		if !byNumber[e.number] {
			continue
		}
		n, _ := strconv.Atoi(e.number)
		if e.pos > 0 && lastPos[e.number] != e.pos {
			positions = append(positions, base(map[string]any{"date": iso(e.at), "driver_number": n, "position": e.pos}))
			lastPos[e.number] = e.pos
		}
		iv := base(map[string]any{"date": iso(e.at), "driver_number": n})
		gap := e.at.Sub(first[e.lap])
		switch {
		case e.at.Equal(first[e.lap]):
			iv["gap_to_leader"], iv["interval"] = nil, nil
		case leaderLaps > e.lap && leaderLast > 0 && gap >= leaderLast:
			iv["gap_to_leader"], iv["interval"] = fmt.Sprintf("+%d LAP", leaderLaps-e.lap), math.Round(e.at.Sub(prev).Seconds()*1000)/1000
		default:
			iv["gap_to_leader"] = math.Round(gap.Seconds()*1000) / 1000
			if hasPrev {
				iv["interval"] = math.Round(e.at.Sub(prev).Seconds()*1000) / 1000
			}
		}
		intervals = append(intervals, iv)
	}
	out["position.json"] = jsonLines(t, positions)
	out["intervals.json"] = jsonLines(t, intervals)

	stints := readCSV(t, "stints.csv")
	var stintsOut []map[string]any
	for _, r := range stints.rows {
		if byNumber[stints.get(r, "driver_number")] {
			e := map[string]any{}
			for _, c := range []string{"meeting_key", "session_key", "stint_number", "driver_number", "lap_start", "lap_end", "tyre_age_at_start"} {
				e[c] = num(stints.get(r, c))
			}
			e["compound"] = stints.get(r, "compound")
			stintsOut = append(stintsOut, e)
		}
	}
	out["stints.json"] = jsonLines(t, stintsOut)

	rc := readCSV(t, "race_control.csv")
	var rcOut []map[string]any
	for _, r := range rc.rows {
		e := map[string]any{}
		for _, c := range []string{"meeting_key", "session_key", "driver_number", "lap_number", "sector", "qualifying_phase"} {
			e[c] = num(rc.get(r, c))
		}
		for _, c := range []string{"date", "category", "flag", "scope", "message"} {
			if v := rc.get(r, c); v != "" {
				e[c] = v
			} else {
				e[c] = nil
			}
		}
		rcOut = append(rcOut, e)
	}
	out["race_control.json"] = jsonLines(t, rcOut)

	weather := readCSV(t, "weather.csv")
	var wOut []map[string]any
	for _, r := range weather.rows {
		rain := 0
		if weather.get(r, "Rainfall") == "True" {
			rain = 1
		}
		wOut = append(wOut, base(map[string]any{"date": iso(at(weather.get(r, "Time"))),
			"air_temperature": num(weather.get(r, "AirTemp")), "humidity": num(weather.get(r, "Humidity")),
			"pressure": num(weather.get(r, "Pressure")), "rainfall": rain, "track_temperature": num(weather.get(r, "TrackTemp")),
			"wind_direction": num(weather.get(r, "WindDirection")), "wind_speed": num(weather.get(r, "WindSpeed"))}))
	}
	out["weather.json"] = jsonLines(t, wOut)

	// Car data: VER's real car samples of lap 43 (telemetry_VER.csv rows
	// whose Source is "car"); the other drivers have none in the fixture.
	tel := readCSV(t, "telemetry_VER.csv")
	var car []map[string]any
	for _, r := range tel.rows {
		if tel.get(r, "Source") != "car" {
			continue
		}
		d, err := time.Parse("2006-01-02 15:04:05.000", tel.get(r, "Date"))
		if err != nil {
			t.Fatalf("Date %q: %v", tel.get(r, "Date"), err)
		}
		brake := 0
		if tel.get(r, "Brake") == "True" {
			brake = 100
		}
		round := func(c string) any {
			f, _ := strconv.ParseFloat(tel.get(r, c), 64)
			return int64(math.Round(f))
		}
		car = append(car, base(map[string]any{"date": iso(d), "driver_number": 1, "brake": brake, "drs": round("DRS"),
			"n_gear": round("nGear"), "rpm": round("RPM"), "speed": round("Speed"), "throttle": round("Throttle")}))
	}
	out["car_data.json"] = jsonLines(t, car)

	// Locations: locations.csv's 2-s grid put on the race clock (lights out
	// at t = lightsOutT); z is 0, the file has none.
	codes := map[string]int{}
	for _, r := range results.rows {
		if byNumber[results.get(r, "DriverNumber")] {
			codes[results.get(r, "Abbreviation")], _ = strconv.Atoi(results.get(r, "DriverNumber"))
		}
	}
	loc := readCSV(t, "locations.csv")
	var locOut []map[string]any
	for _, r := range loc.rows {
		n, ok := codes[loc.get(r, "driver")]
		tt, _ := strconv.ParseFloat(loc.get(r, "t"), 64)
		if !ok || tt < lightsOutT-10 || tt > lightsOutT+locationWindowS {
			continue
		}
		when := lightsOut.Add(time.Duration((tt - lightsOutT) * float64(time.Second)))
		locOut = append(locOut, base(map[string]any{"date": iso(when), "driver_number": n,
			"x": num(loc.get(r, "x")), "y": num(loc.get(r, "y")), "z": 0}))
	}
	out["location.json"] = jsonLines(t, locOut)
	return out
}
