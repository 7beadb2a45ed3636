package predictfit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// DefaultPitLossS is the pit loss used for circuits pkg/f1 does not know.
const DefaultPitLossS = 22

// Race is a real race as the predictor sees it.
type Race struct {
	Name     string
	Items    []replay.Item // positions and race control, in time order
	Total    int           // race distance, laps
	PitLossS float64
	Stops    []predict.Stop // the true stops
	// TimingStops are the stops the timing records show (predict.StopsFrom),
	// when Stops come from elsewhere (the simulator's truth).
	TimingStops []predict.Stop
}

// FromItems builds a race from replayed items. The stops are read from the
// positions' stop counts (predict.StopsFrom).
func FromItems(name string, items []replay.Item, pitLossS float64) Race {
	r := Race{Name: name, Items: items, PitLossS: pitLossS}
	var pos []f1.Position
	for _, it := range items {
		if it.Type == f1.PositionRecord {
			pos = append(pos, it.Pos)
			r.Total = max(r.Total, it.Pos.Lap)
		}
	}
	r.Stops = predict.StopsFrom(pos)
	return r
}

// PitLossOf is the pit loss of the circuit a file name or race name
// mentions (f1.CircuitInName), else DefaultPitLossS.
func PitLossOf(name string) float64 {
	if c, ok := f1.CircuitInName(name); ok {
		return c.PitLossS
	}
	return DefaultPitLossS
}

// summaryRow is what LoadSummary needs of a row beyond what the replay
// parser reads.
type summaryRow struct {
	driver string
	lap    int
	status string // FastF1 TrackStatus codes seen during the lap
	stops  int    // the driver's stops in the whole race
}

// LoadSummary reads a per-lap summary (driver, lap_number, compound,
// track_status, lap_time, position, gap_to_leader, pit_stop_count) through
// the replay parser, then adds what the parser leaves out: stops onto the
// same compound (SameCompoundStops, within pit_stop_count) and the SC/VSC
// periods of track_status as race-control events.
func LoadSummary(data []byte, name string) (Race, error) {
	f, err := replay.Parse(data, name, replay.Options{RaceID: name})
	if err != nil {
		return Race{}, err
	}
	if f.Format != replay.LapSummary {
		return Race{}, fmt.Errorf("%s: a %s, not a per-lap summary", name, f.Format)
	}
	rows, err := readSummaryRows(data, name)
	if err != nil {
		return Race{}, err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.driver] = max(counts[r.driver], r.stops)
	}
	items := SameCompoundStops(f.Items, counts)
	items = append(items, neutralisations(items, rows)...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Ts < items[j].Ts })
	return FromItems(name, items, PitLossOf(name)), nil
}

func readSummaryRows(data []byte, name string) ([]summaryRow, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range []string{"driver", "lap_number", "track_status", "pit_stop_count"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no %s column", name, c)
		}
	}
	out := make([]summaryRow, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		lap, err1 := strconv.ParseFloat(rec[col["lap_number"]], 64)
		stops, err2 := strconv.ParseFloat(rec[col["pit_stop_count"]], 64)
		if err1 != nil || err2 != nil || math.IsNaN(lap) || math.IsNaN(stops) {
			return nil, fmt.Errorf("%s:%d: lap_number and pit_stop_count must be numbers", name, i+2)
		}
		out = append(out, summaryRow{driver: rec[col["driver"]], lap: int(lap), status: rec[col["track_status"]], stops: int(stops)})
	}
	return out, nil
}

// neutralisations turns the track status of each lap (the codes any car
// saw during it: 4 SC, 5 red, 6 VSC, 7 VSC ending) into SAFETY_CAR and VSC
// events. An event is dated just before the leader completes the lap, when
// the lap's status is known: a prediction never sees a neutralisation
// before it happened. A red flag counts as an SC (the field is stopped, a
// stop is free).
func neutralisations(items []replay.Item, rows []summaryRow) []replay.Item {
	state := map[int]string{}
	for _, r := range rows {
		s := ""
		switch {
		case strings.ContainsAny(r.status, "45"):
			s = f1.FlagSC
		case strings.ContainsAny(r.status, "67"):
			s = f1.FlagVSC
		}
		if s == f1.FlagSC || s != "" && state[r.lap] == "" {
			state[r.lap] = s
		}
	}
	lapEnd := map[int]int64{} // the leader's (first) end of each lap
	for _, it := range items {
		if it.Type != f1.PositionRecord {
			continue
		}
		if t, ok := lapEnd[it.Pos.Lap]; !ok || it.Ts < t {
			lapEnd[it.Pos.Lap] = it.Ts
		}
	}
	laps := make([]int, 0, len(lapEnd))
	for l := range lapEnd {
		laps = append(laps, l)
	}
	sort.Ints(laps)
	var out []replay.Item
	cur := ""
	for _, l := range laps {
		s := state[l]
		if s == cur {
			continue
		}
		ts := lapEnd[l] - 1
		rc := f1.RaceControl{Ts: ts, Lap: l}
		switch {
		case s == f1.FlagSC:
			rc.Type, rc.Message = f1.EventSafetyCar, "SAFETY CAR DEPLOYED"
		case s == f1.FlagVSC:
			rc.Type, rc.Message = f1.EventVSC, "VIRTUAL SAFETY CAR DEPLOYED"
		case cur == f1.FlagSC:
			rc.Type, rc.Message = f1.EventSafetyCar, "SAFETY CAR ENDING"
		default:
			rc.Type, rc.Message = f1.EventVSC, "VIRTUAL SAFETY CAR ENDING"
		}
		out = append(out, replay.Item{Type: f1.RaceControlRecord, Ts: ts, RC: rc})
		cur = s
	}
	return out
}
