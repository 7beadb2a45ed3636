package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
)

// expectedRace runs the simulator alone with the config the CLI builds.
func expectedRace(t *testing.T, raceID string, laps int, drivers string, seed uint64) (tel []f1.Telemetry, pos []f1.Position, rc []f1.RaceControl, al []f1.Alert, truth []sim.Truth) {
	t.Helper()
	c, _ := f1.CircuitByName("monza")
	ds, err := f1.ParseDrivers(drivers)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Config{RaceID: raceID, Circuit: c, Laps: laps, Drivers: ds, Seed: seed, RateHz: 4, StartMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	for {
		ev, ok := s.Next()
		if !ok {
			return
		}
		switch ev.Type {
		case sim.TelemetryEvent:
			tel = append(tel, *ev.Telemetry)
		case sim.PositionEvent:
			pos = append(pos, *ev.Position)
		case sim.RaceControlEvent:
			rc = append(rc, *ev.RaceControl)
		case sim.AlertEvent:
			al = append(al, *ev.Alert)
		case sim.TruthEvent:
			truth = append(truth, *ev.Truth)
		}
	}
}

// expectedPredictions runs the simulator alone and pkg/f1/predict on its
// timing and race control, as the producer does.
func expectedPredictions(t *testing.T, raceID string, laps int, drivers string, seed uint64) []f1.Prediction {
	t.Helper()
	c, _ := f1.CircuitByName("monza")
	ds, err := f1.ParseDrivers(drivers)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Config{RaceID: raceID, Circuit: c, Laps: laps, Drivers: ds, Seed: seed, RateHz: 4, StartMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := predict.New(predict.Config{PitLossS: c.PitLossS, TotalLaps: laps})
	var out, buf []f1.Prediction
	for {
		ev, ok := s.Next()
		if !ok {
			return out
		}
		switch ev.Type {
		case sim.PositionEvent:
			buf = p.Observe(ev.Position, buf)
			out = append(out, buf...)
		case sim.RaceControlEvent:
			p.RaceControl(ev.RaceControl)
		}
	}
}

// sameByKey compares two record streams key by key (Kafka keeps order only
// within a partition, so within a key), with times relative to each start.
func sameByKey[T any](t *testing.T, name string, got, want []T, key func(*T) string, ts func(*T) *int64, gotStart, wantStart int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", name, len(got), len(want))
	}
	group := func(recs []T, start int64) map[string][]T {
		m := map[string][]T{}
		for _, r := range recs {
			*ts(&r) -= start
			m[key(&r)] = append(m[key(&r)], r)
		}
		return m
	}
	g, w := group(got, gotStart), group(want, wantStart)
	for k, ws := range w {
		if !reflect.DeepEqual(g[k], ws) {
			for i := range ws {
				if i >= len(g[k]) || !reflect.DeepEqual(g[k][i], ws[i]) {
					t.Fatalf("%s key %s record %d:\n got %+v\nwant %+v", name, k, i, g[k][min(i, len(g[k])-1)], ws[i])
				}
			}
			t.Fatalf("%s key %s: different", name, k)
		}
	}
}

func TestRaceRoundTrip(t *testing.T) {
	for _, format := range []string{"json", "avro", "protobuf"} {
		t.Run(format, func(t *testing.T) {
			addr := newBroker(t)
			truthPath := filepath.Join(t.TempDir(), "truth.jsonl")
			raceID := "rt-" + format
			args := []string{"race", "--brokers", addr, "--speed", "max", "--laps", "3", "--drivers", "VER,HAM,LEC,NOR,PIA",
				"--seed", "3", "--race-id", raceID, "--format", format, "--truth", truthPath}
			regURL := ""
			if format != "json" {
				reg := newRegistry(t)
				regURL = reg.URL()
				args = append(args, "--registry", regURL)
			}
			code, out, errOut := cli(t, context.Background(), nil, args...)
			if code != 0 || !strings.Contains(out, "finished") || !strings.Contains(out, "records/s") || !strings.Contains(out, "0 failed") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			wTel, wPos, wRC, wAl, wTruth := expectedRace(t, raceID, 3, "VER,HAM,LEC,NOR,PIA", 3)

			d := newDecoder(t, regURL)
			tel := decodeTopic(t, d, addr, f1.TopicTelemetry, telTs, telKey)
			pos := decodeTopic(t, d, addr, f1.TopicPositions, posTs, posKey)
			rc := decodeTopic(t, d, addr, f1.TopicRaceControl, rcTs, rcKey)
			al := decodeTopic(t, d, addr, f1.TopicAlerts, alTs, alKey)
			if rc[0].Type != f1.EventLightsOut || wRC[0].Type != f1.EventLightsOut {
				t.Fatalf("first race control record %+v", rc[0])
			}
			gs, ws := rc[0].Ts, wRC[0].Ts
			sameByKey(t, "telemetry", tel, wTel, telKey, func(x *f1.Telemetry) *int64 { return &x.Ts }, gs, ws)
			sameByKey(t, "positions", pos, wPos, posKey, func(x *f1.Position) *int64 { return &x.Ts }, gs, ws)
			sameByKey(t, "race control", rc, wRC, rcKey, func(x *f1.RaceControl) *int64 { return &x.Ts }, gs, ws)
			sameByKey(t, "alerts", al, wAl, alKey, func(x *f1.Alert) *int64 { return &x.Ts }, gs, ws)
			// The predictions are pkg/f1/predict's on the published timing,
			// keyed by model.
			pr := decodeTopic(t, d, addr, f1.TopicPredictions, prTs, prKey)
			wPr := expectedPredictions(t, raceID, 3, "VER,HAM,LEC,NOR,PIA", 3)
			if len(wPr) < 5*4 {
				t.Fatalf("only %d predictions expected", len(wPr))
			}
			sameByKey(t, "predictions", pr, wPr, prKey, func(x *f1.Prediction) *int64 { return &x.Ts }, gs, ws)
			if rc[len(rc)-1].Type != f1.EventFinish && !containsType(rc, f1.EventFinish) {
				t.Error("no FINISH published")
			}
			// The simulator's weather: at lights out, then every minute.
			if w := decodeTopic(t, d, addr, f1.TopicWeather, func(x *f1.Weather) int64 { return x.Ts }, func(x *f1.Weather) string { return x.RaceID }); len(w) == 0 || w[0].AirTempC != 25 {
				t.Errorf("weather %+v", w)
			}
			// The track map's feed: each car's telemetry x/y once a second of race time.
			locs := decodeTopic(t, d, addr, f1.TopicLocations, func(x *f1.Location) int64 { return x.Ts }, func(x *f1.Location) string { return x.Driver })
			perCar := map[string]int{}
			for _, l := range locs {
				perCar[l.Driver]++
			}
			telPerCar := map[string]int{}
			for _, x := range tel {
				telPerCar[x.Driver]++
			}
			for code, n := range telPerCar {
				if perCar[code] == 0 || perCar[code] >= n {
					t.Errorf("%s: %d locations for %d telemetry samples", code, perCar[code], n)
				}
			}

			// The truth file holds what the simulator injected, on the same clock.
			var truth []sim.Truth
			fh, err := os.Open(truthPath)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				var tr sim.Truth
				if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
					t.Fatalf("truth line %q: %v", sc.Text(), err)
				}
				tr.StartTs, tr.EndTs = tr.StartTs-gs, tr.EndTs-gs
				truth = append(truth, tr)
			}
			for i := range wTruth {
				wTruth[i].StartTs, wTruth[i].EndTs = wTruth[i].StartTs-ws, wTruth[i].EndTs-ws
			}
			if !reflect.DeepEqual(truth, wTruth) {
				t.Fatalf("truth file:\n got %+v\nwant %+v", truth, wTruth)
			}

			// Topics were created with docs/DESIGN.md's partition counts.
			cl, _ := kgo.NewClient(seeds(addr))
			defer cl.Close()
			details, err := kadm.NewClient(cl).ListTopics(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range f1.Topics() {
				if n := len(details[s.Name].Partitions); n != int(s.Partitions) {
					t.Errorf("topic %s has %d partitions, want %d", s.Name, n, s.Partitions)
				}
			}
			if format != "json" {
				if len(d.ids) != 7 {
					t.Errorf("records used schema ids %v, want 7 distinct (telemetry, positions, race control, alerts, predictions, locations, weather)", d.ids)
				}
				for _, topic := range []string{f1.TopicTelemetry, f1.TopicPositions, f1.TopicRaceControl, f1.TopicAlerts, f1.TopicRaceCommands, f1.TopicPredictions, f1.TopicWeather, f1.TopicLocations} {
					ss, err := d.reg.SchemaByVersion(context.Background(), codec.Subject(topic), -1)
					if err != nil {
						t.Errorf("subject %s: %v", codec.Subject(topic), err)
					} else if want, _ := f1wire.SchemaForTopic(topic); ss.Schema.Schema == "" || want == "" {
						t.Errorf("subject %s has no schema", codec.Subject(topic))
					} else if typ := map[string]sr.SchemaType{"avro": sr.TypeAvro, "protobuf": sr.TypeProtobuf}[format]; ss.Type != typ {
						t.Errorf("subject %s is %s, want %s", codec.Subject(topic), ss.Type, typ)
					}
				}
			}
		})
	}
}

