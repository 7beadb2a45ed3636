package f1

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// The standing rules order the leaderboard. They are the one definition
// the leaderboard query, the live stream and the race header share (all
// read Leaderboard.Snapshot):
//
//   - A car is OUT (retired) when its latest timing record says OUT, or
//     when it stopped reporting while the race went on: the leader has
//     completed RetireAfterLeaderLaps laps since the car's latest timing
//     record, and the car has been silent for more than 1.5 times the gap
//     between its last two timing records (so a car being lapped, or a slow
//     pit lap, is not taken for a retirement). After the chequered flag a
//     car that has not taken it is OUT once a car that crossed the line
//     behind it on its last completed lap has taken the flag and the car is
//     overdue by 5 % of that car's lap.
//   - Its stop lap (RetiredLap) is the lap it was on: laps completed + 1, or
//     laps completed when its last record had it in the pit lane.
//   - A car takes the chequered flag (status FINISHED) with its first timing
//     record at or after the finish, or a record saying FINISHED.
//   - Order: first the cars still racing or finished — more laps first,
//     then among equal laps the timing position while the race runs, and
//     the gap plus unserved time penalties once it is finished — then the
//     retired cars, the later retirement first (stop lap, then the time of
//     the last record). Positions are renumbered 1..n, so no two cars ever
//     share one. Cars that never had a timing record keep position 0, last.
//   - Once the official classification is out (EventClassification), the
//     order is the positions of the latest records, as published.
//   - LapsDown: for a car that took the flag, the winner's laps minus its
//     own; otherwise whole leader laps in its gap to the leader.

// RetireAfterLeaderLaps is how many laps the leader completes, while a car
// sends no timing record, before the car counts as retired.
const RetireAfterLeaderLaps = 2

// MaxLap bounds the lap numbers the board accepts: no race is longer, and a
// hostile lap number must not stretch the per-lap state or retire the field.
const MaxLap = 200

// standing is one row's sort key, computed by Snapshot.
type standing struct {
	row     *LeaderboardRow
	class   int   // 0 racing or finished, 1 retired, 2 no timing record
	laps    int   // laps completed
	pos     int   // reported position (MaxInt when unknown)
	lineTs  int64 // when it completed its latest lap
	lastTs  int64 // its latest timing record
	keyGapS float64
}

// retired reports whether row r counts as OUT under the standing rules, at
// the board's latest time.
func (l *Leaderboard) retired(r *boardRow) bool {
	if r.Ts == 0 || r.Status == StatusFinished {
		return false
	}
	if r.Status == StatusOut {
		return true
	}
	if l.flagged(r) {
		return false
	}
	if l.leadLaps-r.seenLead >= RetireAfterLeaderLaps {
		silent := l.race.LastTs - r.Ts
		if r.prevTs == 0 || float64(silent) > 1.5*float64(r.Ts-r.prevTs) {
			return true
		}
	}
	if l.race.Finished && !l.race.Aborted {
		return l.passedByFinisher(r)
	}
	return false
}

// flagged reports whether r took the chequered flag.
func (l *Leaderboard) flagged(r *boardRow) bool {
	if r.Status == StatusFinished {
		return true
	}
	return l.race.Finished && !l.race.Aborted && r.Ts > 0 && r.Ts >= l.race.EndTs && r.Status != StatusOut
}

// passedByFinisher: after the flag, a car that crossed the line behind r on
// r's last completed lap has since taken the flag, and r is overdue: more
// time went by since r's crossing than that car took for its next lap, plus
// 5 % (so a car passed on the last lap, which crosses a moment later, is not
// taken for retired).
func (l *Leaderboard) passedByFinisher(r *boardRow) bool {
	k := r.Lap
	mine := r.lapAt(k)
	if mine == 0 {
		return false
	}
	for _, o := range l.rows {
		if o == r || o.Lap <= k || !l.flagged(o) {
			continue
		}
		behind, next := o.lapAt(k), o.lapAt(k+1)
		if behind > mine && next > behind && float64(l.race.LastTs-mine) > overdue*float64(next-behind) {
			return true
		}
	}
	return false
}

// overdue is the share of a lap by which a car that stopped on the last lap
// is later than a car that was behind it.
const overdue = 1.05

// stopLap is the lap a retired car was on.
func (r *boardRow) stopLap() int {
	if r.pitLap == r.Lap && r.Lap > 0 {
		return r.Lap
	}
	return r.Lap + 1
}

