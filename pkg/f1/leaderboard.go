package f1

import (
	"math"
	"strings"
)

// LeaderboardRow is the latest state of one driver.
type LeaderboardRow struct {
	// Position is the timing position; once the race is finished it is
	// the classified position: laps completed, then gap plus unserved
	// time penalties.
	Position        int
	Driver          string
	Team            string
	TeamColour      string // hex without '#'
	GapToLeaderS    float64
	IntervalS       float64
	Lap             int
	LastLapS        float64
	BestLapS        float64
	FastestLap      bool // holds the overall fastest lap
	Tyre            string
	TyreAgeLaps     int
	PitStops        int
	Status          string
	AvgSpeedKph     float64 // running mean of telemetry speed in this race
	StartPosition   int     // grid: SetStartPosition, else the first position seen
	PositionsGained int     // StartPosition − Position (negative: lost)
	PenaltyS        float64 // time penalties not yet served
	LapsDown        int     // laps behind the leader (see the standing rules)
	RetiredLap      int     // the lap it stopped on when Status is OUT, else 0
	Ts              int64   // latest timing record applied to this row
}

// RaceState is the race-wide part of the leaderboard.
type RaceState struct {
	RaceID        string
	Lap           int // leader's lap
	TotalLaps     int
	Flag          string // FlagGreen, FlagYellow, ...; "" before any
	StartTs       int64  // lights out, else the first record
	LastTs        int64  // latest record
	EndTs         int64  // finish (chequered flag), 0 while running
	Finished      bool
	Aborted       bool
	FastestDriver string
	FastestLapS   float64
	Official      bool // the official classification was published
}

// ElapsedS is the race time: from the start to the finish, or to the
// latest record while running.
func (r RaceState) ElapsedS() float64 {
	end := r.LastTs
	if r.EndTs > 0 && r.EndTs < end {
		end = r.EndTs
	}
	if r.StartTs == 0 || end < r.StartTs {
		return 0
	}
	return float64(end-r.StartTs) / 1000
}

type boardRow struct {
	LeaderboardRow
	avg       speedMean
	avgTenths int64
	penalties []Penalty
	pitsAt    []int // PitStops when each penalty was announced
	startSet  bool
	seenLead  int     // the leader's laps when the latest timing record came
	prevTs    int64   // the timing record before the latest
	pitLap    int     // Lap of the latest record in the pit lane
	seen      bool    // had a timing or telemetry record (not just a penalty or a grid place)
	lapTs     []int64 // when each lap was completed (index: lap), up to MaxLap
}

// unservedS sums the penalties neither marked served nor followed by a pit
// stop (a time penalty is served at the car's next stop).
func (r *boardRow) unservedS() float64 {
	var s float64
	for i, p := range r.penalties {
		if !p.Served && r.PitStops <= r.pitsAt[i] {
			s += p.Seconds
		}
	}
	return s
}

// Leaderboard folds f1-positions, f1-race-control and (for the average
// speed) f1-telemetry records into the latest state per driver. Records of
// a new race id with a later timestamp start a new board; records of an
// older race are ignored. Not safe for concurrent use.
type Leaderboard struct {
	race      RaceState
	rows      map[string]*boardRow
	last      *boardRow
	lightsOut bool // StartTs is the lights-out time
	leadLaps  int  // most laps completed by any car
	// Snapshot's scratch space.
	src    []*boardRow
	keys   []standing
	sorted []LeaderboardRow
}

// NewLeaderboard starts an empty board.
func NewLeaderboard() *Leaderboard { return &Leaderboard{rows: make(map[string]*boardRow, 24)} }

// Apply folds one record — *Position, *RaceControl or *Telemetry (or the
// same by value) — and reports whether the snapshot changed. Other types
// are ignored (false).
func (l *Leaderboard) Apply(rec any) bool {
	switch r := rec.(type) {
	case *Position:
		return l.ApplyPosition(r)
	case Position:
		return l.ApplyPosition(&r)
	case *RaceControl:
		return l.ApplyRaceControl(r)
	case RaceControl:
		return l.ApplyRaceControl(&r)
	case *Telemetry:
		return l.ApplyTelemetry(r)
	case Telemetry:
		return l.ApplyTelemetry(&r)
	}
	return false
}

