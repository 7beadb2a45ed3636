package replay

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// monzaSet parses every file of the shared Monza 2024 race.
func monzaSet(t *testing.T) []*File {
	t.Helper()
	dir := filepath.Join(realdata.Dir(t), "monza2024_race")
	var files []*File
	for _, name := range []string{"laps.csv", "locations.csv", "race_control.csv", "results.csv", "stints.csv", "telemetry_VER.csv", "weather.csv"} {
		f, err := ParseFile(filepath.Join(dir, name), Options{RaceID: "monza2024"})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// TestAssembleMonza puts the whole Monza 2024 set on one clock: what each
// file becomes, in time order, from a minute before lights out; VER's
// telemetry falls on his lap 43; the locations start with the field on the
// grid at lights out; the feed, through the board, ends in results.csv's
// classification.
func TestAssembleMonza(t *testing.T) {
	set, err := Assemble(monzaSet(t), Options{RaceID: "monza2024"}, AssembleOptions{FromStart: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range set.Notes {
		t.Log(n)
	}
	start, _ := parseDate("2024-09-01 13:03:34.413")
	byType := map[f1.RecordType]int{}
	events := map[string]int{}
	var lastTs int64
	locDrivers := map[string]bool{}
	for i, it := range set.Items {
		if it.Ts < lastTs {
			t.Fatalf("item %d (%s) at %d comes after %d", i, it.Type, it.Ts, lastTs)
		}
		lastTs = it.Ts
		byType[it.Type]++
		switch it.Type {
		case f1.RaceControlRecord:
			events[it.RC.Type]++
		case f1.TelemetryRecord:
			if it.Tel.Lap != 43 || it.Tel.Driver != "VER" {
				t.Fatalf("telemetry %+v", it.Tel)
			}
		case f1.LocationRecord:
			locDrivers[it.Loc.Driver] = true
			if it.Loc.RaceID != "monza2024" {
				t.Fatalf("location %+v", it.Loc)
			}
		}
	}
	t.Logf("items by type %v, events %v", byType, events)
	if byType[f1.PositionRecord] != 20+1008+20 || byType[f1.TelemetryRecord] != 632 || len(locDrivers) != 20 {
		t.Errorf("positions %d (want grid 20 + laps 1008 + classification 20), telemetry %d, location drivers %d",
			byType[f1.PositionRecord], byType[f1.TelemetryRecord], len(locDrivers))
	}
	if events[f1.EventLightsOut] != 1 || events[f1.EventLap] != 52 || events[f1.EventClassification] != 1 || events[f1.EventPit] < 20 {
		t.Errorf("events %v", events)
	}
	if first := set.Items[0]; first.Type != f1.WeatherRecord || first.Ts > start-60_000 || first.Ts < start-120_000 {
		t.Errorf("the replay should open with the last weather before the window: %+v", first)
	}
	if w := byType[f1.WeatherRecord]; w < 70 || w > 80 {
		t.Errorf("%d weather samples from a minute before the start (one a minute, the race lasted 75)", w)
	}
	// The board at the end: results.csv, TSU out on lap 7.
	lb := f1.NewLeaderboard()
	for i := range set.Items {
		lb.Apply(&set.Items[i].Pos)
		lb.Apply(&set.Items[i].RC)
	}
	rows := lb.Snapshot(nil)
	var got []string
	for _, r := range rows {
		got = append(got, r.Driver)
	}
	want := "LEC PIA NOR SAI HAM VER RUS PER ALB MAG ALO COL RIC OCO GAS BOT HUL ZHO STR TSU"
	if strings.Join(got, " ") != want || rows[19].RetiredLap != 7 || rows[13].LapsDown != 1 || rows[0].Status != f1.StatusFinished {
		t.Errorf("final board %v\nwant %s\nTSU %+v", got, want, rows[19])
	}
}

// TestAssembleNeedsLaps: results, stints and locations without the laps,
// and session-time weather without any session start, say what to add.
func TestAssembleNeedsLaps(t *testing.T) {
	files := monzaSet(t)
	for _, f := range files[1:] {
		if f.Format == FastF1Telemetry {
			continue
		}
		_, err := Assemble([]*File{f}, Options{}, AssembleOptions{})
		if f.Format == OpenF1RaceControl {
			if err != nil {
				t.Errorf("race control alone: %v", err)
			}
			continue
		}
		if err == nil || (!strings.Contains(err.Error(), "laps.csv")) {
			t.Errorf("%s alone: %v", f.Name, err)
		}
	}
	// Weather on the telemetry's session clock (Date − SessionTime).
	var w, tel *File
	for _, f := range files {
		switch f.Format {
		case WeatherCSV:
			w = f
		case FastF1Telemetry:
			tel = f
		}
	}
	set, err := Assemble([]*File{w, tel}, Options{}, AssembleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sessionStart, _ := parseDate("2024-09-01 12:07:43.919")
	if set.Items[0].Type != f1.WeatherRecord || set.Items[0].Ts != sessionStart+26_141 {
		t.Errorf("first weather at %d, want the session start + 26.141 s", set.Items[0].Ts)
	}
}
