package f1frame

import (
	"flag"
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// t0 is the synthetic races' lights out: 2024-09-01 13:03:00 UTC.
const t0 = int64(1725195780000)

// synthLap is a deterministic car: 4 Hz, full throttle from 3rd to 8th gear
// at exact team ratios (no slip), 8th gear flat out above 300 km/h with DRS
// open, then braking hard with hot brakes and DRS closed. Options add a
// wheel spin, an over-rev and a skipped upshift.
type synthLap struct {
	driver, race string
	offsetMs     int64
	spinAt       int // sample index where spinLen samples lose 15 % of speed (0: none)
	spinLen      int // samples of the spin (0: 3)
	overRevAt    int // sample index with 12,800 rpm (0: none)
	skipUpshift  bool
}

func (s synthLap) samples() []f1.Telemetry {
	d, _ := f1.DriverByCode(s.driver)
	tm := f1.TeamOf(d)
	var out []f1.Telemetry
	add := func(gear int, rpm, throttle, brake float64, drs int, temp float64, slipPct float64) {
		i := len(out)
		t := f1.Telemetry{
			Ts: t0 + s.offsetMs + int64(i)*250, RaceID: s.race, Driver: s.driver, DriverNumber: d.Number,
			Team: tm.Name, Lap: 1, Gear: gear, RPM: rpm, ThrottlePct: throttle, Brake: brake, DRS: drs, BrakeTempC: temp,
		}
		t.SpeedKph = math.Round(rpm/1000*tm.KPerGear[gear]*(1-slipPct/100)*10) / 10
		t.DistanceM = float64(i) * 60
		out = append(out, t)
	}
	gears := []int{3, 4, 5, 6, 7, 8}
	if s.skipUpshift {
		gears = []int{3, 5, 6, 7, 8}
	}
	for _, g := range gears {
		for step := 0; step < 6; step++ {
			slip := 0.0
			i := len(out)
			if s.spinAt > 0 && i >= s.spinAt && i < s.spinAt+max(s.spinLen, 3) {
				slip = 15
			}
			rpm := 10400 + float64(step)*250
			if s.overRevAt > 0 && i == s.overRevAt {
				rpm = 12800
			}
			add(g, rpm, 100, 0, 1, 450, slip)
		}
	}
	for step := 0; step < 8; step++ { // flat out in 8th with DRS
		add(8, 11600, 100, 0, 12, 420, 0)
	}
	for _, g := range []int{7, 5, 4, 3} { // braking, hot brakes
		add(g, 9000, 0, 100, 0, 650, 0)
	}
	return out
}

// interleave merges per-driver samples by ts (stable).
func interleave(laps ...[]f1.Telemetry) []f1.Telemetry {
	var out []f1.Telemetry
	idx := make([]int, len(laps))
	for {
		best := -1
		for i, l := range laps {
			if idx[i] < len(l) && (best < 0 || l[idx[i]].Ts < laps[best][idx[best]].Ts) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, laps[best][idx[best]])
		idx[best]++
	}
}

// synthRace is two cars of a synthetic race: VER with a spin, an over-rev and
// a skipped upshift; LEC clean.
func synthRace() []f1.Telemetry {
	return interleave(
		synthLap{driver: "VER", race: "monza-7", spinAt: 8, overRevAt: 20, skipUpshift: true}.samples(),
		synthLap{driver: "LEC", race: "monza-7", offsetMs: 100}.samples(),
	)
}

func mustNew(t testing.TB, k QueryType, o Options) *Builder {
	t.Helper()
	b, err := New(k, o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func field(t testing.TB, f *data.Frame, name string) *data.Field {
	t.Helper()
	fl, idx := f.FieldByName(name)
	if idx < 0 {
		t.Fatalf("frame %q has no field %q", f.Name, name)
	}
	return fl
}

func frameNamed(t testing.TB, fs data.Frames, name string) *data.Frame {
	t.Helper()
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no frame %q among %d frames", name, len(fs))
	return nil
}

// realLap is one of the real FastF1 laps in shared/data.
type realLap struct {
	name, driver, team, race, path string
	carOnly                        bool // keep Source == car rows (merged telemetry)
}

func realLaps() []realLap {
	return []realLap{
		{"monza2024_VER", "VER", "Red Bull Racing", "monza2024", "monza2024_race/telemetry_VER.csv", true},
		{"spa2022_VER", "VER", "Red Bull Racing", "spa2022", "spa2022_race/telemetry_VER.csv", false},
		{"spa2022_PER", "PER", "Red Bull Racing", "spa2022", "spa2022_race/telemetry_PER.csv", false},
	}
}

// loadLap parses a FastF1 telemetry CSV into records: Date → ts, Brake
// True → 100.
func loadLap(t testing.TB, l realLap) []f1.Telemetry {
	t.Helper()
	path := filepath.Join(realdata.Dir(t), l.path)
	idx, rows := realdata.MustReadCSV(t, path)
	for _, c := range []string{"Date", "RPM", "Speed", "nGear", "Throttle", "Brake", "DRS", "Source"} {
		if _, ok := idx[c]; !ok {
			t.Fatalf("%s: no column %s", path, c)
		}
	}
	num := func(line int, row []string, col string) float64 {
		v, err := strconv.ParseFloat(row[idx[col]], 64)
		if err != nil {
			t.Fatalf("%s line %d: %s: %v", path, line, col, err)
		}
		return v
	}
	var out []f1.Telemetry
	for i, row := range rows {
		if l.carOnly && row[idx["Source"]] != "car" {
			continue
		}
		ts, err := time.Parse("2006-01-02 15:04:05.999999999", row[idx["Date"]])
		if err != nil {
			t.Fatalf("%s line %d: Date: %v", path, i+2, err)
		}
		s := f1.Telemetry{Ts: ts.UnixMilli(), RaceID: l.race, Driver: l.driver, Team: l.team, Lap: 1}
		s.SpeedKph, s.RPM = num(i+2, row, "Speed"), num(i+2, row, "RPM")
		s.Gear, s.ThrottlePct = int(num(i+2, row, "nGear")), num(i+2, row, "Throttle")
		if row[idx["Brake"]] == "True" {
			s.Brake = 100
		}
		s.DRS = int(num(i+2, row, "DRS"))
		out = append(out, s)
	}
	return out
}
