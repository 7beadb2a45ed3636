package f1frame

import (
	"math"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// leaderboard is the Leaderboard query type: f1.Leaderboard folded from f1-positions,
// f1-race-control and f1-telemetry (average speed, DRS, team), sent as a
// whole snapshot.
//
// Frame "leaderboard", a row per driver sorted by position (drivers without
// one last), fields named as src/panels/leaderboard/frame.ts reads them:
// position, driver, name, team, team_colour (#rrggbb), gap_to_leader_s,
// interval_s, laps_down, lap, last_lap_s, best_lap_s, fastest_lap,
// personal_best, tyre, tyre_age_laps, pit_stops, status, retired_lap,
// drs_open,
// avg_speed_kph, positions_gained, start_position, penalty_s; then the race
// on every row (the panel reads row 0; Live data-only pushes carry no meta):
// race_id, circuit, race_lap, total_laps, elapsed_s, flag. meta.custom holds
// snapshot: true and the same race object. ViewRace: a one-row frame "race".
//
// The driver filter selects rows; every driver is still folded (gaps and
// the fastest lap need them). Flush sends the snapshot only when it changed
// (or the elapsed race time passed a whole second), and never a board with
// no car (it would replace the panel's snapshot with nothing).
type leaderboard struct {
	noInput
	e        *env
	lb       *f1.Leaderboard
	drs      map[string]bool
	drsRace  string
	changed  bool
	elapsedS int64 // whole seconds of the last push
	rows     []f1.LeaderboardRow
	circuits map[string]string // race id → circuit key
	names    map[string]string // driver code → name
	colours  map[string]string // hex → #hex
}

func newLeaderboard(e *env) impl {
	l := &leaderboard{e: e, lb: f1.NewLeaderboard(), drs: map[string]bool{}, changed: true,
		circuits: map[string]string{}, names: map[string]string{}, colours: map[string]string{}}
	for code, pos := range e.opts.Grid {
		l.lb.SetStartPosition(strings.ToUpper(code), pos)
	}
	return l
}

func (l *leaderboard) position(p *f1.Position) {
	if p.Driver == "" {
		l.e.stats.Invalid++
		return
	}
	if l.lb.ApplyPosition(p) {
		l.changed = true
	}
}

func (l *leaderboard) raceControl(rc *f1.RaceControl) {
	if l.lb.ApplyRaceControl(rc) {
		l.changed = true
	}
}

func (l *leaderboard) telemetry(t *f1.Telemetry) {
	if t.Driver == "" {
		l.e.stats.Invalid++
		return
	}
	if l.lb.ApplyTelemetry(t) {
		l.changed = true
	}
	race := l.lb.Race().RaceID
	if t.RaceID != race && t.RaceID != "" {
		return // an older race, refused by the board
	}
	if race != l.drsRace {
		clear(l.drs)
		l.drsRace = race
	}
	open := f1.DRSOpen(t.DRS)
	if was, ok := l.drs[t.Driver]; !ok || was != open {
		if !ok {
			l.drs[strings.Clone(t.Driver)] = open
		} else {
			l.drs[t.Driver] = open
		}
		if ok || open {
			l.changed = true
		}
	}
}

func (l *leaderboard) frames() data.Frames {
	l.changed = false
	l.elapsedS = int64(l.lb.Race().ElapsedS())
	if l.e.opts.View == ViewRace {
		return data.Frames{l.raceFrame()}
	}
	return data.Frames{l.board()}
}

func (l *leaderboard) flush() *data.Frame {
	el := int64(l.lb.Race().ElapsedS())
	if !l.changed && el == l.elapsedS {
		return nil
	}
	f := l.frames()[0]
	if f.Rows() == 0 && l.e.opts.View != ViewRace {
		// A board with no car yet is not pushed: each push replaces the
		// panel's snapshot, and a stream's first flush can come before it
		// has read its lookback (with flushMs, at the first tick), which
		// emptied a panel that QueryData had filled.
		return nil
	}
	return f
}

// circuit is the circuit key of the race: Options.Circuit, or the letters
// the race id starts with when they name a known circuit ("monza-42",
// "monza2024").
func (l *leaderboard) circuit(raceID string) string {
	if l.e.opts.Circuit != "" {
		return l.e.opts.Circuit
	}
	if c, ok := l.circuits[raceID]; ok {
		return c
	}
	prefix := raceID
	if i := strings.IndexFunc(raceID, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }); i >= 0 {
		prefix = raceID[:i]
	}
	key := ""
	if prefix != "" {
		if c, err := f1.CircuitByName(prefix); err == nil {
			key = c.Key
		}
	}
	l.circuits[raceID] = key
	return key
}

// raceInfo is the race header as a JSON-able object.
func (l *leaderboard) raceInfo(r f1.RaceState) map[string]any {
	return map[string]any{
		"race_id": r.RaceID, "circuit": l.circuit(r.RaceID), "lap": r.Lap, "total_laps": r.TotalLaps,
		"elapsed_s": round3(r.ElapsedS()), "flag": r.Flag, "finished": r.Finished, "aborted": r.Aborted,
		"fastest_driver": r.FastestDriver, "fastest_lap_s": r.FastestLapS,
	}
}

