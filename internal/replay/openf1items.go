package replay

import (
	"fmt"
	"sort"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// OpenF1Race reads an OpenF1 session and makes its replay, on the dates
// OpenF1 gives: the race's timing (grid, lap ends, LAP, PIT, and the
// official classification when /session_result has it), timing updates
// from /intervals between lap ends, race control, weather, every car's
// locations, and car data with each sample's lap and x/y.
func OpenF1Race(s *openf1.SessionData, raceID string, ao AssembleOptions) (*Assembled, error) {
	sr, err := readOpenF1Session(s, raceID)
	if err != nil {
		return nil, err
	}
	race := sr.race
	a := &Assembled{Race: race, Notes: sr.warnings}
	finish := false
	var items []Item
	for _, rc := range sr.rc {
		finish = finish || rc.Type == f1.EventFinish
		items = append(items, Item{Type: f1.RaceControlRecord, Ts: rc.Ts, RC: rc})
	}
	items = append(items, timingItems(race, f1.TimingOptions{LightsOut: race.StartMs > 0, Finish: !finish})...)
	for _, p := range sr.intervals {
		items = append(items, Item{Type: f1.PositionRecord, Ts: p.Ts, Pos: p})
	}
	for _, w := range sr.weather {
		items = append(items, Item{Type: f1.WeatherRecord, Ts: w.Ms, Weather: w.record(raceID)})
	}
	nLoc := 0
	for code, tr := range sr.locs {
		for _, l := range tr {
			items = append(items, Item{Type: f1.LocationRecord, Ts: l.Ms, Loc: f1.Location{Ts: l.Ms, RaceID: raceID, Driver: code, X: l.X, Y: l.Y, Z: l.Z}})
		}
		nLoc += len(tr)
	}
	for _, x := range sr.tel {
		items = append(items, Item{Type: f1.TelemetryRecord, Ts: x.Ts, Tel: x})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Ts < items[j].Ts })
	if ao.FromStart && race.StartMs > 0 {
		items = fromStart(items, race.StartMs-60_000)
	}
	a.Items = items
	a.Notes = append(a.Notes, fmt.Sprintf("OpenF1 session %d: %d drivers, %d laps, lights out %s UTC (race control's SESSION STARTED); %d timing updates from /intervals, %d locations, %d car samples, %d weather samples",
		s.Session.SessionKey, len(race.Drivers), race.TotalLaps, clock(race.StartMs), len(sr.intervals), nLoc, len(sr.tel), len(sr.weather)))
	if len(race.Results) > 0 {
		a.Notes = append(a.Notes, "the official classification (/session_result) is published 1 s after the last lap")
	}
	return a, nil
}
