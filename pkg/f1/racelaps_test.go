package f1

import (
	"strconv"
	"strings"
	"testing"
)

// threeCarRace: 3 laps from lights out at 1 000 000 ms. VER leads, pits at
// the end of lap 1 (MEDIUM to HARD, a slow deleted out lap) and wins; HAM
// leads lap 2; LEC stops after lap 1.
func threeCarRace() *RaceLaps {
	const s = int64(1_000_000)
	return &RaceLaps{RaceID: "r", StartMs: s, TotalLaps: 3,
		Drivers: []DriverLaps{
			{Driver: "HAM", Grid: 3, Laps: []Lap{
				{Number: 1, EndMs: s + 95_000, TimeS: 95, Compound: TyreHard, TyreAge: 1},
				{Number: 2, EndMs: s + 190_000, TimeS: 95, Compound: TyreHard, TyreAge: 2},
				{Number: 3, EndMs: s + 285_000, TimeS: 95, Compound: TyreHard, TyreAge: 3}}},
			{Driver: "VER", Grid: 1, Laps: []Lap{
				{Number: 1, EndMs: s + 90_000, TimeS: 90, Compound: TyreMedium, TyreAge: 1, PitIn: true},
				{Number: 2, EndMs: s + 200_000, TimeS: 110, Compound: TyreHard, TyreAge: 1, PitOut: true, Deleted: true},
				{Number: 3, EndMs: s + 280_000, TimeS: 80, Compound: TyreHard, TyreAge: 2}}},
			{Driver: "LEC", Grid: 2, Laps: []Lap{
				{Number: 1, EndMs: s + 91_000, TimeS: 91, Compound: TyreSoft, TyreAge: 4}}},
		}}
}

func TestRaceLapsTiming(t *testing.T) {
	r := threeCarRace()
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	r.PitsFromLaps(func(d *DriverLaps, l *Lap) int64 { return l.EndMs - 2000 },
		func(d *DriverLaps, l *Lap) int64 { return r.StartMs + 115_000 })
	if p := r.Driver("VER").Pits; len(p) != 1 || p[0].Lap != 1 || p[0].LaneS != 27 || p[0].From != TyreMedium || p[0].To != TyreHard {
		t.Fatalf("VER pits %+v", p)
	}
	r.Results = []Result{{Driver: "VER", Position: 1, Classified: "1", Laps: 3}, {Driver: "HAM", Position: 2, Classified: "2", Laps: 3, GapS: 5},
		{Driver: "LEC", Position: 3, Classified: "R", Laps: 1, Status: "Retired"}}
	pos, ev := r.Timing(TimingOptions{LightsOut: true, Finish: true})
	var got []string
	for _, p := range pos {
		got = append(got, strings.Join([]string{p.Driver, itoa(p.Lap), "P" + itoa(p.Position), p.Status}, " "))
	}
	want := []string{
		"VER 0 P1 RUNNING", "LEC 0 P2 RUNNING", "HAM 0 P3 RUNNING",
		"VER 1 P1 PIT", "LEC 1 P2 RUNNING", "HAM 1 P3 RUNNING",
		"HAM 2 P1 RUNNING", "VER 2 P2 RUNNING",
		"VER 3 P1 FINISHED", "HAM 3 P2 FINISHED",
		"VER 3 P1 FINISHED", "HAM 3 P2 FINISHED", "LEC 1 P3 OUT",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("positions\n got %v\nwant %v", got, want)
	}
	ver2 := pos[7]
	if ver2.GapToLeaderS != 10 || ver2.IntervalS != 10 || ver2.BestLapS != 90 || ver2.PitStops != 1 || ver2.Tyre != TyreHard {
		t.Errorf("VER lap 2 (deleted, after the stop): %+v", ver2)
	}
	if g := pos[0]; g.Tyre != TyreMedium || g.TyreAgeLaps != 0 || g.Ts != r.StartMs {
		t.Errorf("grid record %+v", g)
	}
	var types []string
	for _, e := range ev {
		types = append(types, e.Type+" "+e.Message)
	}
	wantEv := []string{
		"LIGHTS_OUT Lights out: 3 cars, 3 laps",
		"LAP Lap 2/3, VER leads",
		"PIT VER pit stop 1: MEDIUM to HARD, 27.0 s in the pit lane",
		"LAP Lap 3/3, HAM leads",
		"FINISH Chequered flag: VER wins",
		"CLASSIFICATION Official classification: 1. VER, 2. HAM, 3. LEC",
	}
	if strings.Join(types, "|") != strings.Join(wantEv, "|") {
		t.Errorf("events\n got %v\nwant %v", types, wantEv)
	}
	// The feed, through the board: LEC OUT on lap 2, the classification as published.
	lb := NewLeaderboard()
	for _, p := range pos {
		lb.ApplyPosition(&p)
	}
	for _, e := range ev {
		lb.ApplyRaceControl(&e)
	}
	if got := order(lb.Snapshot(nil)); got != "1.VER 2.HAM 3.LEC(OUT L2)" {
		t.Errorf("board %s", got)
	}
	// The classification's intervals: the winner none, HAM its published
	// gap to the car ahead, LEC (out) none.
	for _, p := range pos[len(pos)-3:] {
		if want := map[string]float64{"VER": 0, "HAM": 5, "LEC": 0}[p.Driver]; p.IntervalS != want {
			t.Errorf("classified %s interval %v, want %v", p.Driver, p.IntervalS, want)
		}
	}
}

