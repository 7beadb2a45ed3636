package f1

import (
	"reflect"
	"testing"
)

func TestFlagOf(t *testing.T) {
	cases := []struct {
		typ, msg string
		want     string
	}{
		{EventLightsOut, "", FlagGreen},
		{EventFinish, "", FlagChequered},
		{EventAborted, "stopped", FlagRed},
		{EventSafetyCar, "SAFETY CAR DEPLOYED", FlagSC},
		{EventSafetyCar, "SAFETY CAR IN THIS LAP", FlagSC},
		{EventSafetyCar, "Safety car ending", FlagGreen},
		{EventVSC, "VIRTUAL SAFETY CAR DEPLOYED", FlagVSC},
		{EventVSC, "VSC ENDING", FlagGreen},
		{EventFlag, "CHEQUERED FLAG", FlagChequered},
		{EventFlag, "RED FLAG", FlagRed},
		{EventFlag, "DOUBLE YELLOW IN TRACK SECTOR 5", FlagYellow},
		{EventFlag, "CLEAR IN TRACK SECTOR 5", FlagGreen},
		{EventFlag, "GREEN LIGHT - PIT EXIT OPEN", FlagGreen},
		{EventFlag, "TRACK CLEARED", ""}, // "CLEARED" is not "RED" nor "CLEAR"
		{EventFlag, "BLUE FLAG FOR CAR 43 (COL)", ""},
		{EventLap, "LAP 5", ""},
	}
	for _, c := range cases {
		got, ok := FlagOf(&RaceControl{Type: c.typ, Message: c.msg})
		if got != c.want || ok != (c.want != "") {
			t.Errorf("FlagOf(%s %q) = %q %v, want %q", c.typ, c.msg, got, ok, c.want)
		}
	}
}

func TestPenaltyOf(t *testing.T) {
	cases := []struct {
		msg, driver string
		want        Penalty
		ok          bool
	}{
		{"FIA STEWARDS: 5 SECOND TIME PENALTY FOR CAR 3 (RIC) - FORCING ANOTHER CAR OFF THE TRACK", "",
			Penalty{Driver: "RIC", Seconds: 5, Ts: 7}, true},
		{"FIA STEWARDS: 10 SECOND TIME PENALTY FOR CAR 20 - CAUSING A COLLISION", "",
			Penalty{Driver: "MAG", Seconds: 10, Ts: 7}, true},
		{"5 SECOND TIME PENALTY FOR CAR 99", "ZZZ", Penalty{Driver: "ZZZ", Seconds: 5, Ts: 7}, true},
		{"PENALTY SERVED - 5 SECOND TIME PENALTY FOR CAR 3 (RIC)", "",
			Penalty{Driver: "RIC", Seconds: 5, Ts: 7, Served: true}, true},
		{"FIA STEWARDS: PIT LANE INCIDENT INVOLVING CAR 3 (RIC) UNDER INVESTIGATION - FAILING TO SERVE TIME PENALTY CORRECTLY", "", Penalty{}, false},
		{"DRIVE THROUGH PENALTY FOR CAR 3 (RIC)", "", Penalty{}, false},
		{"5 SECOND TIME PENALTY FOR CAR 99", "", Penalty{}, false},
	}
	for _, c := range cases {
		got, ok := PenaltyOf(&RaceControl{Ts: 7, Driver: c.driver, Message: c.msg})
		if got != c.want || ok != c.ok {
			t.Errorf("PenaltyOf(%q) = %+v %v, want %+v %v", c.msg, got, ok, c.want, c.ok)
		}
	}
}