// adopt checks a record's race id and time: it adopts the first race, starts
// over for a newer one, and refuses records of an older one.
func (l *Leaderboard) adopt(raceID string, ts int64) bool {
	switch {
	case l.race.RaceID == raceID:
	case l.race.RaceID == "":
		// The first race: keep what SetStartPosition / SetTeam set.
		l.race.RaceID = strings.Clone(raceID)
	case raceID == "":
		// A record without a race id belongs to the current race.
	case ts >= l.race.LastTs:
		*l = Leaderboard{rows: make(map[string]*boardRow, 24)}
		l.race.RaceID = strings.Clone(raceID)
	default:
		return false
	}
	if !l.lightsOut && (l.race.StartTs == 0 || ts < l.race.StartTs) {
		l.race.StartTs = ts
	}
	if ts > l.race.LastTs {
		l.race.LastTs = ts
	}
	return true
}

func (l *Leaderboard) row(driver string) *boardRow {
	if r := l.last; r != nil && r.Driver == driver {
		return r
	}
	r := l.rows[driver]
	if r == nil {
		code := strings.Clone(driver)
		r = &boardRow{LeaderboardRow: LeaderboardRow{Driver: code}}
		if d, ok := DriverByCode(code); ok {
			tm := TeamOf(d)
			r.Team, r.TeamColour = tm.Name, tm.Colour
		}
		l.rows[code] = r
	}
	l.last = r
	return r
}

// ApplyPosition folds one timing record. A record with a lap outside
// 0..MaxLap is refused (false).
func (l *Leaderboard) ApplyPosition(p *Position) bool {
	if p.Driver == "" || p.Lap < 0 || p.Lap > MaxLap || !l.adopt(p.RaceID, p.Ts) {
		return false
	}
	r := l.row(p.Driver)
	if p.Ts < r.Ts {
		return false // older than what the row shows
	}
	if p.Ts > r.Ts {
		r.prevTs = r.Ts
	}
	l.leadLaps = max(l.leadLaps, p.Lap)
	r.seenLead = l.leadLaps
	r.noteLap(p.Lap, p.Ts)
	if p.Status == StatusPit {
		r.pitLap = p.Lap
	}
	if !l.race.Finished && l.race.TotalLaps > 0 && p.Lap >= l.race.TotalLaps {
		// No chequered flag in the feed: the leader completing the race
		// distance is the finish.
		l.race.Finished, l.race.EndTs = true, p.Ts
	}
	old := r.LeaderboardRow
	r.seen = true
	r.Position, r.GapToLeaderS, r.IntervalS, r.Lap = p.Position, p.GapToLeaderS, p.IntervalS, p.Lap
	r.LastLapS, r.BestLapS, r.PitStops = p.LastLapS, p.BestLapS, p.PitStops
	r.Tyre, r.TyreAgeLaps, r.Status = p.Tyre, p.TyreAgeLaps, p.Status
	if !r.startSet && p.Position > 0 {
		r.StartPosition, r.startSet = p.Position, true
	}
	if p.Lap > l.race.Lap {
		l.race.Lap = p.Lap
	}
	changed := l.updateFastest(r)
	old.Ts, r.Ts = p.Ts, p.Ts
	return changed || old != r.LeaderboardRow
}

// updateFastest makes r the fastest-lap holder if its best lap is the
// quickest so far.
func (l *Leaderboard) updateFastest(r *boardRow) bool {
	if r.BestLapS > 0 && (l.race.FastestLapS == 0 || r.BestLapS < l.race.FastestLapS) {
		changed := l.race.FastestDriver != r.Driver
		l.race.FastestDriver, l.race.FastestLapS = r.Driver, r.BestLapS
		return changed
	}
	return false
}

