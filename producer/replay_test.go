package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// csvRow is a telemetry row read straight from a real file.
type csvRow struct {
	ts                                      int64
	rpm, speed, throttle, brake, dist, x, y float64
	gear, drs                               int
	hasXY                                   bool
}

func readTelemetryCSV(t *testing.T, path string) []csvRow {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]int{}
	for i, n := range recs[0] {
		h[n] = i
	}
	f := func(r []string, col string) float64 {
		v, err := strconv.ParseFloat(r[h[col]], 64)
		if err != nil {
			t.Fatalf("%s %s: %v", path, col, err)
		}
		return v
	}
	var out []csvRow
	for _, r := range recs[1:] {
		tm, err := time.Parse("2006-01-02 15:04:05.999999999", r[h["Date"]])
		if err != nil {
			t.Fatal(err)
		}
		row := csvRow{ts: tm.UnixMilli(), rpm: f(r, "RPM"), speed: f(r, "Speed"), throttle: f(r, "Throttle"),
			gear: int(f(r, "nGear")), drs: int(f(r, "DRS")), dist: f(r, "Distance")}
		if r[h["Brake"]] == "True" {
			row.brake = 100
		}
		if _, ok := h["X"]; ok {
			row.x, row.y, row.hasXY = f(r, "X"), f(r, "Y"), true
		}
		out = append(out, row)
	}
	return out
}

func TestReplayReproducesRealTelemetry(t *testing.T) {
	data := realdata.Dir(t)
	files := map[string]string{
		"VER@monza": filepath.Join(data, "monza2024_race", "telemetry_VER.csv"),
		"VER@spa":   filepath.Join(data, "spa2022_race", "telemetry_VER.csv"),
		"PER@spa":   filepath.Join(data, "spa2022_race", "telemetry_PER.csv"),
	}
	for _, keep := range []bool{true, false} {
		name := "moved-to-now"
		if keep {
			name = "keep-time"
		}
		t.Run(name, func(t *testing.T) {
			addr := newBroker(t)
			if keep {
				keepForever(t, addr)
			}
			for label, path := range files {
				args := []string{"replay", "--brokers", addr, "--speed", "max", "--race-id", "rp-" + label, path}
				if keep {
					args = append(args, "--keep-time")
				}
				if code, out, errOut := cli(t, context.Background(), nil, args...); code != 0 {
					t.Fatalf("%s: exit %d: %s %s", label, code, out, errOut)
				}
			}
			got := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicTelemetry, telTs, telKey)
			byRace := map[string][]f1.Telemetry{}
			for _, x := range got {
				byRace[x.RaceID] = append(byRace[x.RaceID], x)
			}
			for label, path := range files {
				want := readTelemetryCSV(t, path)
				recs := byRace["rp-"+label]
				sort.SliceStable(recs, func(i, j int) bool { return recs[i].Ts < recs[j].Ts })
				if len(recs) != len(want) {
					t.Fatalf("%s: %d records for %d rows", label, len(recs), len(want))
				}
				driver := strings.Split(label, "@")[0]
				for i, w := range want {
					g := recs[i]
					if g.Driver != driver || g.SpeedKph != w.speed || g.RPM != w.rpm || g.Gear != w.gear || g.ThrottlePct != w.throttle ||
						g.Brake != w.brake || g.DRS != w.drs || g.DistanceM != w.dist || (w.hasXY && (g.X != w.x || g.Y != w.y)) {
						t.Fatalf("%s row %d: got %+v, want %+v", label, i+2, g, w)
					}
					// Spacing: the same gaps between rows; with --keep-time the same times.
					if keep && g.Ts != w.ts {
						t.Fatalf("%s row %d: ts %d, want %d", label, i+2, g.Ts, w.ts)
					}
					if g.Ts-recs[0].Ts != w.ts-want[0].ts {
						t.Fatalf("%s row %d: %d ms after the first row, want %d", label, i+2, g.Ts-recs[0].Ts, w.ts-want[0].ts)
					}
				}
				if !keep && math.Abs(float64(time.Now().UnixMilli()-recs[0].Ts)) > 10*60_000 {
					t.Errorf("%s: times not moved to now: first ts %d", label, recs[0].Ts)
				}
			}
		})
	}
}

