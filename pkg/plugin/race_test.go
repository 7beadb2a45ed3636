package plugin

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// raceCommands reads every record of f1-race-commands.
func raceCommands(t *testing.T, c broker) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics(f1.TopicRaceCommands),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(context.Background(), f1.TopicRaceCommands)
	if err != nil || ends.Error() != nil {
		t.Fatalf("end offsets: %v %v", err, ends.Error())
	}
	var want int64
	ends.Each(func(o kadm.ListedOffset) { want += o.Offset })
	var out []*kgo.Record
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d commands", len(out), want)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// serveReads decodes a command the way `producer serve` does
// (f1wire.DecodeRaceCommand). The producer's own test of the plugin's
// commands (producer/plugin_e2e_test.go) runs its real code.
func serveReads(t *testing.T, v []byte) f1.RaceCommand {
	t.Helper()
	if codec.LooksLikeWire(v) {
		t.Fatalf("the plugin sent Avro; it sends JSON: %q", v)
	}
	c, err := f1wire.DecodeRaceCommand(v, time.Time{})
	if err != nil {
		t.Fatalf("serve cannot read %s: %v", v, err)
	}
	return c
}

func TestRaceStartProducesACommandServeReads(t *testing.T) {
	c := testCluster(t, nil) // no topics: race/start creates f1-race-commands
	d := newTestDS(t, c, dsOpts{})
	d.writes = newWriteGate(0) // two starts back to back (the rate: TestRaceWritesAreRateLimited)
	status, body := raceCall(t, d, http.MethodPost, "race/start",
		`{"circuit":"Spa","laps":3,"drivers":["ver","LEC","VER"],"speed":10,"selectedDriver":"lec"}`)
	if status != http.StatusAccepted {
		t.Fatalf("start: %d %v", status, body)
	}
	id, _ := body["race_id"].(string)
	if !strings.HasPrefix(id, "spa-") || body["state"] != raceStarting || body["running"] != true || body["total_laps"] != 3.0 {
		t.Fatalf("answer %v", body)
	}
	parts, err := kadm.NewClient(kgoClient(t, c)).ListTopics(context.Background(), f1.TopicRaceCommands)
	if err != nil || len(parts[f1.TopicRaceCommands].Partitions) != 1 {
		t.Fatalf("f1-race-commands: %v %v (want 1 partition)", err, parts)
	}
	recs := raceCommands(t, c)
	if len(recs) != 1 {
		t.Fatalf("%d commands", len(recs))
	}
	if string(recs[0].Key) != id {
		t.Fatalf("key %q, want the race id %q", recs[0].Key, id)
	}
	got := serveReads(t, recs[0].Value)
	want := f1.RaceCommand{Ts: got.Ts, RaceID: id, Command: f1.CommandStart, Circuit: "spa", Laps: 3,
		Drivers: []string{"VER", "LEC"}, Speed: 10, SelectedDriver: "LEC"}
	if fmt.Sprint(got) != fmt.Sprint(want) || got.Ts == 0 || recs[0].Timestamp.UnixMilli() != got.Ts {
		t.Fatalf("command %+v\nwant    %+v", got, want)
	}

	// Full grid, the circuit's distance, as fast as possible.
	status, body = raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"monaco","laps":0,"drivers":[],"speed":"max","selectedDriver":""}`)
	if status != http.StatusAccepted || body["total_laps"] != 78.0 {
		t.Fatalf("start: %d %v", status, body)
	}
	recs = raceCommands(t, c)
	got = serveReads(t, recs[1].Value)
	if got.Laps != 0 || got.Drivers != nil || got.Speed != 0 || got.Circuit != "monaco" || got.SelectedDriver != "" {
		t.Fatalf("defaults %+v", got)
	}
	// The JSON is what f1wire.RaceCommandJSON writes for the same command.
	if string(recs[1].Value) != string(f1wire.RaceCommandJSON(nil, &got)) {
		t.Fatalf("plugin %s\nencode %s", recs[1].Value, f1wire.RaceCommandJSON(nil, &got))
	}
}

func kgoClient(t *testing.T, c broker) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func TestRaceStartRejectsBadBodies(t *testing.T) {
	c := testCluster(t, nil)
	d := newTestDS(t, c, dsOpts{})
	for body, want := range map[string]string{
		``:                                  "the body is empty",
		`{`:                                 "the body is not a race start",
		`[1,2]`:                             "the body is not a race start",
		`{"circuit":"monza"} {}`:            "data after the JSON object",
		`{"circuit":""}`:                    "circuit is empty: pick one of bahrain, monaco, monza, silverstone, spa",
		`{"circuit":"imola"}`:               `unknown circuit "imola": known circuits are`,
		`{"circuit":"monza","laps":101}`:    "laps 101 is not a whole number from 1 to 100 (or 0 for Monza's 53)",
		`{"circuit":"monza","laps":-1}`:     "laps -1",
		`{"circuit":"monza","laps":2.5}`:    "laps 2.5",
		`{"circuit":"monza","laps":"ten"}`:  "the body is not a race start",
		`{"circuit":"monza","drivers":"V"}`: "the body is not a race start",
		`{"circuit":"monza","drivers":["VER","XYZ"]}`:                  `driver "XYZ" is not on the grid`,
		`{"circuit":"monza","speed":-2}`:                               "speed -2 is not a factor from 0 to 1000",
		`{"circuit":"monza","speed":"fast"}`:                           `speed "fast" is not a factor`,
		`{"circuit":"monza","speed":5000}`:                             "speed 5000",
		`{"circuit":"monza","selectedDriver":"ABC"}`:                   `selectedDriver "ABC" is not on the grid`,
		`{"circuit":"monza","drivers":["VER"],"selectedDriver":"HAM"}`: "selectedDriver HAM is not among the drivers of the race (VER)",
		`{"circuit":"monza","lap":3}`:                                  `unknown field "lap"`,
	} {
		status, got := raceCall(t, d, http.MethodPost, "race/start", body)
		msg, _ := got["error"].(string)
		if status != http.StatusBadRequest || !strings.Contains(msg, want) {
			t.Errorf("%s: %d %q, want 400 %q", body, status, msg, want)
		}
	}
	if status, got := raceCall(t, d, http.MethodPost, "race/stop", `{"race_id":"x"}`); status != http.StatusBadRequest {
		t.Errorf("stop with a body: %d %v", status, got)
	}
	// Nothing was sent: the commands topic was not even created.
	topics, err := kadm.NewClient(kgoClient(t, c)).ListTopics(context.Background())
	if err != nil || topics.Has(f1.TopicRaceCommands) {
		t.Fatalf("bad bodies reached Kafka: %v %v", err, topics.Names())
	}
}

func raceEvent(raceID, typ string, ts int64, lap, total int, msg string) rec {
	v := f1wire.RaceControlJSON(nil, &f1.RaceControl{Ts: ts, RaceID: raceID, Type: typ, Lap: lap, TotalLaps: total, Message: msg})
	return rec{0, raceID, ts, v}
}

func raceStatusOf(t *testing.T, d *Datasource) map[string]any {
	t.Helper()
	status, body := raceCall(t, d, http.MethodGet, "race/status", "")
	if status != http.StatusOK {
		t.Fatalf("status: %d %v", status, body)
	}
	return body
}

func TestRaceStatusFollowsStartAndStop(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicRaceControl: 1})
	d := newTestDS(t, c, dsOpts{})
	if st := raceStatusOf(t, d); st["state"] != raceIdle || st["running"] != false {
		t.Fatalf("before any race: %v", st)
	}
	// An earlier race of someone else's is on the topic.
	now := time.Now().UnixMilli()
	produce(t, c, f1.TopicRaceControl,
		raceEvent("bahrain-1", f1.EventLightsOut, now-60_000, 1, 57, "Lights out"),
		raceEvent("bahrain-1", f1.EventFinish, now-30_000, 57, 57, "Chequered flag"))
	if st := raceStatusOf(t, d); st["state"] != raceFinished || st["race_id"] != "bahrain-1" || st["circuit"] != "bahrain" || st["flag"] != f1.FlagChequered {
		t.Fatalf("a finished race from the command line: %v", st)
	}

	status, started := raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"silverstone","laps":5,"drivers":["HAM","NOR"],"speed":2,"selectedDriver":"HAM"}`)
	if status != http.StatusAccepted {
		t.Fatalf("start: %d %v", status, started)
	}
	id := started["race_id"].(string)
	st := raceStatusOf(t, d)
	if st["state"] != raceStarting || st["running"] != true || st["race_id"] != id || st["circuit"] != "silverstone" ||
		st["total_laps"] != 5.0 || st["speed"] != 2.0 || st["selected_driver"] != "HAM" || fmt.Sprint(st["drivers"]) != "[HAM NOR]" {
		t.Fatalf("after start: %v", st)
	}

	// producer serve picks it up: lights out, two laps, a safety car.
	now = time.Now().UnixMilli()
	produce(t, c, f1.TopicRaceControl,
		raceEvent(id, f1.EventLightsOut, now, 1, 5, "Lights out"),
		raceEvent(id, f1.EventLap, now+90_000, 2, 5, "Lap 2/5"),
		raceEvent(id, f1.EventSafetyCar, now+100_000, 2, 5, "SAFETY CAR DEPLOYED"))
	st = raceStatusOf(t, d)
	if st["state"] != raceRunning || st["running"] != true || st["lap"] != 2.0 || st["total_laps"] != 5.0 || st["flag"] != f1.FlagSC || st["elapsed_s"] != 100.0 {
		t.Fatalf("running: %v", st)
	}

	status, stopped := raceCall(t, d, http.MethodPost, "race/stop", `{}`)
	if status != http.StatusAccepted || stopped["race_id"] != id || stopped["command"] != f1.CommandStop {
		t.Fatalf("stop: %d %v", status, stopped)
	}
	recs := raceCommands(t, c)
	if cmd := serveReads(t, recs[len(recs)-1].Value); cmd.Command != f1.CommandStop || cmd.RaceID != id || string(recs[len(recs)-1].Key) != id {
		t.Fatalf("stop command %+v", cmd)
	}
	if st = raceStatusOf(t, d); st["state"] != raceStopping || st["running"] != false || st["race_id"] != id {
		t.Fatalf("stopping: %v", st)
	}
	produce(t, c, f1.TopicRaceControl, raceEvent(id, f1.EventAborted, now+101_000, 2, 5, "stopped by the user"))
	if st = raceStatusOf(t, d); st["state"] != raceAborted || st["running"] != false || st["flag"] != f1.FlagRed {
		t.Fatalf("aborted: %v", st)
	}
}

