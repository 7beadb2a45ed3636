package f1

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
)

func TestCircuitByName(t *testing.T) {
	for _, name := range []string{"monza", "Monza", " MONZA ", "Italian Grand Prix", "italian"} {
		c, err := CircuitByName(name)
		if err != nil || c.Key != "monza" {
			t.Errorf("CircuitByName(%q) = %q, %v; want monza", name, c.Key, err)
		}
	}
	for _, want := range []string{"monaco", "monza", "silverstone", "spa", "bahrain"} {
		if _, err := CircuitByName(want); err != nil {
			t.Errorf("circuit %q missing: %v", want, err)
		}
	}
	_, err := CircuitByName("imola")
	if err == nil {
		t.Fatal("unknown circuit gave no error")
	}
	for _, s := range []string{`"imola"`, "bahrain, monaco, monza, silverstone, spa"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestCircuitsAreSane(t *testing.T) {
	for _, c := range Circuits() {
		t.Run(c.Key, func(t *testing.T) {
			if c.LengthM < 3000 || c.LengthM > 7100 || c.Laps < 40 || c.TypicalLapS < 60 || c.PitLossS < 15 {
				t.Errorf("implausible basics: %+v", c)
			}
			if len(c.DRSZones) == 0 {
				t.Error("no DRS zones")
			}
			for _, z := range c.DRSZones {
				if z.Start < 0 || z.Start >= 1 || z.End < 0 || z.End >= 1 || z.Start == z.End {
					t.Errorf("bad DRS zone %+v", z)
				}
				mid := z.Start + 0.001
				if in, _ := c.InDRSZone(mid); !in {
					t.Errorf("zone %+v does not contain %.3f", z, mid)
				}
			}
			prev := -1.0
			for _, cn := range c.Corners {
				if cn.At <= prev || cn.At >= 1 || cn.ApexKph < 40 || cn.ApexKph > c.TopSpeedKph {
					t.Errorf("bad or unsorted corner %+v", cn)
				}
				prev = cn.At
				// DRS never opens in a slow corner.
				if in, _ := c.InDRSZone(cn.At); in && cn.ApexKph < 250 {
					t.Errorf("DRS zone covers slow corner %s", cn.Name)
				}
			}
			if len(c.Outline) < 20 || c.OutlineSource == "" {
				t.Errorf("outline has %d points, source %q", len(c.Outline), c.OutlineSource)
			}
			perim := c.OutlineLength() / 10
			if math.Abs(perim-c.LengthM)/c.LengthM > 0.03 {
				t.Errorf("outline perimeter %.0f m, track %.0f m", perim, c.LengthM)
			}
			// x/y moves continuously: 1/1000 of a lap is a few metres.
			px, py := c.XY(0)
			if x0, y0 := c.XY(1); math.Hypot(x0-px, y0-py) > 1e-6 {
				t.Errorf("XY(1) = %v,%v but XY(0) = %v,%v", x0, y0, px, py)
			}
			for i := 1; i <= 1000; i++ {
				x, y := c.XY(float64(i) / 1000)
				if step := math.Hypot(x-px, y-py) / 10; step > c.LengthM/1000*1.05 {
					t.Fatalf("XY jumps %.1f m at %d/1000", step, i)
				}
				px, py = x, y
			}
		})
	}
}

func TestSpeedProfile(t *testing.T) {
	for _, c := range Circuits() {
		p := c.SpeedProfile()
		if r := p.LapS / c.TypicalLapS; r < 0.85 || r > 1.05 {
			t.Errorf("%s: profile lap %.1f s vs typical %.1f s", c.Key, p.LapS, c.TypicalLapS)
		}
		slowest := c.Corners[0]
		for _, cn := range c.Corners {
			// An apex speed is a limit: a short run from the previous corner
			// may not reach it.
			if v := p.At(cn.At * c.LengthM); v > cn.ApexKph+1 || v < cn.ApexKph*0.8 {
				t.Errorf("%s: %s at %.0f km/h, apex %.0f", c.Key, cn.Name, v, cn.ApexKph)
			}
			if cn.ApexKph < slowest.ApexKph {
				slowest = cn
			}
		}
		if v := p.At(slowest.At * c.LengthM); math.Abs(v-slowest.ApexKph) > 1 {
			t.Errorf("%s: slowest corner %s at %.0f km/h, apex %.0f", c.Key, slowest.Name, v, slowest.ApexKph)
		}
		mx := 0.0
		for i, v := range p.Kph {
			mx = math.Max(mx, v)
			if v > c.TopSpeedKph+1e-9 || v < 40 {
				t.Fatalf("%s: speed %.1f at sample %d", c.Key, v, i)
			}
		}
		if mx < c.TopSpeedKph*0.9 {
			t.Errorf("%s: never gets near top speed (%.0f)", c.Key, mx)
		}
		if a := p.Accel(slowest.At*c.LengthM - 40); a > -5 {
			t.Errorf("%s: not braking 40 m before %s (a=%.1f)", c.Key, slowest.Name, a)
		}
		if a := p.Accel(slowest.At*c.LengthM + 40); a < 3 {
			t.Errorf("%s: not accelerating 40 m after %s (a=%.1f)", c.Key, slowest.Name, a)
		}
	}
}

// TestMonzaProfileMatchesRealLap compares the profile with the real VER lap.
func TestMonzaProfileMatchesRealLap(t *testing.T) {
	h, rows := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", "telemetry_VER.csv"))
	c, _ := CircuitByName("monza")
	p := c.SpeedProfile()
	var sum float64
	var n int
	for _, r := range rows {
		rel, _ := strconv.ParseFloat(r[h["RelativeDistance"]], 64)
		sp, _ := strconv.ParseFloat(r[h["Speed"]], 64)
		sum += math.Abs(p.At(rel*c.LengthM) - sp)
		n++
	}
	if mae := sum / float64(n); mae > 20 {
		t.Errorf("profile differs from the real lap by %.1f km/h on average", mae)
	} else {
		t.Logf("mean absolute difference to VER lap 43: %.1f km/h over %d samples", mae, n)
	}
}

func TestCircuitInName(t *testing.T) {
	for name, want := range map[string]string{
		"../shared/data/monza2024_race/laps.csv":               "monza",
		"data_Italian_Grand_Prix_2024":                         "monza",
		"monaco2023_race_laps/data_Monaco_Grand_Prix_2023.csv": "monaco",
		"spa2022_race/laps_VER_PER.csv":                        "spa",
		"data_British_Grand_Prix_2023":                         "silverstone",
		"data_Spanish_Grand_Prix_2023":                         "",
		"laps.csv":                                             "",
	} {
		c, ok := CircuitInName(name)
		if c.Key != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", name, c.Key, ok, want)
		}
	}
}
