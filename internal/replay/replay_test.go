package replay

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMergedTelemetryFixture(t *testing.T) {
	f, err := Parse(fixture(t, "monza_telemetry_VER.csv"), "telemetry_VER.csv", Options{RaceID: "r", Lap: 43})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FastF1Telemetry || !f.Abs || len(f.Items) != 5 {
		t.Fatalf("%s abs=%v items=%d", f.Format, f.Abs, len(f.Items))
	}
	// Row 2: 2024-09-01 14:03:42.833,...,11240.0,317.0,8,100.0,False,0,car,5.65...,X -1372.72..., Y -664.29...
	x := f.Items[1].Tel
	want := f1.Telemetry{Ts: 1725199422833, RaceID: "r", Driver: "VER", DriverNumber: 1, Team: "Red Bull Racing", Lap: 43,
		DistanceM: 5.653888888888893, SpeedKph: 317, RPM: 11240, Gear: 8, ThrottlePct: 100, Brake: 0, DRS: 0,
		X: -1372.7274966790117, Y: -664.2902346212308}
	if x != want {
		t.Fatalf("row 3:\n got %+v\nwant %+v", x, want)
	}
	if f.Items[1].Ts-f.Items[0].Ts != 61 {
		t.Fatalf("rows 2 and 3 are %d ms apart, want 61", f.Items[1].Ts-f.Items[0].Ts)
	}
}

