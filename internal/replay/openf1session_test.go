package replay

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// of1Fixture is internal/openf1's recorded session 9590 (Monza 2024, five
// cars; see its README).
var of1Fixture = filepath.Join("..", "openf1", "testdata", "session9590")

func readFixtureSession(t *testing.T) *openf1.SessionData {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(of1Fixture, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s := &openf1.SessionData{Session: openf1.Session{SessionKey: 9590}, Drivers: read("drivers"), Laps: read("laps"), Stints: read("stints"), Pit: read("pit"),
		Position: read("position"), Intervals: read("intervals"), RaceControl: read("race_control"), Weather: read("weather"),
		Results: read("session_result"), CarData: map[int][]byte{}, Location: map[int][]byte{}}
	s.CarData[1] = read("car_data")
	// The fixture server filters /location by driver; here the file is split.
	all := read("location")
	for _, n := range []int{16, 81, 1, 22, 31} {
		s.Location[n] = filterDriver(t, all, n)
	}
	return s
}

// TestOpenF1SessionModel reads the fixture and checks it against the same
// race read from the FastF1 files it was made from: every lap end of the
// five cars at the same time (lap 1's from lap 2's start) and position,
// the grid, tyres from the stints, the stops, the classification, weather,
// locations and VER's car data on lap 43.
func TestOpenF1SessionModel(t *testing.T) {
	sr, err := readOpenF1Session(readFixtureSession(t), "of1-9590")
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parseLapsModel(monzaTable(t, "laps.csv"), Options{RaceID: "monza2024"})
	if err != nil {
		t.Fatal(err)
	}
	r := sr.race
	start, _ := parseDate("2024-09-01T13:03:34.412+00:00")
	if len(r.Drivers) != 5 || r.StartMs != start || r.TotalLaps != 53 || len(sr.warnings) != 0 {
		t.Fatalf("%d drivers, start %d, %d laps, warnings %v", len(r.Drivers), r.StartMs, r.TotalLaps, sr.warnings)
	}
	checked := 0
	for _, d := range r.Drivers {
		ff := lf.race.Driver(d.Driver)
		if len(d.Laps) != len(ff.Laps) {
			t.Fatalf("%s: %d laps, FastF1 %d", d.Driver, len(d.Laps), len(ff.Laps))
		}
		for i, l := range d.Laps {
			want := ff.Laps[i]
			if d := l.EndMs - want.EndMs; d < -1 || d > 1 || l.Position != want.Position {
				t.Errorf("%s lap %d: end %d P%d, FastF1 %d P%d", ff.Driver, l.Number, l.EndMs, l.Position, want.EndMs, want.Position)
			}
			checked++
		}
	}
	if checked != 53+53+53+7+52 {
		t.Errorf("checked %d laps", checked)
	}
	lec, tsu, oco := r.Driver("LEC"), r.Driver("TSU"), r.Driver("OCO")
	if lec.Grid != 4 || tsu.Grid != 16 || oco.Grid != 15 || lec.Team != "Ferrari" || lec.TeamColour != "E80020" {
		t.Errorf("grid/team LEC %d %s %s, TSU %d, OCO %d", lec.Grid, lec.Team, lec.TeamColour, tsu.Grid, oco.Grid)
	}
	if l := lec.Lap(1); l.Compound != f1.TyreMedium || l.TyreAge != 1 || l.TimeS < 88 || l.TimeS > 89 {
		t.Errorf("LEC lap 1 %+v", l)
	}
	if len(lec.Pits) != 1 || lec.Pits[0].LaneS != 24.419 || lec.Pits[0].To != f1.TyreHard || !lec.Lap(15).PitIn {
		t.Errorf("LEC pits %+v", lec.Pits)
	}
	if len(tsu.Pits) != 1 || tsu.Pits[0].OutMs != 0 || tsu.Pits[0].Lap != 7 {
		t.Errorf("TSU pits %+v", tsu.Pits)
	}
	var res []string
	for _, x := range r.Results {
		res = append(res, x.Driver+":"+x.Classified+":"+x.Status)
	}
	if strings.Join(res, " ") != "LEC:1:Finished PIA:2:Finished VER:6:Finished OCO:14:+1 Lap TSU:R:Retired" {
		t.Errorf("results %v", res)
	}
	if len(sr.weather) != 133 || sr.weather[0].AirC != 33.2 || sr.weather[0].Rain {
		t.Errorf("weather %d %+v", len(sr.weather), sr.weather[0])
	}
	if n := len(sr.locs["LEC"]); n < 150 || n > 160 || len(sr.locs) != 5 {
		t.Errorf("locations: %d drivers, LEC %d samples", len(sr.locs), n)
	}
	if len(sr.tel) != 307 || sr.tel[0].Driver != "VER" || sr.tel[0].Lap != 43 || sr.tel[len(sr.tel)-1].Lap != 43 {
		t.Errorf("car data: %d samples, first %+v", len(sr.tel), sr.tel[0])
	}
	if len(sr.rc) != 61 {
		t.Errorf("race control %d", len(sr.rc))
	}
}

func filterDriver(t *testing.T, all []byte, n int) []byte {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal(all, &rows); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range rows {
		if r["driver_number"] == float64(n) {
			out = append(out, r)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenF1RaceFeed: the fixture's replay through the board ends as
// /session_result says: LEC, PIA, VER, OCO a lap down, TSU out on lap 7.
func TestOpenF1RaceFeed(t *testing.T) {
	set, err := OpenF1Race(readFixtureSession(t), "of1", AssembleOptions{FromStart: true})
	if err != nil {
		t.Fatal(err)
	}
	lb := f1.NewLeaderboard()
	types := map[f1.RecordType]int{}
	for i := range set.Items {
		it := &set.Items[i]
		types[it.Type]++
		if i > 0 && it.Ts < set.Items[i-1].Ts {
			t.Fatalf("item %d out of order", i)
		}
		lb.Apply(&it.Pos)
		lb.Apply(&it.RC)
	}
	t.Log(set.Notes, types)
	var got []string
	for _, r := range lb.Snapshot(nil) {
		s := r.Driver
		if r.Status == f1.StatusOut {
			s += "(OUT L" + itoa(r.RetiredLap) + ")"
		}
		if r.LapsDown > 0 {
			s += "(+" + itoa(r.LapsDown) + ")"
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != "LEC PIA VER OCO(+1) TSU(OUT L7)" || types[f1.LocationRecord] == 0 || types[f1.WeatherRecord] == 0 {
		t.Errorf("board %v, items %v", got, types)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
