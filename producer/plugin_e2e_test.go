package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/plugin"
)

// The plugin's race controls against the real `producer serve`: Grafana's
// POST race/start lands on f1-race-commands, serve's own decoding accepts it
// and races, GET race/status follows the race, and the plugin's leaderboard
// query shows it.

type pluginResp struct{ resp *backend.CallResourceResponse }

func (r *pluginResp) Send(resp *backend.CallResourceResponse) error {
	if r.resp == nil {
		r.resp = resp
	} else {
		r.resp.Body = append(r.resp.Body, resp.Body...)
	}
	return nil
}

func newPluginDS(t *testing.T, addr string) *plugin.Datasource {
	t.Helper()
	ctx := backend.WithPluginContext(context.Background(), backend.PluginContext{OrgID: 1})
	jd, _ := json.Marshal(map[string]any{"bootstrapServers": addr, "timeoutSeconds": 5})
	inst, err := plugin.NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: "pitwall-e2e", Name: "Pitwall", JSONData: jd})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*plugin.Datasource)
	t.Cleanup(d.Dispose)
	return d
}

// callPlugin calls a resource as an Editor (race control needs the role).
func callPlugin(t *testing.T, d *plugin.Datasource, method, path, body string) (int, map[string]any) {
	t.Helper()
	rr := &pluginResp{}
	editor := &backend.User{Login: "editor", Role: "Editor"}
	if err := d.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: backend.PluginContext{OrgID: 1, User: editor},
		Method: method, Path: path, URL: path, Body: []byte(body)}, rr); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(rr.resp.Body, &m); err != nil {
		t.Fatalf("%s %s: %d %s", method, path, rr.resp.Status, rr.resp.Body)
	}
	return rr.resp.Status, m
}

