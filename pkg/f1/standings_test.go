package f1

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// car is one car of a constructed race: its lap times (seconds; one entry
// per lap it completes) and whether it pits at the end of a lap.
type car struct {
	code  string
	laps  []float64
	pitIn map[int]bool
}

// constructedRace builds the records a lap-end timing feed sends: lights out
// with the grid (lap 0), one Position per car per completed lap (line order,
// gaps at the line), and the chequered flag when the leader completes
// total laps. A car with fewer laps than total stopped (or is lapped and
// took the flag). Records come in time order.
func constructedRace(total int, cars []car) []any {
	const start = int64(1_000_000)
	type end struct {
		code string
		lap  int
		ts   int64
		lapS float64
	}
	var ends []end
	for _, c := range cars {
		ts := start
		for i, s := range c.laps {
			ts += int64(s * 1000)
			ends = append(ends, end{c.code, i + 1, ts, s})
		}
	}
	slices.SortStableFunc(ends, func(a, b end) int { return int(a.ts - b.ts) })
	recs := []any{&RaceControl{Ts: start, RaceID: "r", Type: EventLightsOut, TotalLaps: total}}
	for i, c := range cars {
		recs = append(recs, &Position{Ts: start, RaceID: "r", Driver: c.code, Position: i + 1, Status: StatusRunning})
	}
	first := map[int]int64{}  // lap → leader's line time
	crossed := map[int]int{}  // lap → cars across
	prevAt := map[int]int64{} // lap → the previous car's line time
	finishTs := int64(0)
	flagged := map[string]bool{}
	for _, e := range ends {
		if flagged[e.code] {
			continue // nobody starts a lap after taking the flag
		}
		if _, ok := first[e.lap]; !ok {
			first[e.lap] = e.ts
		}
		crossed[e.lap]++
		p := &Position{Ts: e.ts, RaceID: "r", Driver: e.code, Lap: e.lap, LastLapS: e.lapS,
			GapToLeaderS: float64(e.ts-first[e.lap]) / 1000, Status: StatusRunning}
		// Position: cars that completed this lap before, plus cars already a lap or more ahead.
		p.Position = crossed[e.lap]
		if pt, ok := prevAt[e.lap]; ok {
			p.IntervalS = float64(e.ts-pt) / 1000
		}
		prevAt[e.lap] = e.ts
		for _, c := range cars {
			if c.code == e.code && c.pitIn[e.lap] {
				p.Status = StatusPit
			}
		}
		if finishTs > 0 || e.lap == total {
			p.Status, flagged[e.code] = StatusFinished, true
		}
		recs = append(recs, p)
		if e.lap == total && finishTs == 0 {
			finishTs = e.ts
			recs = append(recs, &RaceControl{Ts: e.ts, RaceID: "r", Type: EventFlag, Lap: total, Message: "CHEQUERED FLAG"})
		}
	}
	return recs
}

