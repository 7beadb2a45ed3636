package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/openf1/openf1test"
	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

var (
	wTs   = func(x *f1.Weather) int64 { return x.Ts }
	wKey  = func(x *f1.Weather) string { return x.RaceID }
	locTs = func(x *f1.Location) int64 { return x.Ts }
	locK  = func(x *f1.Location) string { return x.Driver }
)

// finalBoard folds what was written to f1-positions and f1-race-control.
func finalBoard(pos []f1.Position, rc []f1.RaceControl) []f1.LeaderboardRow {
	lb := f1.NewLeaderboard()
	for i := range pos {
		lb.ApplyPosition(&pos[i])
	}
	for i := range rc {
		lb.ApplyRaceControl(&rc[i])
	}
	return lb.Snapshot(nil)
}

// TestReplayWholeMonza: `producer replay monza2024_race/*.csv` (Avro, with
// the registry) writes every file of the race to its topic, and what is
// in Kafka folds into results.csv's classification.
func TestReplayWholeMonza(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(realdata.Dir(t), "monza2024_race", "*.csv"))
	if err != nil || len(files) != 7 {
		t.Fatalf("%v %v", files, err)
	}
	addr := newBroker(t)
	// --keep-time writes 2024 timestamps: on real Kafka (retention checked
	// every second) topics with the default 7-day retention lose them while
	// they are read back, as the producer's warning says.
	keepForever(t, addr)
	reg := newRegistry(t)
	args := append([]string{"replay", "--brokers", addr, "--registry", reg.URL(), "--format", "avro", "--speed", "max",
		"--keep-time", "--race-id", "monza2024", "--alerts=false"}, files...)
	code, out, errOut := cli(t, context.Background(), nil, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	t.Log(out, errOut)
	for _, want := range []string{"lights out 13:03:34.413 UTC", "t = 214.6 s", "official classification", "weather", "locations 46440"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	d := newDecoder(t, reg.URL())
	pos := decodeTopic(t, d, addr, f1.TopicPositions, posTs, posKey)
	rc := decodeTopic(t, d, addr, f1.TopicRaceControl, rcTs, rcKey)
	w := decodeTopic(t, d, addr, f1.TopicWeather, wTs, wKey)
	locs := decodeTopic(t, d, addr, f1.TopicLocations, locTs, locK)
	tel := decodeTopic(t, d, addr, f1.TopicTelemetry, telTs, telKey)
	if len(pos) != 1048 || len(w) != 79 || len(locs) != 46440 || len(tel) != 632 || tel[0].Lap != 43 {
		t.Fatalf("positions %d, weather %d, locations %d, telemetry %d", len(pos), len(w), len(locs), len(tel))
	}
	var lec43 *f1.Position
	for i := range pos {
		if p := &pos[i]; p.Driver == "LEC" && p.Lap == 43 && p.Status == f1.StatusRunning {
			lec43 = p
		}
	}
	if lec43 == nil || lec43.Sector1S == 0 || lec43.Sector3S == 0 || lec43.Tyre != f1.TyreHard {
		t.Errorf("LEC lap 43: %+v", lec43)
	}
	var got []string
	for _, r := range finalBoard(pos, rc) {
		got = append(got, r.Driver)
	}
	if strings.Join(got, " ") != "LEC PIA NOR SAI HAM VER RUS PER ALB MAG ALO COL RIC OCO GAS BOT HUL ZHO STR TSU" {
		t.Errorf("board from Kafka: %v", got)
	}
}

// TestOpenF1Command: `producer openf1` against a local server with the
// session 9590 fixture, looked up by year and country, writes the five
// cars' race; a second run with the cache needs no server at all; a 429 is
// waited out.
func TestOpenF1Command(t *testing.T) {
	srv := openf1test.New(t, filepath.Join("..", "internal", "openf1", "testdata", "session9590"))
	srv.Throttle(1, "1")
	cache := t.TempDir()
	addr := newBroker(t)
	keepForever(t, addr) // --keep-time: 2024 timestamps (see TestReplayWholeMonza)
	code, out, errOut := cli(t, context.Background(), nil, "openf1", "--brokers", addr, "--base-url", srv.API(), "--cache", cache,
		"--year", "2024", "--country", "Italy", "--speed", "max", "--keep-time", "--alerts=false", "--pace", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	t.Log(errOut)
	if !strings.Contains(errOut, "session 9590") || !strings.Contains(errOut, "retrying in 1s") {
		t.Errorf("stderr: %s", errOut)
	}
	d := newDecoder(t, "")
	pos := decodeTopic(t, d, addr, f1.TopicPositions, posTs, posKey)
	rc := decodeTopic(t, d, addr, f1.TopicRaceControl, rcTs, rcKey)
	var got []string
	for _, r := range finalBoard(pos, rc) {
		got = append(got, r.Driver)
	}
	if strings.Join(got, " ") != "LEC PIA VER OCO TSU" || rc[0].RaceID != "openf1-9590" {
		t.Errorf("board %v", got)
	}
	if n := len(decodeTopic(t, d, addr, f1.TopicLocations, locTs, locK)); n != 775 {
		t.Errorf("%d locations", n)
	}
	served := len(srv.Requests())
	srv.Close()
	addr2 := newBroker(t)
	code, out, errOut = cli(t, context.Background(), nil, "openf1", "--brokers", addr2, "--base-url", srv.API(), "--cache", cache,
		"--year", "2024", "--country", "Italy", "--speed", "max")
	if code != 0 || !strings.Contains(errOut, "0 requests") {
		t.Fatalf("second run from the cache: exit %d: %s %s", code, out, errOut)
	}
	if served < 20 {
		t.Errorf("first run: %d requests", served)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) < 10 {
		t.Errorf("cache holds %d endpoints", len(entries))
	}
	// Bad input says what to fix.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"openf1", "--brokers", addr2}, "say which session"},
		{[]string{"openf1", "--brokers", addr2, "--year", "2024"}, "--year and --country go together"},
		{[]string{"openf1", "--brokers", addr2, "--session", "9590", "--drivers", "x"}, "not a car number"},
	} {
		code, _, errOut := cli(t, context.Background(), nil, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %s", c.args, code, errOut)
		}
	}
}