func (l *leaderboard) raceFrame() *data.Frame {
	r := l.lb.Race()
	return data.NewFrame("race",
		data.NewField("race_id", nil, []string{r.RaceID}),
		data.NewField("circuit", nil, []string{l.circuit(r.RaceID)}),
		data.NewField("lap", nil, []int64{int64(r.Lap)}),
		data.NewField("total_laps", nil, []int64{int64(r.TotalLaps)}),
		data.NewField("elapsed_s", nil, []float64{round3(r.ElapsedS())}).SetConfig(&data.FieldConfig{Unit: "s"}),
		data.NewField("flag", nil, []string{r.Flag}),
		data.NewField("finished", nil, []bool{r.Finished}),
		data.NewField("aborted", nil, []bool{r.Aborted}),
		data.NewField("fastest_driver", nil, []string{r.FastestDriver}),
		data.NewField("fastest_lap_s", nil, []*float64{positive(r.FastestLapS)}),
	).SetMeta(snapshotMeta(nil))
}

// board builds the leaderboard frame.
func (l *leaderboard) board() *data.Frame {
	l.rows = l.lb.Snapshot(l.rows[:0])
	race := l.lb.Race()
	rows := l.rows[:0] // filtered in place
	for _, r := range l.rows {
		if l.e.filter.has(r.Driver) {
			rows = append(rows, r)
		}
	}
	n := len(rows)
	c := newColumns(n)
	// Values behind the nullable fields, in two blocks rather than one
	// allocation each; the capacity is exact so the pointers stay valid.
	fl, in := make([]float64, 0, 5*n), make([]int64, 0, 3*n)
	pf := func(v float64) *float64 { fl = append(fl, v); return &fl[len(fl)-1] }
	pi := func(v int) *int64 { in = append(in, int64(v)); return &in[len(in)-1] }
	circuit, elapsed := l.circuit(race.RaceID), round3(race.ElapsedS())
	for i, r := range rows {
		var gap, interval, last, best, avg *float64
		if r.Position > 0 && r.Status != f1.StatusOut {
			gap = pf(round3(r.GapToLeaderS))
			if r.Position > 1 {
				interval = pf(round3(r.IntervalS))
			}
		}
		if r.LastLapS > 0 {
			last = pf(round3(r.LastLapS))
		}
		if r.BestLapS > 0 {
			best = pf(round3(r.BestLapS))
		}
		if r.AvgSpeedKph > 0 {
			avg = pf(math.Round(r.AvgSpeedKph*10) / 10)
		}
		var pos, start, retired *int64
		if r.Position > 0 {
			pos = pi(r.Position)
		}
		if r.StartPosition > 0 {
			start = pi(r.StartPosition)
		}
		if r.RetiredLap > 0 {
			retired = pi(r.RetiredLap)
		}
		c.position[i], c.driver[i], c.name[i], c.team[i], c.colour[i] = pos, r.Driver, l.name(r.Driver), r.Team, l.colour(r.TeamColour)
		c.gap[i], c.interval[i], c.lapsDown[i], c.lap[i] = gap, interval, int64(r.LapsDown), int64(r.Lap)
		c.last[i], c.best[i], c.fastest[i] = last, best, r.FastestLap
		c.pb[i] = r.LastLapS > 0 && r.LastLapS == r.BestLapS
		c.tyre[i], c.tyreAge[i], c.pits[i], c.status[i], c.retired[i] = r.Tyre, int64(r.TyreAgeLaps), int64(r.PitStops), r.Status, retired
		c.drs[i], c.avg[i], c.gained[i], c.start[i], c.penalty[i] = l.drs[r.Driver], avg, int64(r.PositionsGained), start, r.PenaltyS
		c.raceID[i], c.circuit[i], c.raceLap[i], c.total[i], c.elapsed[i], c.flag[i] = race.RaceID, circuit, int64(race.Lap), int64(race.TotalLaps), elapsed, race.Flag
	}
	return c.frame().SetMeta(snapshotMeta(map[string]any{"race": l.raceInfo(race)}))
}

func positive(v float64) *float64 {
	if v <= 0 {
		return nil
	}
	r := round3(v)
	return &r
}

// name is a driver's full name (2024 grid and reserves), cached.
func (l *leaderboard) name(code string) string {
	if n, ok := l.names[code]; ok {
		return n
	}
	n := ""
	if d, ok := f1.DriverByCode(code); ok {
		n = d.Name
	}
	l.names[code] = n
	return n
}

// colour is a team colour as #rrggbb, cached.
func (l *leaderboard) colour(hex string) string {
	if hex == "" {
		return ""
	}
	if c, ok := l.colours[hex]; ok {
		return c
	}
	c := "#" + strings.TrimPrefix(hex, "#")
	l.colours[hex] = c
	return c
}

func round3(v float64) float64 { return math.Round(v*1000)/1000 + 0 }
