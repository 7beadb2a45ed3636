package predictfit

import (
	"fmt"

	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// SimRace runs the simulator and keeps what the predictor sees (positions
// and race control). The stops are the simulator's own pit decisions, as
// its positions report them.
func SimRace(cfg sim.Config) (Race, error) {
	s, err := sim.New(cfg)
	if err != nil {
		return Race{}, fmt.Errorf("simulating %s: %w", cfg.Circuit.Key, err)
	}
	var items []replay.Item
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
		}
	}
	laps := cfg.Laps
	if laps == 0 {
		laps = cfg.Circuit.Laps
	}
	r := FromItems(fmt.Sprintf("simulated %s seed %d", cfg.Circuit.Name, cfg.Seed), items, cfg.Circuit.PitLossS)
	r.Total = laps
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