func TestLeaderboardLive(t *testing.T) {
	lb := NewLeaderboard()
	if !lb.Apply(&RaceControl{Ts: 1000, RaceID: "sim-1", Type: EventLightsOut, TotalLaps: 5}) {
		t.Fatal("lights out changed nothing")
	}
	p := func(ts int64, d string, pos, lap int, best float64) *Position {
		return &Position{Ts: ts, RaceID: "sim-1", Driver: d, Position: pos, Lap: lap, BestLapS: best,
			Tyre: TyreSoft, Status: StatusRunning}
	}
	for _, x := range []*Position{p(1000, "VER", 1, 0, 0), p(1000, "HAM", 2, 0, 0), p(1000, "LEC", 3, 0, 0)} {
		lb.Apply(x)
	}
	lb.Apply(p(90000, "HAM", 1, 1, 89.5))
	lb.Apply(p(90500, "VER", 2, 1, 90.1))
	if !lb.Apply(p(91000, "LEC", 3, 1, 89.1)) {
		t.Fatal("a new best lap is a change")
	}
	if lb.Apply(p(91000, "LEC", 3, 1, 89.1)) {
		t.Fatal("the same record twice is no change")
	}
	if lb.Apply(p(80000, "LEC", 5, 1, 99)) {
		t.Fatal("an older record than the row's must be ignored")
	}
	if !lb.Apply(&RaceControl{Ts: 92000, RaceID: "sim-1", Type: EventSafetyCar, Message: "SAFETY CAR DEPLOYED", Lap: 2}) {
		t.Fatal("safety car changed nothing")
	}
	// Telemetry feeds the average speed (race-scoped, as AVG(speed)).
	for _, v := range []float64{200, 250, 300} {
		lb.Apply(&Telemetry{Ts: 92100, RaceID: "sim-1", Driver: "VER", SpeedKph: v})
	}
	snap := lb.Snapshot(nil)
	var order []string
	for _, r := range snap {
		order = append(order, r.Driver)
	}
	if !reflect.DeepEqual(order, []string{"HAM", "VER", "LEC"}) {
		t.Fatalf("order %v", order)
	}
	if snap[0].PositionsGained != 1 || snap[1].PositionsGained != -1 || snap[2].PositionsGained != 0 {
		t.Fatalf("gains %+v", snap)
	}
	if !snap[2].FastestLap || snap[0].FastestLap || snap[1].AvgSpeedKph != 250 {
		t.Fatalf("rows %+v", snap)
	}
	if snap[0].Team != "Mercedes" || snap[0].TeamColour != "27F4D2" {
		t.Fatalf("HAM team %q colour %q", snap[0].Team, snap[0].TeamColour)
	}
	race := lb.Race()
	if race.Flag != FlagSC || race.Lap != 2 || race.TotalLaps != 5 || race.ElapsedS() != 91.1 || race.Finished {
		t.Fatalf("race %+v elapsed %v", race, race.ElapsedS())
	}

	// Records of an older race are ignored; a newer race starts over.
	if lb.Apply(&Position{Ts: 500, RaceID: "old", Driver: "ALO", Position: 1}) || lb.Len() != 3 {
		t.Fatal("a record of an older race changed the board")
	}
	if !lb.Apply(&Position{Ts: 200000, RaceID: "sim-2", Driver: "ALO", Position: 1}) || lb.Len() != 1 ||
		lb.Race().RaceID != "sim-2" || lb.Race().Flag != "" {
		t.Fatalf("a newer race did not start a new board: %+v", lb.Race())
	}
	if lb.Apply("not a record") {
		t.Fatal("unknown record type reported a change")
	}
}

// TestLeaderboardFinishClassification: after the finish, unserved time
// penalties reorder cars on the same lap; a penalty followed by a pit stop
// is served; a car without position stays last.
func TestLeaderboardFinishClassification(t *testing.T) {
	lb := NewLeaderboard()
	rc := func(ts int64, msg string) *RaceControl {
		return &RaceControl{Ts: ts, RaceID: "r", Type: "MESSAGE", Message: msg}
	}
	pos := func(ts int64, d string, p, lap int, gap float64, pits int) *Position {
		return &Position{Ts: ts, RaceID: "r", Driver: d, Position: p, Lap: lap, GapToLeaderS: gap, PitStops: pits}
	}
	lb.Apply(pos(1, "NOR", 1, 10, 0, 0))
	lb.Apply(pos(1, "PIA", 2, 10, 3, 0))
	lb.Apply(pos(1, "SAI", 3, 10, 8, 0))
	lb.Apply(rc(2, "5 SECOND TIME PENALTY FOR CAR 4 (NOR)"))   // unserved: 5 > 3
	lb.Apply(rc(3, "10 SECOND TIME PENALTY FOR CAR 55 (SAI)")) // served at a stop below
	lb.Apply(pos(4, "SAI", 3, 10, 8, 1))
	lb.Apply(&Telemetry{Ts: 5, RaceID: "r", Driver: "ALB", SpeedKph: 100})
	before := lb.Snapshot(nil)
	if before[0].Driver != "NOR" || before[0].PenaltyS != 5 || before[2].PenaltyS != 0 || before[3].Driver != "ALB" {
		t.Fatalf("live order must ignore penalties: %+v", before)
	}
	lb.Apply(&RaceControl{Ts: 6, RaceID: "r", Type: EventFinish})
	after := lb.Snapshot(nil)
	var got []string
	for _, r := range after {
		got = append(got, r.Driver)
	}
	if !reflect.DeepEqual(got, []string{"PIA", "NOR", "SAI", "ALB"}) || after[0].Position != 1 ||
		after[1].Position != 2 || after[3].Position != 0 {
		t.Fatalf("classification %v %+v", got, after)
	}
	if !lb.Race().Finished || lb.Race().Flag != FlagChequered || lb.Race().EndTs != 6 {
		t.Fatalf("race %+v", lb.Race())
	}
}
