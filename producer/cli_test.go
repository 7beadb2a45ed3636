package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func TestHelp(t *testing.T) {
	for _, c := range commands() {
		code, out, _ := cli(t, context.Background(), nil, c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: producer "+c.name) || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: exit %d\n%s", c.name, code, out)
		}
		if c.name != "dev" && (!strings.Contains(out, "--brokers") || !strings.Contains(out, "[PITWALL_BROKERS]") ||
			!strings.Contains(out, "--sasl-mechanism") || !strings.Contains(out, "--tls-ca-cert")) {
			t.Errorf("%s --help lacks the Kafka flags or their env vars:\n%s", c.name, out)
		}
	}
	code, out, _ := cli(t, context.Background(), nil, "--help")
	if code != 0 || !strings.Contains(out, "race") || !strings.Contains(out, "PITWALL_") {
		t.Errorf("producer --help: exit %d\n%s", code, out)
	}
	if code, _, errOut := cli(t, context.Background(), nil, "fly"); code != 2 || !strings.Contains(errOut, `unknown command "fly"`) {
		t.Errorf("unknown command: exit %d, %s", code, errOut)
	}
	if code, _, _ := cli(t, context.Background(), nil); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
}

// TestEnvAndFlags: PITWALL_* variables set flags; the command line wins.
func TestEnvAndFlags(t *testing.T) {
	addr := newBroker(t)
	env := []string{"PITWALL_BROKERS=" + addr, "PITWALL_CIRCUIT=spa", "PITWALL_LAPS=1", "PITWALL_DRIVERS=VER,PER",
		"PITWALL_SPEED=max", "PITWALL_RACE_ID=from-env", "OTHER=1"}
	code, out, errOut := cli(t, context.Background(), env, "race", "--race-id", "from-flag")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	rc := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicRaceControl, rcTs, rcKey)
	if rc[0].RaceID != "from-flag" || !strings.Contains(rc[0].Message, "Spa") || !strings.Contains(rc[0].Message, "2 cars, 1 laps") {
		t.Fatalf("first record %+v", rc[0])
	}
}

// TestCtrlC: cancelling a real-time race flushes, publishes ABORTED and
// exits 0.
func TestCtrlC(t *testing.T) {
	addr := newBroker(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var code int
	var out, errOut string
	go func() {
		defer close(done)
		code, out, errOut = cli(t, ctx, nil, "race", "--brokers", addr, "--speed", "1", "--race-id", "cc", "--laps", "2")
	}()
	// Wait until the race is producing, then "press Ctrl-C".
	for recordsIn(t, addr) < 40 {
		select {
		case <-done:
			t.Fatalf("race ended early: %d %s %s", code, out, errOut)
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if code != 0 || !strings.Contains(out, "aborted (ABORTED published)") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	rc := decodeTopic(t, newDecoder(t, ""), addr, f1.TopicRaceControl, rcTs, rcKey)
	last := rc[len(rc)-1]
	if last.Type != f1.EventAborted || last.RaceID != "cc" {
		t.Fatalf("last race control record %+v, want ABORTED", last)
	}
	// Everything sent was delivered.
	tel := consumeAll(t, addr, f1.TopicTelemetry)
	if !strings.Contains(out, "telemetry "+itoa(len(tel))+",") {
		t.Fatalf("summary %q but %d telemetry records in Kafka", out, len(tel))
	}
}

// TestKcatReadsWhatWasWritten: an independent client (librdkafka's kcat)
// reads the producer's records.
func TestKcatReadsWhatWasWritten(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (apt-get install kcat)")
	}
	addr := newBroker(t)
	for _, comp := range []string{"none", "lz4"} {
		code, out, errOut := cli(t, context.Background(), nil, "race", "--brokers", addr, "--speed", "max", "--laps", "1",
			"--drivers", "VER,HAM", "--race-id", "kc-"+comp, "--compression", comp)
		if code != 0 {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
	}
	want := consumeAll(t, addr, f1.TopicTelemetry)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	raw, err := exec.CommandContext(ctx, kcat, "-C", "-b", addr, "-t", f1.TopicTelemetry, "-e", "-o", "beginning", "-J", "-q").Output()
	if err != nil {
		t.Fatalf("kcat: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != len(want) || len(want) < 1000 {
		t.Fatalf("kcat read %d records, the topic has %d", len(lines), len(want))
	}
	races := map[string]int{}
	for _, l := range lines {
		var m struct {
			Key     string `json:"key"`
			Payload string `json:"payload"`
			Ts      int64  `json:"ts"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("kcat line %q: %v", l, err)
		}
		var x f1.Telemetry
		if err := json.Unmarshal([]byte(m.Payload), &x); err != nil {
			t.Fatalf("payload %q: %v", m.Payload, err)
		}
		if x.Driver != m.Key || x.Ts != m.Ts || x.SpeedKph < 0 || x.Gear > 8 {
			t.Fatalf("kcat record key %q ts %d, payload %+v", m.Key, m.Ts, x)
		}
		races[x.RaceID]++
	}
	if races["kc-none"] == 0 || races["kc-lz4"] == 0 {
		t.Fatalf("races seen by kcat: %v", races)
	}
}
