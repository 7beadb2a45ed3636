package predictfit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// summary writes a per-lap summary: three cars 1 s apart, 85 s laps; SOF
// stops onto the same compound after lap 3 (a 20 s slower out-lap); the
// track status of each lap is status[lap-1].
func summary(status []string) []byte {
	var b strings.Builder
	b.WriteString("driver,lap_number,compound,track_status,lap_time,position,gap_to_leader,final_position,pit_stop_count\n")
	end := map[string]float64{"AAA": 0, "BBB": 1, "SOF": 2}
	for lap := 1; lap <= len(status); lap++ {
		for i, d := range []string{"AAA", "BBB", "SOF"} {
			t := 85.0
			if d == "SOF" && lap == 4 {
				t = 105
			}
			end[d] += t
			stops := 0
			if d == "SOF" {
				stops = 1
			}
			fmt.Fprintf(&b, "%s,%d.0,MEDIUM,%s,%.3f,%d.0,%.3f,1.0,%d\n", d, lap, status[lap-1], t, i+1, 3600+end[d], stops)
		}
	}
	return []byte(b.String())
}

func TestLoadSummaryAddsSameCompoundStopsAndNeutralisations(t *testing.T) {
	r, err := LoadSummary(summary([]string{"1", "14", "4", "1", "16", "1", "1"}), "data_Test_Grand_Prix_2024")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.Stops) != "[{SOF 3}]" || r.Total != 7 || r.PitLossS != DefaultPitLossS {
		t.Errorf("stops %v, total %d, pit loss %v", r.Stops, r.Total, r.PitLossS)
	}
	var flags []string
	for _, it := range r.Items {
		switch it.Type {
		case f1.RaceControlRecord:
			if fl, ok := f1.FlagOf(&it.RC); ok {
				flags = append(flags, fmt.Sprintf("%d:%s", it.RC.Lap, fl))
			}
		case f1.PositionRecord:
			p := it.Pos
			if p.Driver == "SOF" && (p.Lap == 3) != (p.Status == f1.StatusPit) {
				t.Errorf("SOF lap %d status %s: only lap 3 is the in-lap", p.Lap, p.Status)
			}
			if p.Driver == "SOF" && p.Lap == 5 && (p.PitStops != 1 || p.TyreAgeLaps != 2) {
				t.Errorf("SOF lap 5: %d stops, age %d", p.PitStops, p.TyreAgeLaps)
			}
		}
	}
	if got := strings.Join(flags, " "); got != "2:SC 4:GREEN 5:VSC 6:GREEN" {
		t.Errorf("neutralisations %q", got)
	}
	// A neutralisation is dated before the leader ends the lap it was seen on.
	for i, it := range r.Items {
		if it.Type == f1.RaceControlRecord && it.RC.Type == f1.EventSafetyCar && it.RC.Lap == 2 {
			next := r.Items[i+1]
			for k := i + 1; next.Type != f1.PositionRecord; k++ {
				next = r.Items[k]
			}
			if next.Pos.Lap != 2 || next.Pos.Driver != "AAA" {
				t.Errorf("the SC of lap 2 comes before %+v", next.Pos)
			}
		}
	}
}

func TestLoadSummaryRefusesOtherFiles(t *testing.T) {
	dir := realdata.Dir(t)
	data, err := os.ReadFile(filepath.Join(dir, "monza2024_race", "laps.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSummary(data, "laps.csv"); err == nil || !strings.Contains(err.Error(), "not a per-lap summary") {
		t.Errorf("a FastF1 laps file: %v", err)
	}
	if _, err := LoadSummary([]byte("driver,lap_number\nVER,1\n"), "short.csv"); err == nil {
		t.Error("a file without the summary's columns must be refused")
	}
}

func TestLoadSummaryOfMonaco2023(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(realdata.Dir(t), "monaco2023_race_laps", "data_Monaco_Grand_Prix_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadSummary(data, "data_Monaco_Grand_Prix_2023")
	if err != nil {
		t.Fatal(err)
	}
	// pit_stop_count sums to 38; MAG's second is his retirement in the pit
	// lane, which is no stop; every stop changed compound.
	if len(r.Stops) != 37 || r.Total != 78 || r.PitLossS != 19 {
		t.Errorf("%d stops, %d laps, pit loss %v", len(r.Stops), r.Total, r.PitLossS)
	}
	for _, it := range r.Items {
		if it.Type == f1.RaceControlRecord && it.RC.Type != f1.EventLap {
			t.Errorf("Monaco 2023 saw yellows only (track status 1, 2), not %+v", it.RC)
		}
	}
}