func TestPluginRaceControlDrivesServe(t *testing.T) {
	addr := newBroker(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "serve", "--brokers", addr)
	waitServe(t, out, errOut)
	d := newPluginDS(t, addr)

	status, started := callPlugin(t, d, http.MethodPost, "race/start",
		`{"circuit":"spa","laps":1,"drivers":["VER","LEC","HAM"],"speed":0,"selectedDriver":"VER"}`)
	if status != http.StatusAccepted {
		t.Fatalf("race/start: %d %v", status, started)
	}
	id := started["race_id"].(string)

	// serve's own decoding accepts what the plugin sent.
	cl, err := kgo.NewClient(seeds(addr), kgo.ConsumeTopics(f1.TopicRaceCommands), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pctx, pcancel := context.WithTimeout(ctx, 30*time.Second)
	fs := cl.PollRecords(pctx, 1)
	pcancel()
	if fs.NumRecords() != 1 {
		t.Fatalf("no command on %s: %v", f1.TopicRaceCommands, fs.Errors())
	}
	cmd, err := f1wire.DecodeRaceCommand(fs.Records()[0].Value, fs.Records()[0].Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.RaceID != id || cmd.Command != f1.CommandStart || cmd.Circuit != "spa" || cmd.Laps != 1 ||
		strings.Join(cmd.Drivers, ",") != "VER,LEC,HAM" || cmd.Speed != 0 || cmd.SelectedDriver != "VER" {
		t.Fatalf("serve reads %+v", cmd)
	}
	def, err := newRaceSpec("monza", 0, "all", "1", 4, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := specFromCommand(cmd, def)
	if err != nil || sp.cfg.RaceID != id || sp.cfg.Circuit.Key != "spa" || sp.cfg.Laps != 1 || len(sp.cfg.Drivers) != 3 || sp.speed != 0 {
		t.Fatalf("serve's race spec: %v %+v", err, sp.cfg)
	}

	// The race runs (as fast as possible) and the status follows it.
	var st map[string]any
	waitFor(t, "race/status to say finished", func() bool {
		_, st = callPlugin(t, d, http.MethodGet, "race/status", "")
		return st["state"] == "finished"
	})
	if st["race_id"] != id || st["circuit"] != "spa" || st["total_laps"] != 1.0 || st["flag"] != f1.FlagChequered || st["running"] != false {
		t.Fatalf("status %v", st)
	}
	if !strings.Contains(out.String(), "serve: starting race "+id) {
		t.Fatalf("serve did not start %s:\n%s\n%s", id, out, errOut)
	}

	// The plugin's leaderboard shows the race serve ran. The chequered flag
	// (FINISH, what the status goes by) falls when the winner crosses the
	// line, before the others' last timing: on real Kafka, whose
	// partitions each show a record once their own high watermark has
	// passed it, those may be readable a moment after the flag, so the
	// query is asked until every car is there (kfake shows every
	// acknowledged record at once).
	q, _ := json.Marshal(map[string]any{"queryType": "leaderboard"})
	var f *data.Frame
	col := func(name string, i int) string {
		fld, _ := f.FieldByName(name)
		if fld == nil {
			t.Fatalf("no field %s", name)
		}
		v, _ := fld.ConcreteAt(i)
		return fmt.Sprint(v)
	}
	waitFor(t, "the leaderboard to show three cars finished", func() bool {
		now := time.Now()
		resp, err := d.QueryData(ctx, &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: 1},
			Queries: []backend.DataQuery{{RefID: "A", JSON: q, TimeRange: backend.TimeRange{From: now.Add(-time.Hour), To: now.Add(time.Minute)}}}})
		if err != nil {
			t.Fatal(err)
		}
		res := resp.Responses["A"]
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		f = res.Frames[0]
		for i := range f.Rows() {
			if col("status", i) != f1.StatusFinished {
				return false
			}
		}
		return f.Rows() >= 3
	})
	if f.Name != "leaderboard" || f.Rows() != 3 {
		t.Fatalf("frame %s with %d rows", f.Name, f.Rows())
	}
	seen := map[string]bool{}
	for i := 0; i < f.Rows(); i++ {
		seen[col("driver", i)] = true
		if col("race_id", i) != id || col("status", i) != f1.StatusFinished || col("position", i) != fmt.Sprint(i+1) || col("flag", i) != f1.FlagChequered {
			t.Fatalf("row %d: race %s status %s position %s flag %s", i, col("race_id", i), col("status", i), col("position", i), col("flag", i))
		}
	}
	if !seen["VER"] || !seen["LEC"] || !seen["HAM"] {
		t.Fatalf("drivers %v", seen)
	}

	// Stop with nothing running: the command names the finished race and
	// serve, having none running, just says so.
	if status, stopped := callPlugin(t, d, http.MethodPost, "race/stop", "{}"); status != http.StatusAccepted || stopped["race_id"] != id {
		t.Fatalf("race/stop: %d %v", status, stopped)
	}
	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("serve exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestPluginStopsARunningServeRace: a real-time race started from the
// plugin is stopped from the plugin; serve publishes ABORTED and the status
// says aborted.
func TestPluginStopsARunningServeRace(t *testing.T) {
	addr := newBroker(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "serve", "--brokers", addr)
	waitServe(t, out, errOut)
	d := newPluginDS(t, addr)
	status, started := callPlugin(t, d, http.MethodPost, "race/start", `{"circuit":"monaco","laps":3,"drivers":["NOR","PIA"],"speed":1,"selectedDriver":""}`)
	if status != http.StatusAccepted {
		t.Fatalf("race/start: %d %v", status, started)
	}
	id := started["race_id"].(string)
	waitFor(t, "the race to run", func() bool {
		_, st := callPlugin(t, d, http.MethodGet, "race/status", "")
		return st["state"] == "running" && st["race_id"] == id
	})
	if status, stopped := callPlugin(t, d, http.MethodPost, "race/stop", "{}"); status != http.StatusAccepted || stopped["race_id"] != id {
		t.Fatalf("race/stop: %d %v", status, stopped)
	}
	var st map[string]any
	waitFor(t, "the race to be aborted", func() bool {
		_, st = callPlugin(t, d, http.MethodGet, "race/status", "")
		return st["state"] == "aborted"
	})
	if st["race_id"] != id || st["running"] != false || st["flag"] != f1.FlagRed {
		t.Fatalf("status %v", st)
	}
	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("serve exit %d\n%s\n%s", code, out, errOut)
	}
}
