package f1

import (
	"strings"
	"testing"
)

func TestGridHasTwentyDriversWithKnownTeams(t *testing.T) {
	g := Grid()
	if len(g) != 20 {
		t.Fatalf("grid has %d drivers, want 20", len(g))
	}
	seen := map[string]bool{}
	for _, d := range g {
		if seen[d.Code] {
			t.Errorf("duplicate code %s", d.Code)
		}
		seen[d.Code] = true
		if _, ok := TeamByName(d.Team); !ok {
			t.Errorf("%s: team %q unknown", d.Code, d.Team)
		}
	}
}

func TestParseDrivers(t *testing.T) {
	ds, err := ParseDrivers("ver, ham,VER")
	if err != nil || len(ds) != 2 || ds[0].Code != "VER" || ds[1].Code != "HAM" {
		t.Fatalf("ParseDrivers = %v, %v", ds, err)
	}
	if _, err := ParseDrivers("VER,XYZ"); err == nil || !strings.Contains(err.Error(), `"XYZ"`) {
		t.Fatalf("unknown code error = %v", err)
	}
	if all, _ := ParseDrivers("all"); len(all) != 20 {
		t.Fatalf("all = %d drivers", len(all))
	}
}

func TestRedBullEighthGearMatchesRealData(t *testing.T) {
	rb, _ := TeamByName("Red Bull")
	if k := rb.KPerGear[8]; k < 28.0 || k > 28.4 {
		t.Fatalf("Red Bull 8th gear k = %.2f, want ~28.2 km/h per 1000 rpm", k)
	}
	for _, tm := range Teams() {
		if d := tm.KPerGear[8]/rb.KPerGear[8] - 1; d > 0.04 || d < -0.04 {
			t.Errorf("%s differs from Red Bull by %.1f%%, more than 4%%", tm.Name, d*100)
		}
	}
}
