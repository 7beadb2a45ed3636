package plugin

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

var (
	viewer    = &backend.User{Login: "viewer", Role: "Viewer"}
	editor    = &backend.User{Login: "editor", Role: "Editor"}
	admin     = &backend.User{Login: "admin", Role: "Admin"}
	anonymous = &backend.User{Login: "", Role: "None"}
)

func hasTopic(t *testing.T, d *Datasource, topic string) bool {
	t.Helper()
	topics, err := d.kafka.Topics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics {
		if tp.Name == topic {
			return true
		}
	}
	return false
}

// A Viewer (or an anonymous visitor, or a call with no user) may read the
// race status but not start or stop a race: 403 naming the role needed,
// and nothing reaches Kafka. Editors and Admins may. The status tells the
// panel whether the caller may, and why not.
func TestRaceControlNeedsTheEditorRole(t *testing.T) {
	c := testCluster(t, nil)
	d := newTestDS(t, c, dsOpts{})
	d.writes = newWriteGate(0) // the rate has its own test
	for _, u := range []*backend.User{viewer, anonymous, nil} {
		for _, route := range []string{"race/start", "race/stop"} {
			status, body := raceCallAs(t, d, u, http.MethodPost, route, `{"circuit":"monza","speed":"max"}`)
			msg, _ := body["error"].(string)
			if status != http.StatusForbidden || !strings.Contains(msg, "needs the Editor role") || !strings.Contains(msg, "viewersControlRace") {
				t.Errorf("%s as %v: %d %q, want 403 naming the Editor role", route, u, status, msg)
			}
		}
	}
	if hasTopic(t, d, f1.TopicRaceCommands) {
		t.Fatal("a refused call created the commands topic")
	}
	status, body := raceCallAs(t, d, viewer, http.MethodGet, "race/status", "")
	ctl, _ := body["control"].(map[string]any)
	if status != http.StatusOK || ctl["allowed"] != false || ctl["role"] != "Viewer" || !strings.Contains(ctl["reason"].(string), "Editor") {
		t.Fatalf("status as a viewer: %d %v", status, body)
	}
	for _, u := range []*backend.User{editor, admin} {
		if status, body := raceCallAs(t, d, u, http.MethodPost, "race/start", `{"circuit":"monza","speed":"max"}`); status != http.StatusAccepted {
			t.Errorf("start as %s: %d %v", u.Role, status, body)
		}
		if status, body := raceCallAs(t, d, u, http.MethodPost, "race/stop", `{}`); status != http.StatusAccepted {
			t.Errorf("stop as %s: %d %v", u.Role, status, body)
		}
	}
	_, body = raceCallAs(t, d, editor, http.MethodGet, "race/status", "")
	if ctl, _ := body["control"].(map[string]any); ctl["allowed"] != true || ctl["role"] != "Editor" {
		t.Fatalf("status as an editor: %v", body)
	}
}

// viewersControlRace (off by default) opens race control to Viewers, for
// kiosk demos; a user with no role still may not.
func TestViewersControlRaceOpensRaceControlToViewers(t *testing.T) {
	c := testCluster(t, nil)
	d := newTestDS(t, c, dsOpts{json: map[string]any{"viewersControlRace": true}})
	d.writes = newWriteGate(0)
	if status, body := raceCallAs(t, d, viewer, http.MethodPost, "race/start", `{"circuit":"spa","laps":1}`); status != http.StatusAccepted {
		t.Fatalf("start as a viewer: %d %v", status, body)
	}
	status, body := raceCallAs(t, d, anonymous, http.MethodPost, "race/stop", `{}`)
	if msg, _ := body["error"].(string); status != http.StatusForbidden || !strings.Contains(msg, "needs the Viewer role") {
		t.Fatalf("stop with no role: %d %v", status, body)
	}
	_, body = raceCallAs(t, d, viewer, http.MethodGet, "race/status", "")
	if ctl, _ := body["control"].(map[string]any); ctl["allowed"] != true {
		t.Fatalf("status as a viewer: %v", body)
	}
}

