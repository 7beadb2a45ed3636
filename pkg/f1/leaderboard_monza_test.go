package f1_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/realdata/realrace"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The real-data tests of the leaderboard live in package f1_test: they read
// the race through internal/replay (the one FastF1 laps parser), which
// imports pkg/f1; pkg/f1 itself imports nothing of it.

// monzaRecords is the real 2024 Italian GP's laps.csv and race_control.csv
// as `producer replay` publishes them, in time order: the grid, a timing
// record per car per lap end (gap and interval at the line, best lap
// without deleted laps, pit stops, PIT on an in lap, FINISHED from the
// flag), lights out, LAP, PIT and race control's messages (the stewards'
// penalties among them).
func monzaRecords(t testing.TB) []any {
	return realrace.Records(t, "monza2024_race", "monza2024", "laps.csv", "race_control.csv")
}

// TestLeaderboardMonzaReplay replays the real 2024 Italian GP laps and race
// control in time order and checks the board against results.csv: the
// final order (with the stewards' unserved time penalties: MAG +10 s behind
// ALB, RIC +10 s behind COL; HUL's 10 s was served at his lap-32 stop),
// grid gains, team colours, fastest lap, laps and race time.
func TestLeaderboardMonzaReplay(t *testing.T) {
	dir := filepath.Join(realdata.Dir(t), "monza2024_race")
	ridx, results := realdata.MustReadCSV(t, filepath.Join(dir, "results.csv"))
	type res struct {
		code, colour string
		pos, grid    int
	}
	var want []res
	for _, r := range results {
		pos, _ := strconv.ParseFloat(r[ridx["Position"]], 64)
		grid, _ := strconv.ParseFloat(r[ridx["GridPosition"]], 64)
		want = append(want, res{r[ridx["Abbreviation"]], strings.ToUpper(r[ridx["TeamColor"]]), int(pos), int(grid)})
	}
	slices.SortFunc(want, func(a, b res) int { return a.pos - b.pos })

	lb := f1.NewLeaderboard()
	for _, w := range want {
		lb.SetStartPosition(w.code, w.grid)
	}
	recs := monzaRecords(t)
	changes := 0
	var lastMAG *f1.Position
	for _, r := range recs {
		if lb.Apply(r) {
			changes++
		}
		if p, ok := r.(*f1.Position); ok && p.Driver == "MAG" {
			lastMAG = p
		}
	}
	// Re-applying the last record changes nothing.
	if lb.Apply(recs[len(recs)-1]) {
		t.Error("re-applying the same record reported a change")
	}
	if changes < 1000 {
		t.Errorf("only %d changes over %d records", changes, len(recs))
	}
	// On track MAG finished 9th: only the penalty puts him 10th.
	if lastMAG == nil || lastMAG.Position != 9 {
		t.Fatalf("MAG's last timing position = %+v, want 9 (before his penalty)", lastMAG)
	}

	snap := lb.Snapshot(nil)
	if len(snap) != 20 {
		t.Fatalf("snapshot has %d rows, want 20", len(snap))
	}
	for i, w := range want {
		row := snap[i]
		if row.Driver != w.code || row.Position != w.pos {
			var got []string
			for _, r := range snap {
				got = append(got, strconv.Itoa(r.Position)+"."+r.Driver)
			}
			t.Fatalf("final order %v; row %d is %s P%d, want %s P%d", got, i, row.Driver, row.Position, w.code, w.pos)
		}
		if row.TeamColour != w.colour {
			t.Errorf("%s colour %s, want %s", row.Driver, row.TeamColour, w.colour)
		}
		if row.PositionsGained != w.grid-w.pos || row.StartPosition != w.grid {
			t.Errorf("%s gained %d from P%d, want %d", row.Driver, row.PositionsGained, row.StartPosition, w.grid-w.pos)
		}
	}
	byCode := map[string]f1.LeaderboardRow{}
	for _, r := range snap {
		byCode[r.Driver] = r
	}
	if byCode["RIC"].PenaltyS != 10 || byCode["MAG"].PenaltyS != 10 || byCode["HUL"].PenaltyS != 0 {
		t.Errorf("unserved penalties RIC %v MAG %v HUL %v, want 10, 10, 0",
			byCode["RIC"].PenaltyS, byCode["MAG"].PenaltyS, byCode["HUL"].PenaltyS)
	}
	lec := byCode["LEC"]
	if lec.Lap != 53 || lec.PitStops != 1 || lec.Tyre != f1.TyreHard || lec.Status != f1.StatusFinished ||
		lec.GapToLeaderS != 0 || lec.LastLapS != 83.268 {
		t.Errorf("LEC row = %+v", lec)
	}
	if pia := byCode["PIA"]; pia.GapToLeaderS != 2.664 || pia.IntervalS != 2.664 {
		t.Errorf("PIA gap %.3f interval %.3f, want 2.664 (results.csv Time)", pia.GapToLeaderS, pia.IntervalS)
	}
	if tsu := byCode["TSU"]; tsu.Lap != 7 || tsu.Position != 20 {
		t.Errorf("TSU (retired lap 7) = P%d lap %d", tsu.Position, tsu.Lap)
	}
	// The fastest lap of the race: Norris, 1:21.432 on lap 53.
	fastest := 0
	for _, r := range snap {
		if r.FastestLap {
			fastest++
			if r.Driver != "NOR" || r.BestLapS != 81.432 {
				t.Errorf("fastest lap on %s %.3f, want NOR 81.432", r.Driver, r.BestLapS)
			}
		}
	}
	if fastest != 1 {
		t.Errorf("%d rows flagged fastest, want 1", fastest)
	}
	race := lb.Race()
	// Lights out is lap 1's start in laps.csv, 13:03:34.413 UTC (race
	// control's SESSION STARTED says .412), chequered flag 14:18:15 UTC.
	if race.RaceID != "monza2024" || race.Lap != 53 || race.TotalLaps != 53 || race.Flag != f1.FlagChequered ||
		!race.Finished || race.FastestDriver != "NOR" || race.ElapsedS() != 4480.587 {
		t.Errorf("race = %+v elapsed %.3f, want lap 53/53 CHEQUERED, 4480.587 s", race, race.ElapsedS())
	}
}