func TestRaceStatusSaysWhenNoProducerAnswers(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicRaceCommands: 1})
	fake := srfake.New()
	defer fake.Close()
	seedSchema(fake, codec.Subject(f1.TopicRaceCommands), 21, f1wire.RaceCommandSchema)
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})
	old := time.Now().Add(-2 * raceStartGrace).UnixMilli()
	cmd := f1.RaceCommand{Ts: old, RaceID: "monza-1", Command: f1.CommandStart, Circuit: "monza", Laps: 4}
	produce(t, c, f1.TopicRaceCommands, rec{0, "monza-1", old, f1wire.RaceCommandJSON(nil, &cmd)})
	st := raceStatusOf(t, d)
	msg, _ := st["message"].(string)
	if st["state"] != raceNotStarted || st["running"] != false || st["race_id"] != "monza-1" || st["total_laps"] != 4.0 ||
		!strings.Contains(msg, "is `producer serve` running and reading f1-race-commands?") {
		t.Fatalf("status %v", st)
	}
	// Garbage is skipped; a command in Avro (as another tool may send it)
	// is read like JSON.
	produce(t, c, f1.TopicRaceCommands, rec{0, "x", old + 1, []byte("{not json")})
	if st := raceStatusOf(t, d); st["race_id"] != "monza-1" {
		t.Fatalf("garbage after the command: %v", st)
	}
	avroCmd := f1.RaceCommand{Ts: old + 2, RaceID: "spa-2", Command: f1.CommandStart, Circuit: "spa", Laps: 2, Drivers: []string{"PER", "VER"}, Speed: 4}
	produce(t, c, f1.TopicRaceCommands, rec{0, "spa-2", old + 2, f1wire.RaceCommandAvro(nil, 21, &avroCmd)})
	if st := raceStatusOf(t, d); st["race_id"] != "spa-2" || st["circuit"] != "spa" || st["total_laps"] != 2.0 ||
		fmt.Sprint(st["drivers"]) != "[PER VER]" || st["speed"] != 4.0 || st["state"] != raceNotStarted {
		t.Fatalf("Avro command: %v", st)
	}
}

