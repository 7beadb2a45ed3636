package plugin

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// f1TopicSpecs are the five data topics with docs/DESIGN.md's partition counts.
func f1TopicSpecs() map[string]int32 {
	out := map[string]int32{}
	for _, s := range f1.Topics() {
		if s.Name != f1.TopicRaceCommands {
			out[s.Name] = s.Partitions
		}
	}
	return out
}

// f1SchemaIDs are the registry ids of the five value schemas (0: JSON),
// Avro ones, or Protobuf ones when proto is set.
type f1SchemaIDs struct {
	tel, pos, rc, al, pr int
	proto                bool
}

// simRace is one simulated race as records per topic.
type simRace struct {
	byTopic        map[string][]rec
	startMs, endMs int64
}

// goldenRaceConfig is the race of the golden files: two laps of Monza, three
// cars, with spins, gear anomalies and hot brakes injected often so that
// every frame has something in it. Seeded: the same records every run.
func goldenRaceConfig() sim.Config {
	c, _ := f1.CircuitByName("monza")
	ds, _ := f1.ParseDrivers("VER,LEC,NOR")
	return sim.Config{RaceID: "monza-7", Circuit: c, Laps: 2, Drivers: ds, Seed: 7, RateHz: 4,
		SpinPerLap: 0.6, AnomalyPerLap: 1, HotBrakesPerRace: 0.7}
}

// runSim runs the simulator and encodes its records as producer serve
// would (JSON, or Avro when ids are set), keyed and partitioned as
// docs/DESIGN.md says: by driver, race id, severity or model; with the
// predictions pkg/f1/predict makes of its timing, as the producer does.
func runSim(t testing.TB, cfg sim.Config, ids f1SchemaIDs) simRace {
	t.Helper()
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	parts := f1TopicSpecs()
	out := simRace{byTopic: map[string][]rec{}, startMs: -1}
	add := func(topic, key string, ts int64, v []byte) {
		out.byTopic[topic] = append(out.byTopic[topic], rec{partition: partitionOf(key, parts[topic]), key: key, ts: ts, value: v})
		if out.startMs < 0 || ts < out.startMs {
			out.startMs = ts
		}
		out.endMs = max(out.endMs, ts)
	}
	laps := cfg.Laps
	if laps == 0 {
		laps = cfg.Circuit.Laps
	}
	pred := predict.New(predict.Config{PitLossS: cfg.Circuit.PitLossS, TotalLaps: laps})
	var preds []f1.Prediction
	for {
		ev, ok := s.Next()
		if !ok {
			break
		}
		switch ev.Type {
		case sim.TelemetryEvent:
			v := f1wire.TelemetryJSON(nil, ev.Telemetry)
			if ids.tel > 0 {
				v = f1wire.TelemetryAvro(nil, ids.tel, ev.Telemetry)
				if ids.proto {
					v = f1wire.TelemetryProtobuf(nil, ids.tel, ev.Telemetry)
				}
			}
			add(f1.TopicTelemetry, ev.Telemetry.Driver, ev.Telemetry.Ts, v)
		case sim.PositionEvent:
			v := f1wire.PositionJSON(nil, ev.Position)
			if ids.pos > 0 {
				v = f1wire.PositionAvro(nil, ids.pos, ev.Position)
				if ids.proto {
					v = f1wire.PositionProtobuf(nil, ids.pos, ev.Position)
				}
			}
			add(f1.TopicPositions, ev.Position.Driver, ev.Position.Ts, v)
			preds = pred.Observe(ev.Position, preds)
			for i := range preds {
				p := &preds[i]
				v := f1wire.PredictionJSON(nil, p)
				if ids.pr > 0 {
					v = f1wire.PredictionAvro(nil, ids.pr, p)
					if ids.proto {
						v = f1wire.PredictionProtobuf(nil, ids.pr, p)
					}
				}
				add(f1.TopicPredictions, p.Model, p.Ts, v)
			}
		case sim.RaceControlEvent:
			v := f1wire.RaceControlJSON(nil, ev.RaceControl)
			if ids.rc > 0 {
				v = f1wire.RaceControlAvro(nil, ids.rc, ev.RaceControl)
				if ids.proto {
					v = f1wire.RaceControlProtobuf(nil, ids.rc, ev.RaceControl)
				}
			}
			add(f1.TopicRaceControl, ev.RaceControl.RaceID, ev.RaceControl.Ts, v)
			pred.RaceControl(ev.RaceControl)
		case sim.AlertEvent:
			v := f1wire.AlertJSON(nil, ev.Alert)
			if ids.al > 0 {
				v = f1wire.AlertAvro(nil, ids.al, ev.Alert)
				if ids.proto {
					v = f1wire.AlertProtobuf(nil, ids.al, ev.Alert)
				}
			}
			add(f1.TopicAlerts, ev.Alert.Severity, ev.Alert.Ts, v)
		}
	}
	return out
}

func partitionOf(key string, n int32) int32 {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int32(h.Sum32() % uint32(n))
}

// produceRace writes a simulated race to the cluster.
func produceRace(t testing.TB, c broker, r simRace) {
	t.Helper()
	for topic, recs := range r.byTopic {
		produce(t, c, topic, recs...)
	}
}

// f1Query runs one query of the race's time range (padded by a second)
// through QueryData.
func f1Query(t testing.TB, d *Datasource, r simRace, q map[string]any, maxPoints int64, headers map[string]string) backend.DataResponse {
	t.Helper()
	return runQuery(t, d, q, r.startMs-1000, r.endMs+1000, maxPoints, headers)
}

// frameByName finds a frame of a response.
func frameByName(t testing.TB, frames data.Frames, name string) *data.Frame {
	t.Helper()
	for _, f := range frames {
		if f.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range frames {
		names = append(names, f.Name)
	}
	t.Fatalf("no frame %q among %v", name, names)
	return nil
}

// raceCall calls a race resource with a body, as an Editor.
func raceCall(t testing.TB, d *Datasource, method, path, body string) (int, map[string]any) {
	t.Helper()
	return raceCallAs(t, d, &backend.User{Login: "editor", Role: "Editor"}, method, path, body)
}

// raceCallAs calls a race resource with a body, as user (nil: none).
func raceCallAs(t testing.TB, d *Datasource, user *backend.User, method, path, body string) (int, map[string]any) {
	t.Helper()
	rr := &resourceRecorder{}
	err := d.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{OrgID: testOrg, User: user}, Method: method, Path: path, URL: path, Body: []byte(body),
	}, rr)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(rr.resp.Body, &m); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %s", method, path, rr.resp.Body)
	}
	return rr.resp.Status, m
}

// f1WaitPackets waits until the recorder holds packets for which cond holds.
func f1WaitPackets(t testing.TB, r *recorder, what string, cond func(packets []map[string]json.RawMessage) bool) []map[string]json.RawMessage {
	t.Helper()
	var got []map[string]json.RawMessage
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, _ = r.snapshot()
		if cond(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s (%d packets)", what, len(got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