// Starts and stops are rate-limited per datasource: a second start within
// writeEvery gets 429 with Retry-After; a refused body does not use up the
// slot; another datasource has its own.
func TestRaceWritesAreRateLimited(t *testing.T) {
	c := testCluster(t, nil)
	d := newTestDS(t, c, dsOpts{})
	start := `{"circuit":"monza","laps":1}`
	if status, body := raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"imola"}`); status != http.StatusBadRequest {
		t.Fatalf("bad start: %d %v", status, body)
	}
	if status, body := raceCall(t, d, http.MethodPost, "race/start", start); status != http.StatusAccepted {
		t.Fatalf("first start: %d %v", status, body)
	}
	rr := &resourceRecorder{}
	if err := d.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: backend.PluginContext{OrgID: testOrg, User: editor},
		Method: http.MethodPost, Path: "race/start", URL: "race/start", Body: []byte(start)}, rr); err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	_ = json.Unmarshal(rr.resp.Body, &body)
	if rr.resp.Status != http.StatusTooManyRequests || rr.resp.Headers["Retry-After"] == nil || !strings.Contains(body["error"], "try again in") {
		t.Fatalf("second start: %d %v %s", rr.resp.Status, rr.resp.Headers, rr.resp.Body)
	}
	if status, body := raceCall(t, d, http.MethodPost, "race/stop", `{}`); status != http.StatusAccepted {
		t.Fatalf("a stop right after a start: %d %v", status, body)
	}
	other := newTestDS(t, c, dsOpts{})
	if status, body := raceCall(t, other, http.MethodPost, "race/start", start); status != http.StatusAccepted {
		t.Fatalf("another datasource's start: %d %v", status, body)
	}
	time.Sleep(writeEvery)
	if status, body := raceCall(t, d, http.MethodPost, "race/start", start); status != http.StatusAccepted {
		t.Fatalf("a start after the interval: %d %v", status, body)
	}
}

// "speed":"NaN" (and Inf, and numbers beyond float64) passed validation:
// it created the commands topic, then failed with 502 (or, encoded as 0,
// ran a race as fast as possible). Now it is a 400 and nothing is created.
func TestRaceStartRefusesNaNAndInfiniteSpeedsBeforeCreatingTopics(t *testing.T) {
	c := testCluster(t, nil)
	d := newTestDS(t, c, dsOpts{})
	d.writes = newWriteGate(0)
	for _, speed := range []string{`"NaN"`, `"nan"`, `"Inf"`, `"+Inf"`, `"-Inf"`, `"Infinity"`, `1e999`, `"1e999"`, `"NaNx"`} {
		status, body := raceCall(t, d, http.MethodPost, "race/start", `{"circuit":"monza","speed":`+speed+`}`)
		if msg, _ := body["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, "is not a factor from 0 to 1000") {
			t.Errorf("speed %s: %d %v", speed, status, body)
		}
	}
	topics, err := kadm.NewClient(kgoClient(t, c)).ListTopics(context.Background())
	if err != nil || topics.Has(f1.TopicRaceCommands) {
		t.Fatalf("a refused speed created the commands topic: %v %v", err, topics.Names())
	}
}

// A hostile command on f1-race-commands (a 17-byte Avro record claiming 2^40
// drivers, a 10 KB race id with terminal escapes) does not take the plugin
// down when GET race/status reads it: it is skipped, and the good command
// after it is the current race.
func TestRaceStatusSkipsHostileCommands(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicRaceCommands: 1})
	d := newTestDS(t, c, dsOpts{})
	huge := binary.AppendVarint(append(codec.AppendWireHeader(nil, 1), 0, 0, 0, 0, 0), 1<<40)
	longID := "\x1b[2J" + strings.Repeat("A", 10_000)
	produce(t, c, f1.TopicRaceCommands,
		rec{0, "x", 1000, huge},
		rec{0, "x", 1001, f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1001, RaceID: longID, Command: f1.CommandStart, Circuit: "spa"})},
		rec{0, "x", 1002, f1wire.RaceCommandAvro(nil, 1, &f1.RaceCommand{Ts: 1002, RaceID: "nan", Command: f1.CommandStart, Circuit: "spa", Speed: math.NaN()})},
		rec{0, "good", 1003, f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1003, RaceID: "monza-7", Command: f1.CommandStart, Circuit: "monza", Laps: 3})},
		rec{0, "x", 1004, huge},
	)
	status, body := raceCall(t, d, http.MethodGet, "race/status", "")
	if status != http.StatusOK || body["race_id"] != "monza-7" || body["circuit"] != "monza" {
		t.Fatalf("status: %d %v", status, body)
	}
}

// FuzzRaceStart: any body is either refused with a reason, or becomes a
// command within bounds that `producer serve` reads back as the same command
// (f1wire.DecodeRaceCommand, with its checks). Seeds:
// testdata/fuzz/FuzzRaceStart.
func FuzzRaceStart(f *testing.F) {
	for _, s := range []string{
		`{"circuit":"monza","laps":10,"drivers":["VER","LEC"],"speed":1,"selectedDriver":"VER"}`,
		`{"circuit":"spa","speed":"max"}`, `{"circuit":"monaco","speed":"NaN"}`, `{"circuit":"bahrain","speed":"10x"}`,
		`{"circuit":"silverstone","laps":"1e3"}`, `{"circuit":"monza","speed":1e308}`, `{"circuit":"monza","drivers":["ver","ver"]}`,
	} {
		f.Add([]byte(s))
	}
	now := time.UnixMilli(1_725_000_000_000)
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, _, err := parseRaceStart(body, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a refusal without a reason")
			}
			return
		}
		if !(cmd.Speed >= 0 && cmd.Speed <= maxRaceSpeed) || cmd.Laps < 0 || cmd.Laps > maxRaceLaps || len(cmd.Drivers) > len(f1.KnownCodes()) {
			t.Fatalf("accepted out of bounds: %+v", cmd)
		}
		back, err := f1wire.DecodeRaceCommand(f1wire.RaceCommandJSON(nil, &cmd), now)
		if err != nil {
			t.Fatalf("serve refuses what the plugin sends: %v (%+v)", err, cmd)
		}
		if back.RaceID != cmd.RaceID || back.Speed != cmd.Speed || back.Laps != cmd.Laps || strings.Join(back.Drivers, ",") != strings.Join(cmd.Drivers, ",") {
			t.Fatalf("round trip: sent %+v, read %+v", cmd, back)
		}
	})
}

// The race status holds the records it scans: records too large to be a
// race event are skipped, and a scan stops at its byte bound, so a topic
// filled with 900 KB records does not cost their size in memory; the race
// events among them are still found.
func TestRaceStatusScanIsBoundedInBytes(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicRaceControl: 1})
	d := newTestDS(t, c, dsOpts{})
	ev := func(ts int64, typ string) rec {
		return rec{0, "monza-9", ts, f1wire.RaceControlJSON(nil, &f1.RaceControl{Ts: ts, RaceID: "monza-9", Type: typ, Lap: 1, TotalLaps: 3})}
	}
	junk := []byte(`{"pad":"` + strings.Repeat("x", 900<<10) + `"}`)
	produce(t, c, f1.TopicRaceControl, ev(1000, f1.EventLightsOut))
	for i := 0; i < 30; i++ {
		produce(t, c, f1.TopicRaceControl, rec{0, "junk", int64(2000 + i), junk})
	}
	produce(t, c, f1.TopicRaceControl, ev(3000, f1.EventLap))
	recs, err := d.tailRecords(context.Background(), f1.TopicRaceControl, 0, raceEventsChunk)
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, r := range recs {
		held += len(r.Value)
		if len(r.Value) > maxStatusRecord {
			t.Fatalf("a %d-byte record was held", len(r.Value))
		}
	}
	if held > maxStatusBytes || len(recs) != 2 {
		t.Fatalf("held %d records, %d bytes", len(recs), held)
	}
	status, body := raceCall(t, d, http.MethodGet, "race/status", "")
	if status != http.StatusOK || body["race_id"] != "monza-9" || body["state"] != raceRunning {
		t.Fatalf("status: %d %v", status, body)
	}
	// Records under the per-record bound, 18 MB of them: the scan stops
	// at maxStatusBytes.
	mid := []byte(`{"pad":"` + strings.Repeat("y", 60<<10) + `"}`)
	for i := 0; i < 300; i += 50 {
		batch := make([]rec, 50)
		for j := range batch {
			batch[j] = rec{0, "mid", int64(4000 + i + j), mid}
		}
		produce(t, c, f1.TopicRaceControl, batch...)
	}
	recs, err = d.tailRecords(context.Background(), f1.TopicRaceControl, 0, raceEventsChunk)
	if err != nil {
		t.Fatal(err)
	}
	held = 0
	for _, r := range recs {
		held += len(r.Key) + len(r.Value)
	}
	if held > maxStatusBytes || len(recs) < 200 {
		t.Fatalf("held %d records, %d bytes (bound %d)", len(recs), held, maxStatusBytes)
	}
}
