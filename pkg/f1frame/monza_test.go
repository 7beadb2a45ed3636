package f1frame

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// pandasDuration reads a pandas timedelta ("0 days 01:55:58.853000").
func pandasDuration(t testing.TB, s string) time.Duration {
	t.Helper()
	var days, h, m int
	var sec float64
	d, rest, ok := strings.Cut(s, " days ")
	hms := strings.Split(rest, ":")
	if !ok || len(hms) != 3 {
		t.Fatalf("not a timedelta: %q", s)
	}
	var errs [4]error
	days, errs[0] = strconv.Atoi(d)
	h, errs[1] = strconv.Atoi(hms[0])
	m, errs[2] = strconv.Atoi(hms[1])
	sec, errs[3] = strconv.ParseFloat(hms[2], 64)
	for _, err := range errs {
		if err != nil {
			t.Fatalf("timedelta %q: %v", s, err)
		}
	}
	return time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec*1e6)*time.Microsecond
}

// monzaReplay turns the real 2024 Italian GP into Pitwall records in time
// order: a timing record per driver at the end of each lap of laps.csv (gap
// and interval from the lap-end times of the same lap number, best lap
// without deleted laps, pit stops from PitInTime, FINISHED once the
// chequered flag is out) and race_control.csv as race events (SESSION
// STARTED is lights out; stewards' notes keep their message, which carries
// the time penalties).
func monzaReplay(t testing.TB) []any {
	dir := filepath.Join(realdata.Dir(t), "monza2024_race")
	type rec struct {
		ts int64
		r  any
	}
	var recs []rec
	chequered := int64(0)
	ri, rcRows := realdata.MustReadCSV(t, filepath.Join(dir, "race_control.csv"))
	for _, r := range rcRows {
		when, err := time.Parse(time.RFC3339Nano, r[ri["date"]])
		if err != nil {
			t.Fatalf("race_control date %q: %v", r[ri["date"]], err)
		}
		lap, _ := strconv.Atoi(r[ri["lap_number"]]) // empty before the start
		rc := &f1.RaceControl{Ts: when.UnixMilli(), RaceID: "monza2024", Lap: lap, Message: r[ri["message"]]}
		switch cat := r[ri["category"]]; {
		case cat == "SessionStatus" && rc.Message == "SESSION STARTED":
			rc.Type, rc.TotalLaps = f1.EventLightsOut, 53
		case cat == "SessionStatus":
			continue
		case cat == "Flag":
			rc.Type = f1.EventFlag
		default:
			rc.Type = "MESSAGE"
		}
		if strings.Contains(rc.Message, "CHEQUERED") {
			chequered = rc.Ts
		}
		recs = append(recs, rec{rc.Ts, rc})
	}

	li, laps := realdata.MustReadCSV(t, filepath.Join(dir, "laps.csv"))
	col := func(r []string, c string) string { return r[li[c]] }
	var start time.Time
	for _, r := range laps {
		if col(r, "LapStartDate") != "" && col(r, "LapStartTime") != "" {
			d, err := time.Parse("2006-01-02 15:04:05.999999999", col(r, "LapStartDate"))
			if err != nil {
				t.Fatal(err)
			}
			start = d.Add(-pandasDuration(t, col(r, "LapStartTime")))
			break
		}
	}
	ends := map[int][]time.Duration{} // lap number → lap-end session times, sorted
	for _, r := range laps {
		n, _ := strconv.ParseFloat(col(r, "LapNumber"), 64)
		ends[int(n)] = append(ends[int(n)], pandasDuration(t, col(r, "Time")))
	}
	for _, e := range ends {
		slices.Sort(e)
	}
	best, pits := map[string]float64{}, map[string]int{}
	for _, r := range laps {
		code := col(r, "Driver")
		n, _ := strconv.ParseFloat(col(r, "LapNumber"), 64)
		pos, err := strconv.ParseFloat(col(r, "Position"), 64)
		if err != nil {
			t.Fatalf("%s lap %v: Position %q", code, n, col(r, "Position"))
		}
		end := pandasDuration(t, col(r, "Time"))
		p := &f1.Position{Ts: start.Add(end).UnixMilli(), RaceID: "monza2024", Driver: code, Position: int(pos),
			Lap: int(n), Tyre: col(r, "Compound"), Status: f1.StatusRunning}
		same := ends[int(n)]
		p.GapToLeaderS = (end - same[0]).Seconds()
		if i := slices.Index(same, end); i > 0 {
			p.IntervalS = (end - same[i-1]).Seconds()
		}
		if lt := col(r, "LapTime"); lt != "" {
			p.LastLapS = pandasDuration(t, lt).Seconds()
			if col(r, "Deleted") != "True" && (best[code] == 0 || p.LastLapS < best[code]) {
				best[code] = p.LastLapS
			}
		}
		p.BestLapS = best[code]
		if age, err := strconv.ParseFloat(col(r, "TyreLife"), 64); err == nil {
			p.TyreAgeLaps = int(age)
		}
		if col(r, "PitInTime") != "" {
			pits[code]++
			p.Status = f1.StatusPit
		} // an out lap (PitOutTime) is RUNNING: OUT means retired
		if chequered > 0 && p.Ts >= chequered {
			p.Status = f1.StatusFinished
		}
		p.PitStops = pits[code]
		recs = append(recs, rec{p.Ts, p})
	}
	slices.SortStableFunc(recs, func(a, b rec) int { return cmp.Compare(a.ts, b.ts) })
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r.r
	}
	return out
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
	if r := field(t, f, "race_lap").At(0); r != int64(53) || field(t, f, "total_laps").At(0) != int64(53) ||
		field(t, f, "flag").At(0) != f1.FlagChequered || field(t, f, "circuit").At(0) != "monza" ||
		field(t, f, "elapsed_s").At(0) != 4480.588 {
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
