package replay

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
)

func monzaTracks(t *testing.T) map[string][]xy {
	idx, rows := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", "locations.csv"))
	tracks := map[string][]xy{}
	for _, r := range rows {
		tt, _ := strconv.ParseFloat(r[idx["t"]], 64)
		x, _ := strconv.ParseFloat(r[idx["x"]], 64)
		y, _ := strconv.ParseFloat(r[idx["y"]], 64)
		tracks[r[idx["driver"]]] = append(tracks[r[idx["driver"]]], xy{tt, x, y})
	}
	return tracks
}

// TestLightsOutOnMonzaLocations: locations.csv's t = 0 is not the race
// start. The field stands on the grid from t ≈ 152 s and leaves it between
// t = 214 and 216; PIA, lap 1's leader, is back at his slot 87.9 s later.
func TestLightsOutOnMonzaLocations(t *testing.T) {
	tracks := monzaTracks(t)
	cands := gridStarts(tracks)
	t.Logf("grid starts: %+v", cands)
	got, err := lightsOutOn(tracks, &lapOne{Leader: "PIA", AfterS: 87.881})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-214.5) > 0.75 {
		t.Errorf("lights out at t = %.2f, want 214.5 ± 0.75", got)
	}
}

// TestLocationsMatchTelemetry: on the race clock so found, VER's x/y in
// locations.csv follow his own telemetry_VER.csv (lap 43, with dates)
// closely: the median distance is a few tens of metres (the file's 2-s grid
// at 80 m/s), not the hundreds of a clock off by a second or more.
func TestLocationsMatchTelemetry(t *testing.T) {
	tracks := monzaTracks(t)
	lo, err := lightsOutOn(tracks, &lapOne{Leader: "PIA", AfterS: 87.881})
	if err != nil {
		t.Fatal(err)
	}
	idx, rows := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", "telemetry_VER.csv"))
	start, _ := parseDate("2024-09-01 13:03:34.413")
	median := func(offset float64) float64 {
		var ds []float64
		for _, r := range rows {
			ts, ok := parseDate(r[idx["Date"]])
			if !ok {
				t.Fatalf("Date %q", r[idx["Date"]])
			}
			x, _ := strconv.ParseFloat(r[idx["X"]], 64)
			y, _ := strconv.ParseFloat(r[idx["Y"]], 64)
			if px, py, ok := at(tracks["VER"], float64(ts-start)/1000+lo+offset); ok {
				ds = append(ds, math.Hypot(px-x, py-y)/10)
			}
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	got, off1, off2 := median(0), median(-1.5), median(1.5)
	t.Logf("median distance VER telemetry vs locations: %.1f m (clock 1.5 s early %.1f m, late %.1f m)", got, off1, off2)
	if got > 40 || got > off1/1.5 || got > off2/1.5 {
		t.Errorf("median distance %.1f m; a clock 1.5 s off gives %.1f / %.1f m", got, off1, off2)
	}
}