// ApplyRaceControl folds one race event: flags, laps, start and finish,
// fastest lap, time penalties.
func (l *Leaderboard) ApplyRaceControl(rc *RaceControl) bool {
	if !l.adopt(rc.RaceID, rc.Ts) {
		return false
	}
	before := l.race
	if rc.TotalLaps > 0 {
		l.race.TotalLaps = rc.TotalLaps
	}
	if rc.Lap > l.race.Lap {
		l.race.Lap = rc.Lap
	}
	if flag, ok := FlagOf(rc); ok {
		l.race.Flag = flag
		if flag == FlagChequered && l.race.EndTs == 0 {
			l.race.Finished, l.race.EndTs = true, rc.Ts
		}
	}
	switch rc.Type {
	case EventLightsOut:
		l.race.StartTs, l.lightsOut = rc.Ts, true
	case EventAborted:
		l.race.Aborted = true
		if l.race.EndTs == 0 {
			l.race.EndTs = rc.Ts
		}
	case EventClassification:
		l.race.Official = true
	case EventFastestLap:
		if r := l.rows[rc.Driver]; r != nil && rc.Driver != "" {
			l.race.FastestDriver = r.Driver
			if r.BestLapS > 0 {
				l.race.FastestLapS = r.BestLapS
			}
		}
	}
	changed := false
	if p, ok := PenaltyOf(rc); ok {
		changed = l.addPenalty(p)
	}
	before.LastTs = l.race.LastTs
	return changed || before != l.race
}

// addPenalty records a penalty, or marks a matching one served.
func (l *Leaderboard) addPenalty(p Penalty) bool {
	r := l.row(p.Driver)
	if p.Served {
		for i := range r.penalties {
			if !r.penalties[i].Served && r.penalties[i].Seconds == p.Seconds {
				r.penalties[i].Served = true
				return true
			}
		}
		return false
	}
	r.penalties = append(r.penalties, p)
	r.pitsAt = append(r.pitsAt, r.PitStops)
	return true
}

// ApplyTelemetry folds a sample into the driver's average speed (and team,
// when the board has none). It reports a change when the average, to
// 0.1 km/h, moved.
func (l *Leaderboard) ApplyTelemetry(t *Telemetry) bool {
	if t.Driver == "" || !l.adopt(t.RaceID, t.Ts) {
		return false
	}
	r := l.row(t.Driver)
	changed := !r.seen
	r.seen = true
	if r.Team == "" && t.Team != "" {
		r.Team = strings.Clone(t.Team)
		if tm, ok := TeamByName(t.Team); ok {
			r.TeamColour = tm.Colour
		}
		changed = true
	}
	r.AvgSpeedKph = r.avg.add(t.SpeedKph)
	tenths := int64(math.Round(r.AvgSpeedKph * 10))
	if tenths != r.avgTenths {
		r.avgTenths, changed = tenths, true
	}
	return changed
}

// SetStartPosition sets a driver's grid position (for positions gained).
func (l *Leaderboard) SetStartPosition(driver string, pos int) {
	r := l.row(driver)
	r.StartPosition, r.startSet = pos, true
}

// SetTeam sets a driver's team and colour (hex, with or without '#').
func (l *Leaderboard) SetTeam(driver, team, colour string) {
	r := l.row(driver)
	r.Team, r.TeamColour = team, strings.TrimPrefix(colour, "#")
}

// Race returns the race-wide state.
func (l *Leaderboard) Race() RaceState { return l.race }

// Len is the number of drivers on the board.
func (l *Leaderboard) Len() int { return len(l.rows) }

// Snapshot appends the rows to dst in the order of the standing rules
// (standings.go): cars racing or finished by laps and position (by laps and
// gap plus unserved penalties once finished), then retired cars, then cars
// with no timing record (position 0). Positions are renumbered 1..n.
func (l *Leaderboard) Snapshot(dst []LeaderboardRow) []LeaderboardRow {
	n := len(dst)
	l.src = l.src[:0]
	for _, r := range l.rows {
		if !r.seen {
			continue // only a grid place or a penalty: not in this race's feed
		}
		row := r.LeaderboardRow
		row.FastestLap = row.Driver == l.race.FastestDriver && row.BestLapS > 0
		row.PenaltyS = r.unservedS()
		dst = append(dst, row)
		l.src = append(l.src, r)
	}
	rows := dst[n:]
	l.stand(rows, l.src)
	for i := range rows {
		if rows[i].StartPosition > 0 && rows[i].Position > 0 {
			rows[i].PositionsGained = rows[i].StartPosition - rows[i].Position
		}
	}
	return dst
}
