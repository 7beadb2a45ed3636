package f1

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"
)

// lapSample is a telemetry sample with the FastF1 Source column.
type lapSample struct {
	Telemetry
	Source string
}

// loadFastF1Lap parses a FastF1 telemetry CSV (merged or car data) into
// samples of driver/team/race. Brake True/False becomes 100/0; the Date
// column becomes ts.
func loadFastF1Lap(t testing.TB, path, driver, team, race string) []lapSample {
	t.Helper()
	idx, rows := realdata.MustReadCSV(t, path)
	for _, col := range []string{"Date", "RPM", "Speed", "nGear", "Throttle", "Brake", "DRS", "Source", "Distance"} {
		if _, ok := idx[col]; !ok {
			t.Fatalf("%s: missing column %s", path, col)
		}
	}
	num := func(line int, row []string, col string) float64 {
		v, err := strconv.ParseFloat(row[idx[col]], 64)
		if err != nil {
			t.Fatalf("%s line %d: column %s: %v", path, line, col, err)
		}
		return v
	}
	out := make([]lapSample, 0, len(rows))
	for i, row := range rows {
		line := i + 2
		ts, err := time.Parse("2006-01-02 15:04:05.999999999", row[idx["Date"]])
		if err != nil {
			t.Fatalf("%s line %d: Date: %v", path, line, err)
		}
		s := lapSample{Source: row[idx["Source"]]}
		s.Ts = ts.UnixMilli()
		s.RaceID, s.Driver, s.Team = race, driver, team
		s.SpeedKph = num(line, row, "Speed")
		s.RPM = num(line, row, "RPM")
		s.Gear = int(num(line, row, "nGear"))
		s.ThrottlePct = num(line, row, "Throttle")
		if row[idx["Brake"]] == "True" {
			s.Brake = 100
		}
		s.DRS = int(num(line, row, "DRS"))
		s.DistanceM = num(line, row, "Distance")
		out = append(out, s)
	}
	return out
}

type realLap struct {
	name            string
	driver, team    string
	race, path      string
	merged          bool // FastF1 merged telemetry (car + pos rows)
	wantMaxSpeedKph float64
}

func realLaps() []realLap {
	return []realLap{
		{"monza2024_VER", "VER", "Red Bull Racing", "monza2024", "monza2024_race/telemetry_VER.csv", true, 333},
		{"spa2022_VER", "VER", "Red Bull Racing", "spa2022", "spa2022_race/telemetry_VER.csv", false, 320},
		{"spa2022_PER", "PER", "Red Bull Racing", "spa2022", "spa2022_race/telemetry_PER.csv", false, 322},
	}
}

// carRows keeps the original car-data samples of a merged lap.
func carRows(in []lapSample) []lapSample {
	var out []lapSample
	for _, s := range in {
		if s.Source == "car" {
			out = append(out, s)
		}
	}
	return out
}

func loadRealLap(t testing.TB, l realLap) []lapSample {
	return loadFastF1Lap(t, filepath.Join(realdata.Dir(t), l.path), l.driver, l.team, l.race)
}

// runSamples feeds samples to a fresh Analyzer and returns its alerts,
// events (flushed) and the samples flagged as spin.
func runSamples(t testing.TB, r Rules, in []lapSample) (alerts []Alert, events []Event, spinSamples int) {
	t.Helper()
	a := NewAnalyzer(r)
	for i := range in {
		var d Derived
		d, alerts = a.Observe(&in[i].Telemetry, alerts)
		if d.Spin {
			spinSamples++
		}
	}
	a.Flush()
	return alerts, a.Events(nil), spinSamples
}
