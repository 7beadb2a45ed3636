package predictfit

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// TestSameCompoundStopsFindMonzaStops hides what a per-lap summary loses
// from the real Monza 2024 laps (the pit flags, and the stops that kept the
// compound: 10 of the 30) and checks that SameCompoundStops finds every
// true stop back from the lap times and the stop counts alone.
func TestSameCompoundStopsFindMonzaStops(t *testing.T) {
	f, err := replay.ParseFile(filepath.Join(realdata.Dir(t), "monza2024_race", "laps.csv"), replay.Options{RaceID: "monza"})
	if err != nil {
		t.Fatal(err)
	}
	var truthPos []f1.Position
	counts := map[string]int{} // like pit_stop_count: in-laps, a retirement in the pits included
	for _, it := range f.Items {
		if it.Type == f1.PositionRecord {
			truthPos = append(truthPos, it.Pos)
			if it.Pos.Status == f1.StatusPit {
				counts[it.Pos.Driver]++
			}
		}
	}
	truth := predict.StopsFrom(truthPos)
	if len(truth) != 30 {
		t.Fatalf("Monza 2024 has 30 stops, the laps file gives %d", len(truth))
	}
	// The summary view: no pit flags, stops and ages from compound changes.
	items := append([]replay.Item(nil), f.Items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Pos.Lap < items[j].Pos.Lap })
	last := map[string]*f1.Position{}
	for i := range items {
		p := &items[i].Pos
		if items[i].Type != f1.PositionRecord {
			continue
		}
		p.Status, p.PitStops, p.TyreAgeLaps = f1.StatusRunning, 0, 1
		if prev := last[p.Driver]; prev != nil {
			p.PitStops, p.TyreAgeLaps = prev.PitStops, prev.TyreAgeLaps+1
			if p.Tyre != prev.Tyre {
				p.PitStops, p.TyreAgeLaps = prev.PitStops+1, 1
			}
		}
		last[p.Driver] = p
	}
	var hidden []f1.Position
	for _, it := range items {
		if it.Type == f1.PositionRecord {
			hidden = append(hidden, it.Pos)
		}
	}
	if n := len(predict.StopsFrom(hidden)); n != 20 {
		t.Fatalf("compound changes alone should show 20 of the 30 stops, got %d", n)
	}
	var found []f1.Position
	for _, it := range SameCompoundStops(items, counts) {
		if it.Type == f1.PositionRecord {
			found = append(found, it.Pos)
		}
	}
	got := predict.StopsFrom(found)
	if fmt.Sprint(got) != fmt.Sprint(truth) {
		t.Errorf("stops found from lap times:\n%v\nwant the true stops:\n%v", got, truth)
	}
}