// closedAddr is a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRaceResourcesWhenKafkaIsDown(t *testing.T) {
	d := newTestDS(t, nil, dsOpts{json: map[string]any{"bootstrapServers": closedAddr(t), "timeoutSeconds": 1}})
	status, body := raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"monza","laps":2,"drivers":[],"speed":1,"selectedDriver":""}`)
	msg, _ := body["error"].(string)
	if status != http.StatusServiceUnavailable || !strings.Contains(msg, "could not start the race: ") || !strings.Contains(msg, "Kafka") {
		t.Fatalf("start: %d %v", status, body)
	}
	status, body = raceCall(t, d, http.MethodGet, "race/status", "")
	if msg, _ = body["error"].(string); status != http.StatusServiceUnavailable || !strings.Contains(msg, "could not read the race status") {
		t.Fatalf("status: %d %v", status, body)
	}
	// Bad input is still the user's to fix, Kafka or not.
	if status, _ = raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"nowhere"}`); status != http.StatusBadRequest {
		t.Fatalf("bad body with Kafka down: %d", status)
	}
	// A datasource with no broker configured says so.
	bare := newTestDS(t, nil, dsOpts{})
	if status, body = raceCall(t, bare, http.MethodPost, "race/start", `{"circuit":"monza"}`); status != http.StatusServiceUnavailable || body["error"] == "" {
		t.Fatalf("unconfigured: %d %v", status, body)
	}
}

// TestRaceStatusOfARaceIDRunAgain: `producer serve --demo` names its race
// after the circuit and seed, so a restart runs demo-monza-1 again; its
// status is the new run's (running), not the stopped run's ABORTED.
func TestRaceStatusOfARaceIDRunAgain(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicRaceControl: 1})
	d := newTestDS(t, c, dsOpts{})
	now := time.Now().UnixMilli()
	produce(t, c, f1.TopicRaceControl,
		raceEvent("demo-monza-1", f1.EventLightsOut, now-60_000, 1, 8, "Lights out"),
		raceEvent("demo-monza-1", f1.EventLap, now-50_000, 2, 8, "Lap 2/8"),
		raceEvent("demo-monza-1", f1.EventAborted, now-40_000, 2, 8, "stopped"),
		raceEvent("demo-monza-1", f1.EventLightsOut, now-20_000, 1, 8, "Lights out"),
		raceEvent("demo-monza-1", f1.EventLap, now-10_000, 2, 8, "Lap 2/8"))
	if st := raceStatusOf(t, d); st["state"] != raceRunning || st["running"] != true || st["lap"] != 2.0 || st["flag"] == f1.FlagRed {
		t.Fatalf("a race id run again after a stop: %v", st)
	}
}