func containsType(rc []f1.RaceControl, typ string) bool {
	for _, r := range rc {
		if r.Type == typ {
			return true
		}
	}
	return false
}

// TestTruthMatchesPublishedAlerts: with many injected spins, every spin
// in the truth file has a wheel_spin alert on f1-alerts inside its window,
// and there are no others.
func TestTruthMatchesPublishedAlerts(t *testing.T) {
	addr := newBroker(t)
	truthPath := filepath.Join(t.TempDir(), "truth.jsonl")
	code, out, errOut := cli(t, context.Background(), []string{"PITWALL_BROKERS=" + addr}, "race", "--speed", "max", "--laps", "12",
		"--circuit", "monaco", "--seed", "21", "--truth", truthPath)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	data, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	var spins []sim.Truth
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var tr sim.Truth
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatal(err)
		}
		if tr.Kind == f1.AlertWheelSpin {
			spins = append(spins, tr)
		}
	}
	alerts := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicAlerts, alTs, alKey)
	var spinAlerts []f1.Alert
	for _, a := range alerts {
		if a.Kind == f1.AlertWheelSpin {
			spinAlerts = append(spinAlerts, a)
		}
	}
	if len(spins) < 3 {
		t.Fatalf("only %d injected spins in 12 laps of Monaco", len(spins))
	}
	for _, a := range spinAlerts {
		ok := false
		for _, s := range spins {
			ok = ok || (s.Driver == a.Driver && a.Ts >= s.StartTs && a.Ts <= s.EndTs)
		}
		if !ok {
			t.Errorf("wheel spin alert %+v outside every injected window", a)
		}
	}
	for _, s := range spins {
		ok := false
		for _, a := range spinAlerts {
			ok = ok || (s.Driver == a.Driver && a.Ts >= s.StartTs && a.Ts <= s.EndTs)
		}
		if !ok {
			t.Errorf("injected spin %+v has no alert", s)
		}
	}
}