// The classification gives each timed car its interval to the timed car
// ahead from the published gaps (to the ms), and a lapped car the interval
// it had at its last line.
func TestRaceLapsClassificationIntervals(t *testing.T) {
	const s = int64(1_000_000)
	lap := func(n int, end int64) Lap { return Lap{Number: n, EndMs: s + end, TimeS: 90} }
	r := &RaceLaps{RaceID: "r", StartMs: s, TotalLaps: 2, Drivers: []DriverLaps{
		{Driver: "LEC", Grid: 1, Laps: []Lap{lap(1, 90_000), lap(2, 180_000)}},
		{Driver: "PIA", Grid: 2, Laps: []Lap{lap(1, 92_000), lap(2, 182_664)}},
		{Driver: "NOR", Grid: 3, Laps: []Lap{lap(1, 93_000), lap(2, 186_153)}},
		{Driver: "OCO", Grid: 4, Laps: []Lap{lap(1, 140_000)}},
		{Driver: "STR", Grid: 5, Laps: []Lap{lap(1, 143_500)}},
	}}
	r.Results = []Result{{Driver: "LEC", Position: 1, Classified: "1", Laps: 2, TimeS: 180},
		{Driver: "PIA", Position: 2, Classified: "2", Laps: 2, GapS: 2.664},
		{Driver: "NOR", Position: 3, Classified: "3", Laps: 2, GapS: 6.153},
		{Driver: "OCO", Position: 4, Classified: "4", Laps: 1, Status: "Lapped"},
		{Driver: "STR", Position: 5, Classified: "5", Laps: 1, Status: "Lapped"}}
	pos, _ := r.Timing(TimingOptions{})
	got := map[string]float64{}
	for _, p := range pos[len(pos)-5:] {
		got[p.Driver] = p.IntervalS
	}
	want := map[string]float64{"LEC": 0, "PIA": 2.664, "NOR": 3.489, "OCO": 47, "STR": 3.5}
	for d, w := range want {
		if got[d] != w {
			t.Errorf("%s interval %v, want %v (all: %v)", d, got[d], w, got)
		}
	}
}

func TestRaceLapsFillTyresAndCheck(t *testing.T) {
	r := &RaceLaps{Drivers: []DriverLaps{
		{Driver: "NOR", Stints: []Stint{{Number: 1, LapStart: 1, LapEnd: 2, Compound: TyreMedium}, {Number: 2, LapStart: 3, LapEnd: 4, Compound: TyreHard, AgeAtStart: 3}},
			Laps: []Lap{{Number: 1}, {Number: 2, Compound: TyreSoft}, {Number: 3}, {Number: 4, TyreAge: 5}}},
		{Driver: "PIA", Laps: []Lap{{Number: 1, Compound: TyreMedium, TyreAge: 3, Stint: 1}, {Number: 2, Compound: TyreMedium, TyreAge: 4, Stint: 1},
			{Number: 3, Compound: TyreHard, TyreAge: 1, Stint: 2}}},
	}}
	if n := r.FillTyres(); n != 1 {
		t.Errorf("%d disagreements, want 1 (NOR lap 2 says SOFT in a MEDIUM stint)", n)
	}
	nor := r.Driver("NOR")
	if l := nor.Lap(3); l.Compound != TyreHard || l.TyreAge != 4 || l.Stint != 2 {
		t.Errorf("NOR lap 3 %+v", l)
	}
	if l := nor.Lap(4); l.TyreAge != 5 {
		t.Errorf("NOR lap 4 keeps its own age: %+v", l)
	}
	pia := r.Driver("PIA").Stints
	if len(pia) != 2 || pia[0].AgeAtStart != 2 || pia[0].LapEnd != 2 || pia[1].Compound != TyreHard || pia[1].LapStart != 3 {
		t.Errorf("PIA stints from laps %+v", pia)
	}
	bad := []*RaceLaps{
		{Drivers: []DriverLaps{{Driver: "A"}, {Driver: "A"}}},
		{Drivers: []DriverLaps{{Driver: "A", Laps: []Lap{{Number: 2}, {Number: 1}}}}},
		{Drivers: []DriverLaps{{Driver: "A", Laps: []Lap{{Number: MaxLap + 1}}}}},
		{Drivers: []DriverLaps{{Driver: "A", Laps: []Lap{{Number: 1, StartMs: 5, EndMs: 4}}}}},
		{Drivers: []DriverLaps{{Driver: "A", Stints: []Stint{{LapStart: 1, LapEnd: 5}, {LapStart: 5, LapEnd: 9}}}}},
		{Drivers: []DriverLaps{{}}},
	}
	for i, r := range bad {
		if err := r.Check(); err == nil {
			t.Errorf("bad race %d passed Check", i)
		}
	}
	for _, c := range []struct {
		r    Result
		want bool
	}{{Result{Classified: "R"}, true}, {Result{Classified: "12"}, false}, {Result{Status: "Retired"}, true}, {Result{Status: "+1 Lap"}, false}} {
		if c.r.Retired() != c.want {
			t.Errorf("%+v Retired() = %v", c.r, !c.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
