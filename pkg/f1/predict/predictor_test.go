package predict

import (
	"math"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// race is a small synthetic race: drivers lap in order, 1 s apart, each
// wearing its tyres by wear s/lap per lap; stops at the given in-laps.
type race struct {
	total int
	pos   []f1.Position
}

func newRace(total int, drivers []string, stopAt map[string]int, wear float64) race {
	r := race{total: total}
	age, stops, tyre := map[string]int{}, map[string]int{}, map[string]string{}
	for _, d := range drivers {
		tyre[d] = f1.TyreMedium
	}
	for lap := 1; lap <= total; lap++ {
		for i, d := range drivers {
			age[d]++
			p := f1.Position{Ts: int64(lap*90000 + i*1000), Driver: d, Position: i + 1, Lap: lap,
				GapToLeaderS: float64(i), IntervalS: 1, LastLapS: 85 + wear*float64(age[d]) - fuelSPerKg*startFuelKg*float64(lap)/float64(total),
				PitStops: stops[d], Tyre: tyre[d], TyreAgeLaps: age[d], Status: f1.StatusRunning}
			if lap == stopAt[d] {
				p.Status = f1.StatusPit
			}
			if lap == stopAt[d]+1 && lap > 1 {
				p.Status, p.LastLapS = f1.StatusOut, 105
			}
			r.pos = append(r.pos, p)
			if lap == stopAt[d] {
				stops[d]++
				age[d], tyre[d] = 0, f1.TyreHard
			}
		}
	}
	return r
}

func TestPredictorOnASyntheticRace(t *testing.T) {
	r := newRace(30, []string{"VER", "NOR", "LEC"}, map[string]int{"VER": 12, "NOR": 14}, 0.08)
	p := New(Config{PitLossS: 22, TotalLaps: 30})
	var all []f1.Prediction
	var buf []f1.Prediction
	for i := range r.pos {
		buf = p.Observe(&r.pos[i], buf)
		all = append(all, buf...)
	}
	type key struct {
		d   string
		lap int
	}
	by := map[key][]f1.Prediction{}
	for _, pr := range all {
		by[key{pr.Driver, pr.Lap}] = append(by[key{pr.Driver, pr.Lap}], pr)
	}
	// Four predictions a lap (three horizons and the cliff) for each car,
	// except on an in-lap and on the last lap.
	for _, d := range []string{"VER", "NOR", "LEC"} {
		for lap := 1; lap < 30; lap++ {
			n := len(by[key{d, lap}])
			inLap := d == "VER" && lap == 12 || d == "NOR" && lap == 14
			if inLap && n != 0 || !inLap && n != 4 {
				t.Errorf("%s lap %d: %d predictions", d, lap, n)
			}
		}
		if n := len(by[key{d, 30}]); n != 0 {
			t.Errorf("%s: %d predictions on the last lap", d, n)
		}
	}
	for k, ps := range by {
		p1, p3, p5 := ps[0].Probability, ps[1].Probability, ps[2].Probability
		if !(0 <= p1 && p1 <= p3 && p3 <= p5 && p5 <= 1) || ps[3].Model != f1.ModelTyreCliff {
			t.Errorf("%v: probabilities %v %v %v out of order", k, p1, p3, p5)
		}
		if !strings.HasPrefix(ps[0].Reasons, "MEDIUM age") && !strings.HasPrefix(ps[0].Reasons, "HARD age") {
			t.Errorf("%v: reasons %q", k, ps[0].Reasons)
		}
	}
	// LEC at lap 14, his medium 14 laps old, 0.08 s/lap of wear (fuel
	// corrected), NOR ahead of him just stopped: the window is open.
	lec := by[key{"LEC", 14}]
	if !strings.Contains(lec[0].Reasons, "+0.08 s/lap") || !strings.Contains(lec[0].Reasons, "NOR (within 3 s) just stopped") {
		t.Errorf("LEC lap 14 reasons: %q", lec[0].Reasons)
	}
	if early := by[key{"LEC", 3}][1].Probability; lec[1].Probability < 2*early {
		t.Errorf("LEC within 3: %.3f at lap 14, %.3f at lap 3", lec[1].Probability, early)
	}
	// After his stop VER has fitted the second compound: no "still to fit".
	if r := by[key{"VER", 20}][0].Reasons; strings.Contains(r, "still to fit") || !strings.Contains(r, "HARD age 8") {
		t.Errorf("VER lap 20 reasons: %q", r)
	}
	st := p.Stats()
	if st.Positions != len(r.pos) || st.Ignored != 0 || st.Predictions != len(all) {
		t.Errorf("stats %+v for %d records and %d predictions", st, len(r.pos), len(all))
	}
}

func TestPredictorIgnoresBadRecords(t *testing.T) {
	p := New(Config{})
	bad := []f1.Position{
		{Driver: "", Lap: 1},
		{Driver: "VERSTAPPEN", Lap: 1},
		{Driver: "VER", Lap: -1},
		{Driver: "VER", Lap: 100000},
		{Driver: "VER", Lap: 1, LastLapS: math.NaN()},
		{Driver: "VER", Lap: 1, LastLapS: -3},
		{Driver: "VER", Lap: 1, TyreAgeLaps: -1},
		{Driver: "VER", Lap: 1, GapToLeaderS: math.Inf(1)},
		{Driver: "VER", Lap: 1, PitStops: -2},
	}
	for i := range bad {
		if out := p.Observe(&bad[i], nil); len(out) != 0 {
			t.Errorf("record %d gave predictions", i)
		}
	}
	if st := p.Stats(); st.Ignored != len(bad) || st.Predictions != 0 {
		t.Errorf("stats %+v", st)
	}
	// A flood of driver codes does not grow the state without bound.
	for i := 0; i < 1000; i++ {
		code := string([]byte{'A' + byte(i%26), 'A' + byte(i/26%26), 'A' + byte(i/676)})
		p.Observe(&f1.Position{Driver: code, Lap: 1, LastLapS: 90, TyreAgeLaps: 1, Tyre: f1.TyreSoft}, nil)
	}
	if len(p.drivers) > maxDrivers {
		t.Errorf("%d drivers kept", len(p.drivers))
	}
}

func TestPredictorStateIsBounded(t *testing.T) {
	var drivers []string
	for i := 0; i < 26; i++ {
		drivers = append(drivers, string([]byte{'A' + byte(i), 'X', 'Z'}))
	}
	r := newRace(maxLap, drivers, nil, 0.01)
	p := New(Config{PitLossS: 22, TotalLaps: maxLap, KeepSamples: true})
	for i := range r.pos {
		p.Observe(&r.pos[i], nil)
	}
	if len(p.gaps) > gapLaps+1 || len(p.samples) > maxSamples || len(p.ended) > maxStintEnds {
		t.Errorf("gaps %d laps, samples %d, ended %d", len(p.gaps), len(p.samples), len(p.ended))
	}
	for c, d := range p.drivers {
		if len(d.st.laps) > maxLap {
			t.Errorf("%s keeps %d laps", c, len(d.st.laps))
		}
	}
}

func TestSafetyCarMakesAStopCheap(t *testing.T) {
	r := newRace(40, []string{"VER", "NOR"}, nil, 0.05)
	run := func(sc bool) f1.Prediction {
		p := New(Config{PitLossS: 22, TotalLaps: 40})
		var last f1.Prediction
		for i := range r.pos {
			if sc && r.pos[i].Lap == 15 && r.pos[i].Driver == "VER" {
				p.RaceControl(&f1.RaceControl{Type: f1.EventSafetyCar, Message: "SAFETY CAR DEPLOYED"})
			}
			for _, pr := range p.Observe(&r.pos[i], nil) {
				if pr.Driver == "VER" && pr.Lap == 15 && pr.HorizonLaps == 1 {
					last = pr
				}
			}
		}
		return last
	}
	green, sc := run(false), run(true)
	if sc.Probability <= green.Probability || !strings.Contains(sc.Reasons, "SC: cheap stop") || !strings.Contains(sc.Reasons, "< 11 s pit loss") {
		t.Errorf("under SC: %.3f %q; green: %.3f %q", sc.Probability, sc.Reasons, green.Probability, green.Reasons)
	}
}
