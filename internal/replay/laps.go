package replay

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// lapRow is one driver's lap from a laps file.
type lapRow struct {
	d      f1.Driver
	lap    int
	end    int64   // when the lap ended (ms)
	lapS   float64 // lap time, 0 if unknown
	pos    int     // position at the end of the lap, 0 if unknown
	tyre   string
	age    int
	stops  int
	status string
}

// parseLaps reads FastF1 session.laps. A lap ends at LapStartDate plus
// (Time − LapStartTime), both session times, so every lap has a date.
func parseLaps(t *table, opt Options) (*File, error) {
	rows := make([]lapRow, 0, len(t.rows))
	for i := range t.rows {
		d, err := t.rowDriver(i, opt)
		if err != nil {
			return nil, err
		}
		r := lapRow{d: d, status: f1.StatusRunning}
		if r.lap, err = t.integer(i, "LapNumber"); err != nil {
			return nil, err
		}
		start, err := t.date(i, "LapStartDate")
		if err != nil {
			return nil, err
		}
		endS, err := t.timedelta(i, "Time")
		if err != nil {
			return nil, err
		}
		startS, err := t.timedelta(i, "LapStartTime")
		if err != nil {
			return nil, err
		}
		if endS < startS {
			return nil, fmt.Errorf("%s:%d: lap ends (Time) before it starts (LapStartTime)", t.name, t.lines[i])
		}
		r.end = start + (endS - startS)
		if t.has("LapTime") {
			ms, ok, err := t.timedeltaOpt(i, "LapTime")
			if err != nil {
				return nil, err
			}
			if ok {
				r.lapS = float64(ms) / 1000
			}
		} else if s, ok, err := t.numOpt(i, "LapTimeSeconds"); err != nil {
			return nil, err
		} else if ok {
			r.lapS = s
		}
		if r.lapS == 0 {
			r.lapS = float64(endS-startS) / 1000
		}
		if p, ok, err := t.numOpt(i, "Position"); err != nil {
			return nil, err
		} else if ok {
			r.pos = int(p)
		}
		r.tyre = compound(t.str(i, "Compound"))
		if a, ok, err := t.numOpt(i, "TyreLife"); err != nil {
			return nil, err
		} else if ok {
			r.age = int(a)
		}
		if s, ok, err := t.numOpt(i, "Stint"); err != nil {
			return nil, err
		} else if ok && s >= 1 {
			r.stops = int(s) - 1
		}
		if t.str(i, "PitInTime") != "" {
			r.status = f1.StatusPit
		} // an out lap (PitOutTime) stays RUNNING: OUT means retired
		rows = append(rows, r)
	}
	return &File{Name: t.name, Format: FastF1Laps, Abs: true, Items: timing(rows, opt)}, nil
}

// parseLapSummary reads a per-lap summary (one row per driver and lap) whose
// gap_to_leader column is, despite its name, FastF1's Lap.Time: the session
// time in seconds at the end of the lap. Pit stops are counted from
// compound changes.
func parseLapSummary(t *table, opt Options) (*File, error) {
	rows := make([]lapRow, 0, len(t.rows))
	last := map[string]*lapRow{}
	for i := range t.rows {
		d, err := t.rowDriver(i, opt)
		if err != nil {
			return nil, err
		}
		r := lapRow{d: d, status: f1.StatusRunning, tyre: compound(t.str(i, "compound")), age: 1}
		if r.lap, err = t.integer(i, "lap_number"); err != nil {
			return nil, err
		}
		endS, err := t.num(i, "gap_to_leader")
		if err != nil {
			return nil, err
		}
		r.end = int64(math.Round(endS * 1000))
		if r.lapS, _, err = t.numOpt(i, "lap_time"); err != nil {
			return nil, err
		}
		if p, ok, err := t.numOpt(i, "position"); err != nil {
			return nil, err
		} else if ok {
			r.pos = int(p)
		}
		if prev := last[d.Code]; prev != nil {
			r.stops, r.age = prev.stops, prev.age+1
			if r.tyre != prev.tyre {
				r.stops, r.age = prev.stops+1, 1
			}
		}
		rows = append(rows, r)
		last[d.Code] = &rows[len(rows)-1]
	}
	return &File{Name: t.name, Format: LapSummary, Abs: false, Items: timing(rows, opt)}, nil
}

func compound(v string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "NAN" {
		return ""
	}
	return v
}

// timing turns laps into position records (at each lap's end, with gaps
// and intervals measured at the line) and a LAP event each time the leader
// starts a lap.
func timing(rows []lapRow, opt Options) []Item {
	byLap := map[int][]*lapRow{}
	maxLap := 0
	for i := range rows {
		r := &rows[i]
		byLap[r.lap] = append(byLap[r.lap], r)
		maxLap = max(maxLap, r.lap)
	}
	gap := make(map[*lapRow]float64, len(rows))
	interval := make(map[*lapRow]float64, len(rows))
	var items []Item
	laps := make([]int, 0, len(byLap))
	for lap, rs := range byLap {
		laps = append(laps, lap)
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].end < rs[j].end })
		for k, r := range rs {
			gap[r] = float64(r.end-rs[0].end) / 1000
			if k > 0 {
				interval[r] = float64(r.end-rs[k-1].end) / 1000
			}
			if r.pos == 0 {
				r.pos = k + 1
			}
		}
	}
	sort.Ints(laps)
	for _, lap := range laps {
		lead := byLap[lap][0]
		if lap < maxLap {
			items = append(items, Item{Type: f1.RaceControlRecord, Ts: lead.end, RC: f1.RaceControl{
				Ts: lead.end, RaceID: opt.RaceID, Type: f1.EventLap, Driver: lead.d.Code, Lap: lap + 1, TotalLaps: maxLap,
				Message: fmt.Sprintf("Lap %d/%d, %s leads", lap+1, maxLap, lead.d.Code)}})
		}
	}
	best := map[string]float64{}
	order := make([]*lapRow, len(rows))
	for i := range rows {
		order[i] = &rows[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].lap < order[j].lap })
	for _, r := range order {
		if b, ok := best[r.d.Code]; r.lapS > 0 && (!ok || r.lapS < b) {
			best[r.d.Code] = r.lapS
		}
		items = append(items, Item{Type: f1.PositionRecord, Ts: r.end, Pos: f1.Position{
			Ts: r.end, RaceID: opt.RaceID, Driver: r.d.Code, Position: r.pos, Lap: r.lap,
			GapToLeaderS: gap[r], IntervalS: interval[r], LastLapS: r.lapS, BestLapS: best[r.d.Code],
			PitStops: r.stops, Tyre: r.tyre, TyreAgeLaps: r.age, Status: r.status,
		}})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Ts < items[j].Ts })
	return items
}
