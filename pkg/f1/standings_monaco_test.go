package f1

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
)

// monacoLap is one row of the shared Monaco 2023 per-lap race table.
type monacoLap struct {
	code       string
	lap        int
	endS       float64 // session time at the lap's end (the "gap_to_leader" column)
	lapS       float64
	pos, final int // 0 when empty
}

// monacoLaps reads ../shared/data/monaco2023_race_laps (20 drivers, 78 laps;
// MAG stops after 71 laps, STR after 54).
func monacoLaps(t testing.TB) []monacoLap {
	t.Helper()
	path := filepath.Join(realdata.Dir(t), "monaco2023_race_laps", "data_Monaco_Grand_Prix_2023.csv")
	idx, rows := realdata.MustReadCSV(t, path)
	num := func(r []string, c string) float64 {
		v, err := strconv.ParseFloat(r[idx[c]], 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	whole := func(v float64) int {
		if math.IsNaN(v) {
			return 0
		}
		return int(v)
	}
	var out []monacoLap
	for _, r := range rows {
		l := monacoLap{code: r[idx["driver"]], lap: whole(num(r, "lap_number")), endS: num(r, "gap_to_leader"),
			lapS: num(r, "lap_time"), pos: whole(num(r, "position")), final: whole(num(r, "final_position"))}
		if math.IsNaN(l.endS) || l.lap == 0 {
			t.Fatalf("%s: a row without lap or lap-end time: %v", path, r)
		}
		if math.IsNaN(l.lapS) {
			l.lapS = 0
		}
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b monacoLap) int { return int(math.Round((a.endS - b.endS) * 1000)) })
	return out
}

// monacoRecords turns the table into a lap-end timing feed: lights out (78
// laps) at the start of the first lap, then one Position per row with gaps
// and intervals at the line. The table has no race control, no grid and no
// chequered flag: the finish is the leader completing lap 78.
func monacoRecords(laps []monacoLap) []any {
	ms := func(s float64) int64 { return int64(math.Round(s * 1000)) }
	start := ms(laps[0].endS - laps[0].lapS)
	recs := []any{&RaceControl{Ts: start, RaceID: "monaco2023", Type: EventLightsOut, TotalLaps: 78}}
	first, prev := map[int]float64{}, map[int]float64{}
	best := map[string]float64{}
	for _, l := range laps {
		if _, ok := first[l.lap]; !ok {
			first[l.lap] = l.endS
		}
		p := &Position{Ts: ms(l.endS), RaceID: "monaco2023", Driver: l.code, Position: l.pos, Lap: l.lap,
			GapToLeaderS: l.endS - first[l.lap], LastLapS: l.lapS, Status: StatusRunning}
		if pv, ok := prev[l.lap]; ok {
			p.IntervalS = l.endS - pv
		}
		prev[l.lap] = l.endS
		if l.lapS > 0 && (best[l.code] == 0 || l.lapS < best[l.code]) {
			best[l.code] = l.lapS
		}
		p.BestLapS = best[l.code]
		recs = append(recs, p)
	}
	return recs
}

// TestStandingsMonaco2023 replays the real Monaco 2023 lap table (rain from
// lap 52, 20 cars, MAG out after 71 laps, STR after 54) and checks the
// standing rules on it:
//   - after every record the positions are 1..n (never two cars at one);
//   - only MAG and STR are ever shown OUT, each RetireAfterLeaderLaps (or
//     one more) leader laps after its last record, with the lap it stopped on;
//   - at each car's lap end the board gives the car the table's position
//     for that lap (every row that has one);
//   - the final board: the 18 runners in the table's order at their last
//     lap (8 on the lead lap, 6 one lap down, 4 two laps down), then MAG,
//     then STR. final_position differs only for HUL/PER, swapped by a time
//     penalty the table does not hold.
func TestStandingsMonaco2023(t *testing.T) {
	laps := monacoLaps(t)
	lb := NewLeaderboard()
	var rows []LeaderboardRow
	checked, matched := 0, 0
	outAt, seen := map[string]int{}, map[string]int{}
	for i, rec := range monacoRecords(laps) {
		lb.Apply(rec)
		if p, ok := rec.(*Position); ok {
			seen[p.Driver] = lb.leadLaps // the leader's laps at the driver's latest record
		}
		rows = lb.Snapshot(rows[:0])
		checkPositions(t, "Monaco", rows)
		for _, r := range rows {
			if r.Status == StatusOut {
				if r.Driver != "MAG" && r.Driver != "STR" {
					t.Fatalf("%s shown OUT while running (record %d): %s", r.Driver, i, order(rows))
				}
				if _, ok := outAt[r.Driver]; !ok {
					outAt[r.Driver] = lb.leadLaps
				}
			}
		}
		p, ok := rec.(*Position)
		if !ok || p.Position == 0 {
			continue
		}
		checked++
		for _, r := range rows {
			if r.Driver == p.Driver {
				if r.Position == p.Position {
					matched++
				} else {
					t.Errorf("%s lap %d: board P%d, table P%d: %s", p.Driver, p.Lap, r.Position, p.Position, order(rows))
				}
			}
		}
	}
	t.Logf("lap ends checked %d, board position = table position at %d", checked, matched)
	if checked < 1500 {
		t.Errorf("only %d lap ends with a position", checked)
	}
	for _, d := range []string{"MAG", "STR"} {
		if late := outAt[d] - seen[d]; late < RetireAfterLeaderLaps || late > RetireAfterLeaderLaps+1 {
			t.Errorf("%s seen OUT when the leader had %d laps, %d after its last record (want %d or %d)",
				d, outAt[d], late, RetireAfterLeaderLaps, RetireAfterLeaderLaps+1)
		}
	}
	want := "1.VER 2.ALO 3.OCO 4.HAM 5.RUS 6.LEC 7.GAS 8.SAI 9.NOR(+1) 10.PIA(+1) 11.BOT(+1) 12.DEV(+1) " +
		"13.ZHO(+1) 14.ALB(+1) 15.TSU(+2) 16.HUL(+2) 17.PER(+2) 18.SAR(+2) 19.MAG(OUT L72) 20.STR(OUT L55)"
	if got := order(rows); got != want {
		t.Errorf("final board\n got %s\nwant %s", got, want)
	}
	final := map[string]int{}
	for _, l := range laps {
		final[l.code] = l.final
	}
	for _, r := range rows {
		if r.Driver != "HUL" && r.Driver != "PER" && final[r.Driver] != r.Position {
			t.Errorf("%s P%d, final_position %d", r.Driver, r.Position, final[r.Driver])
		}
		if r.Position <= 18 && r.Status != StatusFinished {
			t.Errorf("%s status %s at the end, want FINISHED", r.Driver, r.Status)
		}
	}
	if race := lb.Race(); !race.Finished || race.TotalLaps != 78 {
		t.Errorf("race %+v", race)
	}
}
