package f1

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// TimingOptions say what else a replay sends besides the timing.
type TimingOptions struct {
	// LightsOut sends LIGHTS_OUT (with the race distance) at StartMs.
	LightsOut bool
	// Finish sends the chequered flag (FINISH) when the leader completes
	// TotalLaps; leave it off when a race-control feed has its own.
	Finish bool
}

// Timing turns the race into the records a timing feed sends, each slice
// in time order:
//   - at lights out the grid (a Position per driver with a grid place, lap
//     0) and, with LightsOut, LIGHTS_OUT;
//   - at each lap end a Position: the lap's position (else the order at the
//     line), gap and interval at the line, last and best lap (deleted laps
//     do not count for the best), its sectors, pit stops so far (counted
//     from the out lap: a car that stops in the pit lane for good made no
//     stop), tyre and age, status PIT on an in lap and FINISHED from the
//     chequered flag on;
//   - a LAP event each time the leader starts a lap, a PIT event at each
//     pit exit, and with Finish the chequered flag;
//   - with Results, the official classification one second after the last
//     lap end: a Position per classified driver (its place, laps, status
//     FINISHED or OUT) and then a CLASSIFICATION event.
func (r *RaceLaps) Timing(opt TimingOptions) (pos []Position, events []RaceControl) {
	type end struct {
		d *DriverLaps
		l *Lap
	}
	var ends []end
	for i := range r.Drivers {
		d := &r.Drivers[i]
		for j := range d.Laps {
			if d.Laps[j].EndMs > 0 {
				ends = append(ends, end{d, &d.Laps[j]})
			}
		}
	}
	slices.SortStableFunc(ends, func(a, b end) int { return cmp.Compare(a.l.EndMs, b.l.EndMs) })
	total := r.TotalLaps
	if opt.LightsOut && r.StartMs > 0 {
		events = append(events, RaceControl{Ts: r.StartMs, RaceID: r.RaceID, Type: EventLightsOut, Lap: 1, TotalLaps: total,
			Message: fmt.Sprintf("Lights out: %d cars, %d laps", len(r.Drivers), total)})
	}
	pos = append(pos, r.grid()...)

	first, prev, crossed := map[int]int64{}, map[int]int64{}, map[int]int{}
	best, pits := map[string]float64{}, map[string]int{}
	lastInt := map[string]float64{} // each car's interval at its last line
	flagged := map[string]bool{}
	var finishMs, lastMs int64
	for _, e := range ends {
		d, l := e.d, e.l
		if flagged[d.Driver] {
			continue // no lap after the flag
		}
		if _, ok := first[l.Number]; !ok {
			first[l.Number] = l.EndMs
			switch {
			case total > 0 && l.Number >= total && finishMs == 0:
				finishMs = l.EndMs
				if opt.Finish {
					events = append(events, RaceControl{Ts: l.EndMs, RaceID: r.RaceID, Type: EventFinish, Driver: d.Driver, Lap: l.Number,
						TotalLaps: total, Message: fmt.Sprintf("Chequered flag: %s wins", d.Driver)})
				}
			case total == 0 || l.Number < total:
				events = append(events, RaceControl{Ts: l.EndMs, RaceID: r.RaceID, Type: EventLap, Driver: d.Driver, Lap: l.Number + 1,
					TotalLaps: total, Message: lapMessage(l.Number+1, total, d.Driver)})
			}
		}
		crossed[l.Number]++
		p := Position{Ts: l.EndMs, RaceID: r.RaceID, Driver: d.Driver, Position: l.Position, Lap: l.Number,
			GapToLeaderS: float64(l.EndMs-first[l.Number]) / 1000, LastLapS: l.TimeS, Tyre: l.Compound, TyreAgeLaps: l.TyreAge,
			Status: StatusRunning, Sector1S: l.SectorS[0], Sector2S: l.SectorS[1], Sector3S: l.SectorS[2]}
		if p.Position <= 0 {
			p.Position = crossed[l.Number]
		}
		if t, ok := prev[l.Number]; ok {
			p.IntervalS = float64(l.EndMs-t) / 1000
		}
		prev[l.Number] = l.EndMs
		lastInt[d.Driver] = p.IntervalS
		if b := best[d.Driver]; l.TimeS > 0 && !l.Deleted && (b == 0 || l.TimeS < b) {
			best[d.Driver] = l.TimeS
		}
		p.BestLapS = best[d.Driver]
		if l.PitIn {
			p.Status = StatusPit
		}
		if l.PitOut && l.Number > 1 {
			pits[d.Driver]++ // a stop counts once the car is out again (FastF1's Stint − 1)
		}
		p.PitStops = pits[d.Driver]
		if finishMs > 0 {
			p.Status, flagged[d.Driver] = StatusFinished, true
		}
		pos = append(pos, p)
		lastMs = max(lastMs, l.EndMs)
	}
	for i := range r.Drivers {
		d := &r.Drivers[i]
		for n, p := range d.Pits {
			if p.OutMs > 0 {
				events = append(events, RaceControl{Ts: p.OutMs, RaceID: r.RaceID, Type: EventPit, Driver: d.Driver, Lap: p.Lap,
					TotalLaps: total, Message: pitMessage(d.Driver, n+1, p)})
			}
		}
	}
	if len(r.Results) > 0 && lastMs > 0 {
		p, e := r.classification(lastMs+1000, best, pits, lastInt)
		pos, events = append(pos, p...), append(events, e)
	}
	slices.SortStableFunc(pos, func(a, b Position) int { return cmp.Compare(a.Ts, b.Ts) })
	slices.SortStableFunc(events, func(a, b RaceControl) int { return cmp.Compare(a.Ts, b.Ts) })
	return pos, events
}

