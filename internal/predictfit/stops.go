package predictfit

import (
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"

	"github.com/pitwall-f1/pitwall/internal/replay"
)

// retiredLaps: a car whose last lap is more laps than this short of the
// race distance retired (a lapped finisher is rarely five laps down).
const retiredLaps = 5

// MinOutLapExcessS is how much slower than the field's median lap an
// out-lap must be to count as a stop: the pit lane costs 18-28 s at every
// circuit, most of it on the out-lap, while a slow lap in traffic or a
// spin rarely costs 10 s.
const MinOutLapExcessS = 10.0

// SameCompoundStops adds the stops a per-lap summary cannot show: a stop
// that fits the same compound again does not change the compound column.
// For each driver whose stop count (counts, from the file) exceeds its
// compound changes, the laps that are at least MinOutLapExcessS slower than
// the field's median for that lap, most first and never the first lap,
// become out-laps until the count is reached; a driver's last lap never
// does (a slow last lap is a retirement). A car that retired (its last lap
// more than retiredLaps short of the distance) has one stop fewer: the
// file's count includes its last trip into the pit lane (TSU at Monza 2024,
// MAG at Monaco 2023, RUS at Silverstone 2024). Stop counts and tyre ages of
// the positions are then rebuilt: a stop before each out-lap, the age 1 on
// it, and the lap before it marked as the in-lap (status PIT, as a FastF1
// laps file marks it with PitInTime). It returns a copy of items.
func SameCompoundStops(items []replay.Item, counts map[string]int) []replay.Item {
	out := append([]replay.Item(nil), items...)
	byDriver := map[string][]int{} // indexes of each driver's positions, by lap
	lapTimes := map[int][]float64{}
	for i, it := range out {
		if it.Type != f1.PositionRecord {
			continue
		}
		byDriver[it.Pos.Driver] = append(byDriver[it.Pos.Driver], i)
		if it.Pos.LastLapS > 0 {
			lapTimes[it.Pos.Lap] = append(lapTimes[it.Pos.Lap], it.Pos.LastLapS)
		}
	}
	lastLap := 0
	for _, idx := range byDriver {
		for _, i := range idx {
			lastLap = max(lastLap, out[i].Pos.Lap)
		}
	}
	med := map[int]float64{}
	for l, ts := range lapTimes {
		sort.Float64s(ts)
		med[l] = ts[len(ts)/2]
	}
	for d, idx := range byDriver {
		sort.SliceStable(idx, func(a, b int) bool { return out[idx[a]].Pos.Lap < out[idx[b]].Pos.Lap })
		outLap := map[int]bool{} // positions (in idx) that start a stint
		changes := 0
		for k := 1; k < len(idx); k++ {
			if out[idx[k]].Pos.Tyre != out[idx[k-1]].Pos.Tyre {
				outLap[k] = true
				changes++
			}
		}
		type cand struct {
			k      int
			excess float64
		}
		var cs []cand
		for k := 1; k < len(idx)-1; k++ { // an out-lap is followed by racing: a slow last lap is a retirement
			p := &out[idx[k]].Pos
			if outLap[k] || outLap[k-1] || p.Lap < 2 || p.LastLapS <= 0 {
				continue
			}
			if e := p.LastLapS - med[p.Lap]; e >= MinOutLapExcessS {
				cs = append(cs, cand{k, e})
			}
		}
		sort.Slice(cs, func(a, b int) bool { return cs[a].excess > cs[b].excess })
		budget := counts[d]
		if out[idx[len(idx)-1]].Pos.Lap < lastLap-retiredLaps {
			budget-- // retired: the count includes the car's last trip into the pit lane
		}
		for _, c := range cs {
			if changes >= budget {
				break
			}
			if outLap[c.k-1] || outLap[c.k+1] {
				continue // next to another stop: the same one's in- or out-lap
			}
			outLap[c.k] = true
			changes++
		}
		stops, age := 0, 0
		for k, i := range idx {
			if outLap[k] {
				stops, age = stops+1, 0
			}
			age++
			out[i].Pos.PitStops, out[i].Pos.TyreAgeLaps = stops, age
			if outLap[k+1] {
				out[i].Pos.Status = f1.StatusPit // the in-lap, as FastF1's PitInTime marks it
			}
		}
	}
	return out
}
