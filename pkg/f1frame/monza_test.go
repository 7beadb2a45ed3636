package f1frame

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/realdata/realrace"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// monzaReplay is the real 2024 Italian GP's laps and race control as
// `producer replay` publishes them (internal/replay, through realrace).
func monzaReplay(t testing.TB) []any {
	return realrace.Records(t, "monza2024_race", "monza2024", "laps.csv", "race_control.csv")
}

type monzaResult struct {
	code, colour string
	pos, grid    int
}

func monzaResults(t testing.TB) []monzaResult {
	ri, rows := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", "results.csv"))
	var out []monzaResult
	for _, r := range rows {
		pos, _ := strconv.ParseFloat(r[ri["Position"]], 64)
		grid, _ := strconv.ParseFloat(r[ri["GridPosition"]], 64)
		out = append(out, monzaResult{r[ri["Abbreviation"]], "#" + strings.ToUpper(r[ri["TeamColor"]]), int(pos), int(grid)})
	}
	slices.SortFunc(out, func(a, b monzaResult) int { return a.pos - b.pos })
	return out
}

// checkMonzaBoard compares a leaderboard frame with results.csv.
func checkMonzaBoard(t *testing.T, f *data.Frame, want []monzaResult) {
	t.Helper()
	if f.Rows() != len(want) {
		t.Fatalf("board has %d rows, want %d", f.Rows(), len(want))
	}
	var got []string
	for i := 0; i < f.Rows(); i++ {
		p, _ := field(t, f, "position").ConcreteAt(i)
		got = append(got, field(t, f, "driver").At(i).(string)+"P"+strconv.FormatInt(p.(int64), 10))
	}
	for i, w := range want {
		if got[i] != w.code+"P"+strconv.Itoa(w.pos) {
			t.Fatalf("final order %v; row %d want %sP%d", got, i, w.code, w.pos)
		}
		if c := field(t, f, "team_colour").At(i); c != w.colour {
			t.Errorf("%s colour %v, want %s", w.code, c, w.colour)
		}
		if g := field(t, f, "positions_gained").At(i); g != int64(w.grid-w.pos) {
			t.Errorf("%s gained %v, want %d (grid %d)", w.code, g, w.grid-w.pos, w.grid)
		}
		fastest := field(t, f, "fastest_lap").At(i).(bool)
		if fastest != (w.code == "NOR") {
			t.Errorf("%s fastest_lap %v (the race's fastest lap was NOR's 1:21.432)", w.code, fastest)
		}
	}
	// Lights out is lap 1's start in laps.csv (13:03:34.413 UTC, 1 ms after
	// race control's SESSION STARTED), the chequered flag 14:18:15 UTC.
	if r := field(t, f, "race_lap").At(0); r != int64(53) || field(t, f, "total_laps").At(0) != int64(53) ||
		field(t, f, "flag").At(0) != f1.FlagChequered || field(t, f, "circuit").At(0) != "monza" ||
		field(t, f, "elapsed_s").At(0) != 4480.587 {
		t.Errorf("race columns: lap %v/%v flag %v circuit %v elapsed %v", r, field(t, f, "total_laps").At(0),
			field(t, f, "flag").At(0), field(t, f, "circuit").At(0), field(t, f, "elapsed_s").At(0))
	}
}

// The real Monza laps replayed through the leaderboard builder give
// results.csv's classification (penalties included), for a time range and
// as the last push of a Live stream.
func TestLeaderboardMonzaReplay(t *testing.T) {
	want := monzaResults(t)
	grid := map[string]int{}
	for _, w := range want {
		grid[w.code] = w.grid
	}
	recs := monzaReplay(t)

	b := mustNew(t, Leaderboard, Options{Grid: grid})
	feed(b, nil, recs)
	checkMonzaBoard(t, b.Frames()[0], want)

	live := mustNew(t, Leaderboard, Options{Grid: grid, Live: true})
	var last *data.Frame
	pushes := 0
	for i, r := range recs {
		if err := live.Add(r); err != nil {
			t.Fatal(err)
		}
		if i%20 == 19 || i == len(recs)-1 {
			if f, ok := live.Flush(); ok {
				last, pushes = f, pushes+1
			}
		}
	}
	t.Logf("%d records, %d Live pushes", len(recs), pushes)
	if last == nil {
		t.Fatal("nothing pushed")
	}
	checkMonzaBoard(t, last, want)
}