// grid is a Position per driver with a grid place at lights out (lap 0).
// Pit-lane starters (grid 0) line up behind, in code order.
func (r *RaceLaps) grid() []Position {
	if r.StartMs <= 0 {
		return nil
	}
	anyGrid := false
	for _, d := range r.Drivers {
		anyGrid = anyGrid || d.Grid > 0
	}
	if !anyGrid {
		return nil
	}
	ds := make([]*DriverLaps, 0, len(r.Drivers))
	for i := range r.Drivers {
		ds = append(ds, &r.Drivers[i])
	}
	slices.SortStableFunc(ds, func(a, b *DriverLaps) int {
		ga, gb := a.Grid, b.Grid
		if ga <= 0 {
			ga = MaxLap
		}
		if gb <= 0 {
			gb = MaxLap
		}
		return cmp.Compare(int64(ga), int64(gb))
	})
	var out []Position
	for i, d := range ds {
		p := Position{Ts: r.StartMs, RaceID: r.RaceID, Driver: d.Driver, Position: i + 1, Status: StatusRunning}
		if len(d.Laps) > 0 {
			p.Tyre, p.TyreAgeLaps = d.Laps[0].Compound, max(0, d.Laps[0].TyreAge-1)
		}
		out = append(out, p)
	}
	return out
}

// classification is the official result at ts: a Position per result and
// the CLASSIFICATION event. A car classified with a time (the winner, and
// those on its lap) has the interval to the timed car ahead, from the
// published gaps; a lapped car keeps its interval at its last line
// (lastInt); a retired car has none.
func (r *RaceLaps) classification(ts int64, best map[string]float64, pits map[string]int, lastInt map[string]float64) ([]Position, RaceControl) {
	var out []Position
	var top []string
	prevGap, timed := 0.0, false // the gap of the timed car ahead
	for _, res := range r.Results {
		p := Position{Ts: ts, RaceID: r.RaceID, Driver: res.Driver, Position: res.Position, Lap: res.Laps,
			GapToLeaderS: res.GapS, BestLapS: best[res.Driver], PitStops: pits[res.Driver], Status: StatusFinished,
			IntervalS: lastInt[res.Driver]}
		if d := r.Driver(res.Driver); d != nil && len(d.Laps) > 0 {
			l := d.Laps[len(d.Laps)-1]
			p.LastLapS, p.Tyre, p.TyreAgeLaps = l.TimeS, l.Compound, l.TyreAge
		}
		switch {
		case res.Retired():
			p.Status, p.GapToLeaderS, p.IntervalS = StatusOut, 0, 0
		case res.TimeS > 0 || (res.GapS == 0 && !timed): // the winner
			p.IntervalS, prevGap, timed = 0, 0, true
		case res.GapS > 0 && timed:
			p.IntervalS, prevGap = math.Round((res.GapS-prevGap)*1000)/1000, res.GapS // to the ms, as published
		}
		out = append(out, p)
		if len(top) < 3 {
			top = append(top, fmt.Sprintf("%d. %s", res.Position, res.Driver))
		}
	}
	return out, RaceControl{Ts: ts + 1, RaceID: r.RaceID, Type: EventClassification, Lap: r.TotalLaps, TotalLaps: r.TotalLaps,
		Message: "Official classification: " + strings.Join(top, ", ")}
}

func lapMessage(lap, total int, leader string) string {
	if total > 0 {
		return fmt.Sprintf("Lap %d/%d, %s leads", lap, total, leader)
	}
	return fmt.Sprintf("Lap %d, %s leads", lap, leader)
}

func pitMessage(driver string, n int, p PitStop) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s pit stop %d", driver, n)
	if p.From != "" || p.To != "" {
		fmt.Fprintf(&b, ": %s to %s", orUnknown(p.From), orUnknown(p.To))
	}
	if p.LaneS > 0 {
		fmt.Fprintf(&b, ", %.1f s in the pit lane", p.LaneS)
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
