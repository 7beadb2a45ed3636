package sim

import (
	"cmp"
	"slices"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// TestSimulatedRaceStandings feeds a whole simulated race (full grid, pit
// stops, safety cars) through f1.Leaderboard: no car is ever shown OUT (the
// simulator retires nobody; an out lap after a stop is RUNNING), positions
// are always 1..n, and at the end every car is FINISHED in the order it took
// the flag (laps, then gap at the line). The simulator's own last records
// can give two finishers one position (a car clamped onto the line sorts
// behind one that crossed later in the same tick); the board does not.
func TestSimulatedRaceStandings(t *testing.T) {
	evs := runAll(t, Config{Circuit: circuit(t, "monza"), Laps: 15, Seed: 4})
	lb := f1.NewLeaderboard()
	last := map[string]f1.Position{}
	var rows []f1.LeaderboardRow
	for _, e := range evs {
		switch e.Type {
		case PositionEvent:
			lb.ApplyPosition(&e.Pos)
			last[e.Pos.Driver] = e.Pos
		case RaceControlEvent:
			lb.ApplyRaceControl(&e.RC)
		default:
			continue
		}
		rows = lb.Snapshot(rows[:0])
		for i, r := range rows {
			if r.Status == f1.StatusOut || r.Position != i+1 {
				t.Fatalf("at %d: row %d is %s P%d %s (retired lap %d)", e.Ts, i, r.Driver, r.Position, r.Status, r.RetiredLap)
			}
		}
	}
	if len(rows) != len(f1.Grid()) {
		t.Fatalf("%d rows, want the grid's %d", len(rows), len(f1.Grid()))
	}
	finish := make([]f1.Position, 0, len(last))
	for _, p := range last {
		finish = append(finish, p)
	}
	slices.SortFunc(finish, func(a, b f1.Position) int {
		return cmp.Or(cmp.Compare(b.Lap, a.Lap), cmp.Compare(a.GapToLeaderS, b.GapToLeaderS))
	})
	for i, r := range rows {
		if r.Status != f1.StatusFinished || r.Driver != finish[i].Driver {
			t.Errorf("P%d: board %s %s, took the flag %s (gap %.3f)", i+1, r.Driver, r.Status, finish[i].Driver, finish[i].GapToLeaderS)
		}
	}
}
