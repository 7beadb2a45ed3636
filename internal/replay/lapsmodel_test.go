package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func monzaTable(t *testing.T, name string) *table {
	t.Helper()
	path := filepath.Join(realdata.Dir(t), "monza2024_race", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := readTable(b, path)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestMonzaRaceModel reads the real Monza 2024 laps, stints and results into
// f1.RaceLaps and checks what it holds: 20 drivers, 1008 laps, lights out at
// 13:03:34.413 UTC, 53 laps, LEC's one stop (lap 15, MEDIUM to HARD, 24.4 s
// in the pit lane), TSU's stop into retirement (lap 7, never out), the
// stints agreeing with the laps' own tyres but for a few OpenF1 quirks, and
// the classification of results.csv.
func TestMonzaRaceModel(t *testing.T) {
	lf, err := parseLapsModel(monzaTable(t, "laps.csv"), Options{RaceID: "monza2024"})
	if err != nil {
		t.Fatal(err)
	}
	r := lf.race
	n := 0
	for _, d := range r.Drivers {
		n += len(d.Laps)
	}
	start, _ := parseDate("2024-09-01 13:03:34.413")
	if len(r.Drivers) != 20 || n != 1008 || r.TotalLaps != 53 || r.StartMs != start || lf.numbers["LEC"] != 16 {
		t.Fatalf("%d drivers, %d laps, %d total, start %d (want %d), LEC #%d", len(r.Drivers), n, r.TotalLaps, r.StartMs, start, lf.numbers["LEC"])
	}
	lec := r.Driver("LEC")
	if len(lec.Pits) != 1 || lec.Pits[0].Lap != 15 || lec.Pits[0].From != f1.TyreMedium || lec.Pits[0].To != f1.TyreHard ||
		lec.Pits[0].LaneS != 24.419 {
		t.Errorf("LEC pits %+v", lec.Pits)
	}
	if l := lec.Lap(43); l.SectorS[0] == 0 || l.SectorS[2] == 0 || l.TimeS == 0 || l.Position == 0 {
		t.Errorf("LEC lap 43 %+v", l)
	}
	if tsu := r.Driver("TSU"); len(tsu.Pits) != 1 || tsu.Pits[0].Lap != 7 || tsu.Pits[0].OutMs != 0 || len(tsu.Laps) != 7 {
		t.Errorf("TSU %+v", tsu.Pits)
	}
	st, err := parseStints(monzaTable(t, "stints.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Drivers {
		d := &r.Drivers[i]
		d.Stints = st.byNumber[d.Number]
	}
	disagree := r.FillTyres()
	t.Logf("laps disagreeing with OpenF1's stints: %d (of 1008 laps, compound and age counted apart)", disagree)
	if disagree > 40 {
		t.Errorf("%d disagreements between laps.csv and stints.csv", disagree)
	}
	res, err := parseResults(monzaTable(t, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.results) != 20 || res.results[0].Driver != "LEC" || res.results[0].TimeS != 4480.727 ||
		res.results[1].GapS != 2.664 || res.results[19].Driver != "TSU" || !res.results[19].Retired() || res.drivers["NOR"].Grid != 1 {
		t.Fatalf("results %+v", res.results[:2])
	}
	// The laps alone classify the race as results.csv does once the
	// stewards' penalties are known; with results.csv the classification
	// is published.
	r.Results = res.results
	pos, ev := r.Timing(f1.TimingOptions{LightsOut: true, Finish: true})
	lb := f1.NewLeaderboard()
	for i := range pos {
		lb.ApplyPosition(&pos[i])
	}
	for i := range ev {
		lb.ApplyRaceControl(&ev[i])
	}
	var got []string
	for _, row := range lb.Snapshot(nil) {
		got = append(got, row.Driver)
	}
	var want []string
	for _, x := range res.results {
		want = append(want, x.Driver)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") || !lb.Race().Official {
		t.Errorf("final board %v\nresults.csv  %v", got, want)
	}
}