// TestStandingsMonzaLapByLap replays the real Monza 2024 timing and race
// control and checks, at every lap end, that the board gives the car its
// laps.csv Position for that lap, that positions are always 1..n, and that
// only TSU (out after 7 laps, in the pit lane) is ever shown OUT. Two lap
// ends differ, both after the flag and both by the stewards' unserved 10-s
// penalties that the classification applies and the line order does not:
// ALB crosses 10th behind MAG (+10 s) and is classified 9th; COL crosses
// 13th behind RIC (+10 s) and is classified 12th.
func TestStandingsMonzaLapByLap(t *testing.T) {
	lb := f1.NewLeaderboard()
	var rows []f1.LeaderboardRow
	checked, matched := 0, 0
	penalised := map[string]int{"ALB 53": 9, "COL 53": 12}
	for _, rec := range monzaRecords(t) {
		lb.Apply(rec)
		rows = lb.Snapshot(rows[:0])
		f1.CheckPositions(t, "Monza", rows)
		for _, r := range rows {
			if r.Status == f1.StatusOut && (r.Driver != "TSU" || r.RetiredLap != 7) {
				t.Fatalf("%s OUT on lap %d: %s", r.Driver, r.RetiredLap, f1.Order(rows))
			}
		}
		p, ok := rec.(*f1.Position)
		if !ok {
			continue
		}
		checked++
		for _, r := range rows {
			if r.Driver == p.Driver {
				key := fmt.Sprintf("%s %d", p.Driver, p.Lap)
				switch {
				case r.Position == p.Position:
					matched++
				case penalised[key] == r.Position:
					delete(penalised, key)
				default:
					t.Errorf("%s lap %d: board P%d, laps.csv P%d", p.Driver, p.Lap, r.Position, p.Position)
				}
			}
		}
	}
	t.Logf("lap ends checked %d, board position = laps.csv Position at %d", checked, matched)
	if len(penalised) != 0 || matched != checked-2 {
		t.Errorf("the penalty reorderings %v did not happen (matched %d of %d)", penalised, matched, checked)
	}
	if checked != 1008 {
		t.Errorf("checked %d lap ends, want laps.csv's 1008", checked)
	}
	if got := f1.Order(rows); !strings.HasSuffix(got, "13.RIC 14.OCO(+1) 15.GAS(+1) 16.BOT(+1) 17.HUL(+1) 18.ZHO(+1) 19.STR(+1) 20.TSU(OUT L7)") {
		t.Errorf("final board %s", got)
	}
}

// BenchmarkLeaderboardApplyPosition: the real Monza timing (1008 records,
// 20 drivers) repeated with increasing timestamps.
func BenchmarkLeaderboardApplyPosition(b *testing.B) {
	var base []f1.Position
	for _, r := range monzaRecords(b) {
		if p, ok := r.(*f1.Position); ok {
			base = append(base, *p)
		}
	}
	span := base[len(base)-1].Ts - base[0].Ts + 1000
	var stream []f1.Position
	for rep := int64(0); rep < 20; rep++ {
		for _, p := range base {
			p.Ts += rep * span
			stream = append(stream, p)
		}
	}
	lb := f1.NewLeaderboard()
	for i := range stream {
		lb.ApplyPosition(&stream[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &stream[i%len(stream)]
		p.Ts += span * 20 // keep time moving forward across wraps
		lb.ApplyPosition(p)
	}
}

// BenchmarkLeaderboardSnapshot: building the 20-row snapshot sent on change.
func BenchmarkLeaderboardSnapshot(b *testing.B) {
	lb := f1.NewLeaderboard()
	for _, r := range monzaRecords(b) {
		lb.Apply(r)
	}
	rows := make([]f1.LeaderboardRow, 0, 24)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows = lb.Snapshot(rows[:0])
	}
}