// laps returns n laps of s seconds.
func laps(n int, s float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// order renders a snapshot as "1.VER 2.HAM ... 20.STR(OUT L7)".
func order(rows []LeaderboardRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d.%s", r.Position, r.Driver)
		switch {
		case r.Status == StatusOut:
			fmt.Fprintf(&b, "(OUT L%d)", r.RetiredLap)
		case r.LapsDown > 0:
			fmt.Fprintf(&b, "(+%d)", r.LapsDown)
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// checkPositions fails unless the positions are 1..n (n cars with a record).
func checkPositions(t *testing.T, when string, rows []LeaderboardRow) {
	t.Helper()
	for i, r := range rows {
		if r.Position != i+1 {
			t.Fatalf("%s: row %d has position %d: %s", when, i, r.Position, order(rows))
		}
	}
}

// TestStandingsRetirements: a 20-lap race with a car stopping on lap 1
// (never completing it), one stopping on lap 9 mid-race, one on the last
// lap; a car lapped once and a car doing a slow pit lap. Every snapshot has
// positions 1..n; no running car is ever OUT; each retirement is seen within
// RetireAfterLeaderLaps leader laps (mid-race) or when a car that was behind
// takes the flag (last lap); the final order is finishers by laps and time,
// then the retired cars, the later retirement first.
func TestStandingsRetirements(t *testing.T) {
	slowPit := laps(20, 90)
	slowPit[7] = 90 + 40 // a slow stop: 40 s lost on lap 8
	cars := []car{
		{code: "VER", laps: laps(20, 90)},
		{code: "HAM", laps: laps(20, 90.4)},
		{code: "LEC", laps: laps(19, 90.6)}, // completes 19, stops on lap 20 (the last)
		{code: "NOR", laps: laps(8, 90.8)},  // completes 8, stops on lap 9
		{code: "SAI", laps: slowPit, pitIn: map[int]bool{8: true}},
		{code: "ALB", laps: laps(19, 95)}, // lapped once, takes the flag on lap 19
		{code: "STR", laps: nil},          // stops on lap 1
		{code: "ZHO", laps: laps(20, 91)},
	}
	recs := constructedRace(20, cars)
	lb := NewLeaderboard()
	outSince := map[string]int{} // driver → leader laps when first seen OUT
	var rows []LeaderboardRow
	for i, r := range recs {
		lb.Apply(r)
		rows = lb.Snapshot(rows[:0])
		checkPositions(t, fmt.Sprintf("after record %d", i), rows)
		for _, row := range rows {
			if row.Status != StatusOut {
				continue
			}
			if _, seen := outSince[row.Driver]; !seen {
				outSince[row.Driver] = lb.leadLaps
			}
			switch row.Driver {
			case "STR", "NOR", "LEC":
			default:
				t.Fatalf("%s shown OUT while running, after record %d: %s", row.Driver, i, order(rows))
			}
		}
	}
	if got := outSince["STR"]; got != 2 {
		t.Errorf("STR (stopped on lap 1) seen OUT when the leader had %d laps, want 2", got)
	}
	if got := outSince["NOR"]; got < 9 || got > 8+RetireAfterLeaderLaps+1 {
		t.Errorf("NOR (stopped on lap 9) seen OUT when the leader had %d laps, want 10 or 11", got)
	}
	if _, ok := outSince["LEC"]; !ok {
		t.Error("LEC (stopped on the last lap) never shown OUT")
	}
	want := "1.VER 2.HAM 3.ZHO 4.SAI 5.ALB(+1) 6.LEC(OUT L20) 7.NOR(OUT L9) 8.STR(OUT L1)"
	if got := order(rows); got != want {
		t.Errorf("final order\n got %s\nwant %s", got, want)
	}
	for _, r := range rows[:5] {
		if r.Status != StatusFinished {
			t.Errorf("%s status %s, want FINISHED", r.Driver, r.Status)
		}
	}
	if !lb.Race().Finished {
		t.Error("race not finished")
	}
}

// TestStandingsFourOutOnLapOne: four cars stop on lap 1 (the case:
// they used to show P2–P5 at the flag). They end P17–P20, in grid order
// (they stopped on the same lap at the same time), all OUT on lap 1.
func TestStandingsFourOutOnLapOne(t *testing.T) {
	codes := []string{"VER", "NOR", "LEC", "PIA", "SAI", "HAM", "RUS", "PER", "ALO", "STR",
		"GAS", "OCO", "ALB", "COL", "TSU", "RIC", "HUL", "MAG", "BOT", "ZHO"}
	var cars []car
	for i, c := range codes {
		l := laps(10, 90+0.3*float64(i))
		if i >= 1 && i <= 4 {
			l = nil // NOR, LEC, PIA, SAI: out on lap 1
		}
		cars = append(cars, car{code: c, laps: l})
	}
	lb := NewLeaderboard()
	for _, r := range constructedRace(10, cars) {
		lb.Apply(r)
	}
	rows := lb.Snapshot(nil)
	checkPositions(t, "final", rows)
	got := order(rows[16:])
	if want := "17.NOR(OUT L1) 18.LEC(OUT L1) 19.PIA(OUT L1) 20.SAI(OUT L1)"; got != want {
		t.Errorf("last four: %s, want %s\nwhole: %s", got, want, order(rows))
	}
	if rows[0].Driver != "VER" || rows[1].Driver != "HAM" {
		t.Errorf("head: %s", order(rows))
	}
}

// TestStandingsRetiredInPit: a car whose last record has it in the pit lane
// at the end of lap 7 stopped on lap 7 (Monza 2024, TSU); an explicit OUT
// record retires a car at once.
func TestStandingsRetiredInPit(t *testing.T) {
	lb := NewLeaderboard()
	lb.Apply(&RaceControl{Ts: 0, RaceID: "r", Type: EventLightsOut, TotalLaps: 50})
	for lap := 1; lap <= 10; lap++ {
		ts := int64(lap) * 90_000
		lb.Apply(&Position{Ts: ts, RaceID: "r", Driver: "LEC", Position: 1, Lap: lap})
		lb.Apply(&Position{Ts: ts + 1000, RaceID: "r", Driver: "PIA", Position: 2, Lap: lap, GapToLeaderS: 1})
		if lap <= 7 {
			st := StatusRunning
			if lap == 7 {
				st = StatusPit
			}
			lb.Apply(&Position{Ts: ts + 2000, RaceID: "r", Driver: "TSU", Position: 3, Lap: lap, GapToLeaderS: 2, Status: st})
		}
		if lap == 4 {
			lb.Apply(&Position{Ts: ts + 3000, RaceID: "r", Driver: "ALB", Position: 4, Lap: lap, Status: StatusOut})
		}
		if lap < 4 {
			lb.Apply(&Position{Ts: ts + 3000, RaceID: "r", Driver: "ALB", Position: 4, Lap: lap})
		}
	}
	rows := lb.Snapshot(nil)
	if got, want := order(rows), "1.LEC 2.PIA 3.TSU(OUT L7) 4.ALB(OUT L5)"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
	// A car that reports again is racing again.
	lb.Apply(&Position{Ts: 11 * 90_000, RaceID: "r", Driver: "TSU", Position: 3, Lap: 8, Status: StatusRunning})
	rows = lb.Snapshot(rows[:0])
	if got, want := order(rows), "1.LEC 2.PIA 3.TSU 4.ALB(OUT L5)"; got != want || rows[2].Status != StatusRunning {
		t.Errorf("after TSU reported again: %s, status %s", got, rows[2].Status)
	}
}

// TestStandingsOfficial: once EventClassification is out, the published
// positions are the order, even where the gaps would say otherwise (a
// penalty the feed never announced).
func TestStandingsOfficial(t *testing.T) {
	lb := NewLeaderboard()
	lb.Apply(&RaceControl{Ts: 0, RaceID: "r", Type: EventLightsOut, TotalLaps: 3})
	for lap := 1; lap <= 3; lap++ {
		ts := int64(lap) * 90_000
		lb.Apply(&Position{Ts: ts, RaceID: "r", Driver: "HUL", Position: 1, Lap: lap})
		lb.Apply(&Position{Ts: ts + 500, RaceID: "r", Driver: "PER", Position: 2, Lap: lap, GapToLeaderS: 0.5})
	}
	if got := order(lb.Snapshot(nil)); got != "1.HUL 2.PER" {
		t.Fatalf("on the road: %s", got)
	}
	end := int64(4 * 90_000)
	lb.Apply(&Position{Ts: end, RaceID: "r", Driver: "PER", Position: 1, Lap: 3, Status: StatusFinished})
	lb.Apply(&Position{Ts: end, RaceID: "r", Driver: "HUL", Position: 2, Lap: 3, GapToLeaderS: 4.5, Status: StatusFinished})
	lb.Apply(&RaceControl{Ts: end + 1, RaceID: "r", Type: EventClassification, Message: "Official classification"})
	rows := lb.Snapshot(nil)
	if got := order(rows); got != "1.PER 2.HUL" || !lb.Race().Official {
		t.Fatalf("official: %s (official %v)", got, lb.Race().Official)
	}
}

// TestStandingsHostileLap: a lap number beyond MaxLap is refused and does
// not retire the field.
func TestStandingsHostileLap(t *testing.T) {
	lb := NewLeaderboard()
	lb.Apply(&Position{Ts: 1, RaceID: "r", Driver: "VER", Position: 1, Lap: 3})
	lb.Apply(&Position{Ts: 2, RaceID: "r", Driver: "HAM", Position: 2, Lap: 3})
	if lb.Apply(&Position{Ts: 3, RaceID: "r", Driver: "ZZZ", Position: 1, Lap: 1 << 30}) {
		t.Fatal("a lap of 2^30 was applied")
	}
	if lb.Apply(&Position{Ts: 3, RaceID: "r", Driver: "ZZZ", Position: 1, Lap: -1}) {
		t.Fatal("a negative lap was applied")
	}
	if got := order(lb.Snapshot(nil)); got != "1.VER 2.HAM" {
		t.Fatalf("board %s", got)
	}
}