// lapAt is when r completed lap k (0 if unknown).
func (r *boardRow) lapAt(k int) int64 {
	if k < 0 || k >= len(r.lapTs) {
		return 0
	}
	return r.lapTs[k]
}

// noteLap records when r completed lap k (the first record that said so).
func (r *boardRow) noteLap(k int, ts int64) {
	if k < 0 || k > MaxLap {
		return
	}
	for len(r.lapTs) <= k {
		r.lapTs = append(r.lapTs, 0)
	}
	if r.lapTs[k] == 0 {
		r.lapTs[k] = ts
	}
}

// stand applies the standing rules to the rows just copied into rows
// (rows[i] is board row src[i]): status, stop lap, laps down, order,
// positions.
func (l *Leaderboard) stand(rows []LeaderboardRow, src []*boardRow) {
	keys := l.keys[:0]
	winnerLaps := 0
	for i, r := range src {
		row := &rows[i]
		k := standing{row: row, laps: r.Lap, pos: r.Position, lineTs: r.lapAt(r.Lap), lastTs: r.Ts}
		if k.pos <= 0 {
			k.pos = math.MaxInt
		}
		switch {
		case r.Ts == 0:
			k.class = 2
		case l.race.Official:
			if r.Status == StatusOut {
				row.RetiredLap = r.stopLap()
			}
		case l.retired(r):
			k.class = 1
			row.Status, row.RetiredLap = StatusOut, r.stopLap()
		case l.flagged(r):
			row.Status = StatusFinished
		}
		if row.Status == StatusFinished {
			winnerLaps = max(winnerLaps, r.Lap)
		}
		k.keyGapS = row.GapToLeaderS + row.PenaltyS
		keys = append(keys, k)
	}
	l.keys = keys
	switch {
	case l.race.Official:
		slices.SortFunc(keys, byReported)
	case l.race.Finished:
		slices.SortFunc(keys, byClassification)
	default:
		slices.SortFunc(keys, byRace)
	}
	// Write the rows back in order, through a scratch copy.
	l.sorted = l.sorted[:0]
	for _, k := range keys {
		l.sorted = append(l.sorted, *k.row)
	}
	copy(rows, l.sorted)
	leaderLast := 0.0
	for i := range rows {
		row := &rows[i]
		if keys[i].class == 2 {
			row.Position = 0
			continue
		}
		row.Position = i + 1
		if i == 0 {
			leaderLast = row.LastLapS
		}
		row.LapsDown = 0
		switch {
		case row.Status == StatusOut:
		case row.Status == StatusFinished && winnerLaps > 0:
			row.LapsDown = max(0, winnerLaps-row.Lap)
		case i > 0 && leaderLast > 0 && row.GapToLeaderS >= leaderLast:
			row.LapsDown = int(row.GapToLeaderS / leaderLast)
		}
	}
}

// byRace: while running, more laps first, then the reported position, then
// who crossed the line first.
func byRace(x, y standing) int {
	return cmp.Or(cmp.Compare(x.class, y.class), x.retiredOrder(y),
		cmp.Compare(y.laps, x.laps), cmp.Compare(x.pos, y.pos), cmp.Compare(x.lineTs, y.lineTs),
		strings.Compare(x.row.Driver, y.row.Driver))
}

// byClassification: once finished, more laps first, then gap plus unserved
// penalties, then position.
func byClassification(x, y standing) int {
	return cmp.Or(cmp.Compare(x.class, y.class), x.retiredOrder(y),
		cmp.Compare(y.laps, x.laps), cmp.Compare(x.keyGapS, y.keyGapS), cmp.Compare(x.pos, y.pos),
		cmp.Compare(x.lineTs, y.lineTs), strings.Compare(x.row.Driver, y.row.Driver))
}

// byReported: the official classification, as published.
func byReported(x, y standing) int {
	return cmp.Or(cmp.Compare(x.class, y.class), cmp.Compare(x.pos, y.pos), strings.Compare(x.row.Driver, y.row.Driver))
}

// retiredOrder orders two retired cars: the later retirement first.
func (x standing) retiredOrder(y standing) int {
	if x.class != 1 || y.class != 1 {
		return 0
	}
	return cmp.Or(cmp.Compare(y.row.RetiredLap, x.row.RetiredLap), cmp.Compare(y.lastTs, x.lastTs))
}