// TestReplaySpeedDividesSpacing replays the Spa lap 50 times faster.
func TestReplaySpeedDividesSpacing(t *testing.T) {
	path := filepath.Join(realdata.Dir(t), "spa2022_race", "telemetry_PER.csv")
	addr := newBroker(t)
	code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "50", "--alerts=false", path)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	want := readTelemetryCSV(t, path)
	got := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicTelemetry, telTs, telKey)
	sort.SliceStable(got, func(i, j int) bool { return got[i].Ts < got[j].Ts })
	if len(got) != len(want) {
		t.Fatalf("%d records for %d rows", len(got), len(want))
	}
	for i := range want {
		wantGap := float64(want[i].ts-want[0].ts) / 50
		if d := math.Abs(float64(got[i].Ts-got[0].Ts) - wantGap); d > 1 {
			t.Fatalf("row %d: %d ms after the first, want %.1f", i+2, got[i].Ts-got[0].Ts, wantGap)
		}
	}
}

// TestReplayLapsAndRaceControl replays the Monza laps and race control
// files together: timing, LAP events and race control arrive in time order.
func TestReplayLapsAndRaceControl(t *testing.T) {
	data := realdata.Dir(t)
	addr := newBroker(t)
	keepForever(t, addr)
	code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", "--keep-time", "--race-id", "monza24",
		filepath.Join(data, "monza2024_race", "laps.csv"), filepath.Join(data, "monza2024_race", "race_control.csv"),
		filepath.Join(data, "spa2022_race", "laps_VER_PER.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	d := newDecoder(t, "")
	pos := decodeTopic(t, d, addr, f1.TopicPositions, posTs, posKey)
	rc := decodeTopic(t, d, addr, f1.TopicRaceControl, rcTs, rcKey)
	if len(pos) != 1008+88 {
		t.Fatalf("%d positions, want one per lap row (1096)", len(pos))
	}
	var lec53 *f1.Position
	for i := range pos {
		if pos[i].Driver == "LEC" && pos[i].Lap == 53 {
			lec53 = &pos[i]
		}
	}
	// Leclerc won the 2024 Italian GP: P1 on lap 53, gap 0, on HARD after one stop.
	if lec53 == nil || lec53.Position != 1 || lec53.GapToLeaderS != 0 || lec53.Tyre != f1.TyreHard || lec53.PitStops != 1 {
		t.Fatalf("LEC lap 53: %+v", lec53)
	}
	laps, flags := 0, 0
	for i, r := range rc {
		if i > 0 && r.Ts < rc[i-1].Ts {
			t.Fatalf("race control out of order at %d", i)
		}
		switch r.Type {
		case f1.EventLap:
			laps++
		case f1.EventFlag, f1.EventFinish, f1.EventSafetyCar, f1.EventVSC:
			flags++
		}
	}
	if laps != 52+43 || flags != 61 {
		t.Fatalf("%d LAP events (want 95) and %d race control messages (want 61)", laps, flags)
	}
}

func TestReplayEveryRealTimingFile(t *testing.T) {
	data := realdata.Dir(t)
	addr := newBroker(t)
	path := filepath.Join(data, "monaco2023_race_laps", "data_Monaco_Grand_Prix_2023.csv")
	code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", path)
	if code != 0 || !strings.Contains(out, "positions 1515") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	// As fast as possible, the race keeps its spacing and ends now: no
	// record in the future (Kafka 4 refuses more than an hour ahead).
	pos := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicPositions, posTs, posKey)
	first, last := pos[0].Ts, pos[0].Ts
	for _, p := range pos {
		first, last = min(first, p.Ts), max(last, p.Ts)
	}
	if now := time.Now().UnixMilli(); last > now || now-last > 60_000 || last-first < 3_600_000 {
		t.Fatalf("positions from %s to %s, want a race of over an hour ending now (%s)",
			time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC(), time.UnixMilli(now).UTC())
	}
	// A file without dates cannot keep its times.
	code, _, errOut = cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", "--keep-time", path)
	if code != 1 || !strings.Contains(errOut, "drop --keep-time") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestReplayKeepTimeWarnsOfRetention: records kept at their 2024 times in
// topics that keep records 7 days (the broker's default) are deleted by
// Kafka's next retention check; the replay says so, and not when the
// topics keep records forever.
func TestReplayKeepTimeWarnsOfRetention(t *testing.T) {
	file := filepath.Join(realdata.Dir(t), "monza2024_race", "race_control.csv")
	for _, forever := range []bool{false, true} {
		t.Run(fmt.Sprintf("forever=%v", forever), func(t *testing.T) {
			addr := newBroker(t)
			if forever {
				keepForever(t, addr)
			}
			code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", "--keep-time", file)
			if code != 0 {
				t.Fatalf("exit %d: %s %s", code, out, errOut)
			}
			warned := strings.Contains(errOut, "WARNING: --keep-time writes records of 2024-09-01, older than the retention of "+
				f1.TopicAlerts+" (retention.ms 604800000")
			if warned == forever || (warned && !strings.Contains(errOut, "retention.ms=-1")) {
				t.Fatalf("topics kept forever: %v; stderr:\n%s", forever, errOut)
			}
		})
	}
}
