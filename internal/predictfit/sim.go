package predictfit

import (
	"fmt"
	"sort"

	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// SimRace runs the simulator and keeps what the predictor sees (positions
// and race control). The stops are the simulator's own pit decisions: its
// pit-stop truths (what `producer race --truth` writes), in-lap and driver.
func SimRace(cfg sim.Config) (Race, error) {
	s, err := sim.New(cfg)
	if err != nil {
		return Race{}, fmt.Errorf("simulating %s: %w", cfg.Circuit.Key, err)
	}
	var items []replay.Item
	var stops []predict.Stop
	for {
		ev, ok := s.Next()
		if !ok {
			break
		}
		switch ev.Type {
		case sim.PositionEvent:
			items = append(items, replay.Item{Type: f1.PositionRecord, Ts: ev.Ts, Pos: *ev.Position})
		case sim.RaceControlEvent:
			items = append(items, replay.Item{Type: f1.RaceControlRecord, Ts: ev.Ts, RC: *ev.RaceControl})
		case sim.TruthEvent:
			if ev.Truth.Kind == sim.TruthPitStop {
				stops = append(stops, predict.Stop{Driver: ev.Truth.Driver, InLap: ev.Truth.Lap})
			}
		}
	}
	laps := cfg.Laps
	if laps == 0 {
		laps = cfg.Circuit.Laps
	}
	r := FromItems(fmt.Sprintf("simulated %s seed %d", cfg.Circuit.Name, cfg.Seed), items, cfg.Circuit.PitLossS)
	r.Total = laps
	sort.Slice(stops, func(i, j int) bool {
		return stops[i].InLap < stops[j].InLap || stops[i].InLap == stops[j].InLap && stops[i].Driver < stops[j].Driver
	})
	r.TimingStops, r.Stops = r.Stops, stops
	return r, nil
}

// TyreAt is each driver's compound and tyre age at the end of each lap.
func (r Race) TyreAt() map[string]map[int]f1.Position {
	out := map[string]map[int]f1.Position{}
	for _, it := range r.Items {
		if it.Type != f1.PositionRecord {
			continue
		}
		m := out[it.Pos.Driver]
		if m == nil {
			m = map[int]f1.Position{}
			out[it.Pos.Driver] = m
		}
		if _, seen := m[it.Pos.Lap]; !seen {
			m[it.Pos.Lap] = it.Pos
		}
	}
	return out
}