func TestCarDataTelemetryFixture(t *testing.T) {
	f, err := Parse(fixture(t, "spa_telemetry_PER.csv"), "x.csv", Options{Driver: "PER"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 5 || f.Items[0].Tel.Driver != "PER" || f.Items[0].Tel.DriverNumber != 11 {
		t.Fatalf("%+v", f.Items[0].Tel)
	}
	for _, it := range f.Items {
		if it.Tel.X != 0 || it.Tel.Gear < 1 {
			t.Fatalf("car data has no x/y and a real gear: %+v", it.Tel)
		}
	}
}

func TestLapsFixture(t *testing.T) {
	f, err := Parse(fixture(t, "monza_laps.csv"), "laps.csv", Options{RaceID: "m"})
	if err != nil {
		t.Fatal(err)
	}
	var pos []f1.Position
	for _, it := range f.Items {
		if it.Type == f1.PositionRecord {
			pos = append(pos, it.Pos)
		}
	}
	// LEC laps 1-3: 1:28.179, 1:25.396, ...; lap 1 ends at 13:03:34.413 + 88.437 s.
	if len(pos) != 3 || pos[0].Driver != "LEC" || pos[0].Lap != 1 || pos[0].LastLapS != 88.179 || pos[0].Tyre != f1.TyreMedium ||
		pos[0].Position != 2 || pos[1].BestLapS != 85.396 || pos[0].Ts != 1725195814413+88437 {
		t.Fatalf("%+v", pos)
	}
}

func TestSummaryAndRaceControlFixtures(t *testing.T) {
	f, err := Parse(fixture(t, "monaco_summary.csv"), "m.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != LapSummary || f.Abs || f.Items[0].Ts != 3807435 {
		t.Fatalf("%s abs=%v first ts %d", f.Format, f.Abs, f.Items[0].Ts)
	}
	rc, err := Parse(fixture(t, "monza_race_control.csv"), "rc.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rc.Format != OpenF1RaceControl || len(rc.Items) != 4 || rc.Items[1].RC.Type != f1.EventFlag ||
		!strings.Contains(rc.Items[1].RC.Message, "GREEN LIGHT") || rc.Items[1].Ts != 1725193201000 {
		t.Fatalf("%+v", rc.Items)
	}
}

func TestOpenF1CarData(t *testing.T) {
	f, err := Parse(fixture(t, "openf1_car_data_sample.json"), "car_data.json", Options{RaceID: "o"})
	if err != nil {
		t.Fatal(err)
	}
	x := f.Items[1].Tel
	if f.Format != OpenF1CarData || len(f.Items) != 3 || x.Driver != "VER" || x.SpeedKph != 102 || x.RPM != 9500 || x.Gear != 2 ||
		x.ThrottlePct != 99 || x.DRS != 1 || f.Items[1].Ts-f.Items[0].Ts != 220 {
		t.Fatalf("%+v", f.Items)
	}
	// No driver_number: from the file name.
	f, err = Parse([]byte(`[{"date":"2023-09-16T13:03:35Z","speed":1,"rpm":2,"n_gear":1,"throttle":3,"brake":100,"drs":12}]`), "car_HAM.json", Options{})
	if err != nil || f.Items[0].Tel.Driver != "HAM" || f.Items[0].Tel.Brake != 100 {
		t.Fatalf("%v %+v", err, f)
	}
	for _, bad := range []struct{ in, want string }{
		{`{"date":1}`, "want a JSON array"},
		{`[{"date":"x","driver_number":1,"speed":1,"rpm":2,"n_gear":1,"throttle":3,"brake":0,"drs":0}]`, "not an ISO 8601 date"},
		{`[{"date":"2023-09-16T13:03:35Z","driver_number":99,"speed":1,"rpm":2,"n_gear":1,"throttle":3,"brake":0,"drs":0}]`, "unknown driver number 99"},
		{`[{"date":"2023-09-16T13:03:35Z","driver_number":1,"speed":1,"rpm":2,"n_gear":11,"throttle":3,"brake":0,"drs":0}]`, "n_gear 11"},
		{"[\n{\"date\":\"2023-09-16T13:03:35Z\"}\n", "missing"},
		{"[\n{\"date\":\"2023-09-16T13:03:35Z\", \"speed\": \"fast\"}]", "car.json:2"},
	} {
		if _, err := Parse([]byte(bad.in), "car.json", Options{Driver: "VER"}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want %q", bad.in, err, bad.want)
		}
	}
}

func TestTimeParsing(t *testing.T) {
	for in, want := range map[string]int64{
		"0 days 01:55:58.853000": 6958853, "0 days 00:00:00": 0, "1 days 00:00:01.5": 86401500, "00:01:28.179": 88179,
	} {
		if got, ok := parseTimedelta(in); !ok || got != want {
			t.Errorf("parseTimedelta(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "1:2", "0 days 01:61:00", "x days 00:00:00", "0 days 00:00:-1"} {
		if _, ok := parseTimedelta(bad); ok {
			t.Errorf("parseTimedelta(%q) accepted", bad)
		}
	}
	for in, want := range map[string]int64{
		"2024-09-01 14:03:42.772": 1725199422772, "2024-09-01T12:08:03+00:00": 1725192483000,
		"2023-09-16T13:03:35.292000+00:00": 1694869415292, "2024-09-01T14:08:03+02:00": 1725192483000,
	} {
		if got, ok := parseDate(in); !ok || got != want {
			t.Errorf("parseDate(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestMergeOrdersAndRefusesMixedClocks(t *testing.T) {
	a := &File{Name: "a", Abs: true, Items: []Item{{Type: f1.TelemetryRecord, Ts: 30}, {Type: f1.TelemetryRecord, Ts: 10}}}
	b := &File{Name: "b", Abs: true, Items: []Item{{Type: f1.PositionRecord, Ts: 20}, {Type: f1.PositionRecord, Ts: 10}}}
	got, err := Merge([]*File{a, b})
	if err != nil || got[0].Ts != 10 || got[0].Type != f1.TelemetryRecord || got[1].Ts != 10 || got[3].Ts != 30 {
		t.Fatalf("%v %+v", err, got)
	}
	if _, err := Merge([]*File{a, {Name: "c", Abs: false}}); err == nil || !strings.Contains(err.Error(), "cannot merge") {
		t.Fatalf("mixed clocks merged: %v", err)
	}
}

// checkItems holds for everything a parser accepts.
func checkItems(t *testing.T, f *File) {
	for _, it := range f.Items {
		switch it.Type {
		case f1.TelemetryRecord:
			x := it.Tel
			if x.Gear < 0 || x.Gear > 8 || x.Driver == "" || x.Ts != it.Ts || x.Brake < 0 || x.Brake > 100 {
				t.Fatalf("accepted a bad sample %+v", x)
			}
			for _, v := range []float64{x.SpeedKph, x.RPM, x.ThrottlePct, x.DistanceM, x.X, x.Y, x.BrakeTempC} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("accepted a sample that is not a number %+v", x)
				}
			}
		case f1.PositionRecord:
			if it.Pos.Driver == "" || it.Pos.Ts != it.Ts || it.Pos.GapToLeaderS < 0 || it.Pos.IntervalS < 0 {
				t.Fatalf("accepted bad timing %+v", it.Pos)
			}
		case f1.RaceControlRecord:
			if it.RC.Type == "" || it.RC.Ts != it.Ts {
				t.Fatalf("accepted a bad event %+v", it.RC)
			}
		default:
			t.Fatalf("item of kind %d", it.Type)
		}
	}
}

// A required number that is NaN is refused with the row and column, like
// any other bad value (issue 12: unvalidated floats); an optional one is
// missing.
func TestRequiredNumbersRefuseNaN(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "monza_telemetry_VER.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	cols := strings.Split(lines[2], ",")
	cols[6] = "NaN" // Speed
	lines[2] = strings.Join(cols, ",")
	_, err = ParseCSV([]byte(strings.Join(lines, "\n")), "monza_telemetry_VER.csv", Options{})
	if err == nil || !strings.Contains(err.Error(), "Speed") || !strings.Contains(err.Error(), "NaN") {
		t.Fatalf("a NaN speed: %v", err)
	}
}

func FuzzFastF1CSV(f *testing.F) {
	for _, name := range []string{"monza_telemetry_VER.csv", "spa_telemetry_PER.csv", "monza_laps.csv", "spa_laps_VER_PER.csv", "monaco_summary.csv", "monza_race_control.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseCSV(data, "fuzz_VER.csv", Options{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkItems(t, file)
	})
}

func FuzzOpenF1JSON(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "openf1_car_data_sample.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseOpenF1JSON(data, "fuzz_VER.json", Options{})
		if err != nil {
			return
		}
		checkItems(t, file)
	})
}
