package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kgo"
)

// hugeDriversCommand is a 17-byte Avro race command whose drivers array
// claims 2^40 entries: with hamba/avro's default limits, decoding it was a
// fatal out-of-memory of the whole serve process.
func hugeDriversCommand() []byte {
	b := codec.AppendWireHeader(nil, 1)
	b = append(b, 0, 0, 0, 0, 0) // ts, race_id, command, circuit, laps
	return binary.AppendVarint(b, 1<<40)
}

// Hostile commands on the commands topic are each reported once, with their
// offset, and skipped; nothing of them reaches the output unescaped or at
// length; serve keeps running and starts the next good race.
func TestServeSkipsHostileCommandsAndKeepsRunning(t *testing.T) {
	addr := newBroker(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "serve", "--brokers", addr, "--speed", "max")
	waitServe(t, out, errOut)
	cl, err := kgo.NewClient(seeds(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	send := func(v []byte) {
		t.Helper()
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: f1.TopicRaceCommands, Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	longID := "\x1b[2J\x1b[31mFAKE: serve: starting race " + strings.Repeat("A", 10_000)
	manyDrivers := make([]string, 500)
	for i := range manyDrivers {
		manyDrivers[i] = "VER"
	}
	bad := [][]byte{
		hugeDriversCommand(), // @0
		f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1, RaceID: longID, Command: f1.CommandStart, Circuit: "spa"}),                      // @1
		f1wire.RaceCommandAvro(nil, 1, &f1.RaceCommand{Ts: 1, RaceID: "nan", Command: f1.CommandStart, Circuit: "spa", Speed: math.NaN()}), // @2
		f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1, RaceID: "many", Command: f1.CommandStart, Drivers: manyDrivers}),                // @3
		append(codec.AppendWireHeader(nil, 1), 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),                                    // @4: a 2^62-byte race_id
		[]byte(`{"ts":1,"race_id":"ctl","command":"st\u0000art\u001b[31m"}`),                                                               // @5
	}
	for _, v := range bad {
		send(v)
	}
	send(f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 2, RaceID: "good", Command: f1.CommandStart, Circuit: "spa", Laps: 1, Drivers: []string{"VER"}}))
	waitFor(t, "the good race to finish", func() bool { return hasRC(t, addr, "good", f1.EventFinish) })

	log := errOut.String()
	t.Logf("stderr:\n%s", log)
	for i := range bad {
		re := regexp.MustCompile(fmt.Sprintf(`serve: skipping command at %s\[0\]@%d: `, f1.TopicRaceCommands, i))
		if n := len(re.FindAllString(log, -1)); n != 1 {
			t.Errorf("command @%d reported %d times, want once:\n%s", i, n, log)
		}
	}
	if strings.ContainsAny(log, "\x1b\x00") {
		t.Errorf("control characters of a command reached the output:\n%q", log)
	}
	if strings.Contains(out.String()+log, strings.Repeat("A", 200)) {
		t.Error("a 10 KB race id was printed whole")
	}
	if hasRC(t, addr, "nan", f1.EventLightsOut) || hasRC(t, addr, "many", f1.EventLightsOut) {
		t.Error("a command with a NaN speed or 500 drivers started a race")
	}
	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("serve exit %d\nstderr: %s", code, log)
	}
}

// The development broker and registry have no authentication: a bind to
// anything but loopback is warned about, and an empty host means 127.0.0.1
// for the registry as it already did for the broker.
func TestDevWarnsWhenListeningBeyondLoopback(t *testing.T) {
	for _, tc := range []struct {
		regAddr string
		warn    bool
	}{
		{"127.0.0.1:0", false},
		{":0", false},
		{"0.0.0.0:0", true},
	} {
		t.Run(tc.regAddr, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out, errOut, wait := background(t, ctx, "dev", "--kafka-addr", "127.0.0.1:0", "--registry-addr", tc.regAddr)
			waitFor(t, "dev to start", func() bool { return strings.Contains(out.String(), "Try:") })
			warned := strings.Contains(errOut.String(), "WARNING: the development Schema Registry listens on")
			if warned != tc.warn {
				t.Errorf("registry on %s: warned %v, want %v\nstdout: %s\nstderr: %s", tc.regAddr, warned, tc.warn, out, errOut)
			}
			if strings.Contains(errOut.String(), "Kafka broker listens") {
				t.Errorf("a loopback broker was warned about: %s", errOut)
			}
			if !tc.warn && !strings.Contains(out.String(), "Schema Registry: http://127.0.0.1:") {
				t.Errorf("registry on %s is not on loopback:\n%s", tc.regAddr, out)
			}
			cancel()
			if code := wait(); code != 0 {
				t.Fatalf("dev exit %d: %s", code, errOut)
			}
		})
	}
	// And the broker, through serve --embedded.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "serve", "--embedded", "--brokers", "0.0.0.0:0")
	waitServe(t, out, errOut)
	if !strings.Contains(errOut.String(), "WARNING: the development Kafka broker listens on") {
		t.Errorf("an embedded broker on 0.0.0.0 was not warned about:\n%s", errOut)
	}
	cancel()
	wait()
}

// FuzzServeCommand: any record on the commands topic either decodes into a
// command within serve's bounds or is an error; neither decoding nor turning
// a start into a race spec panics. Seeds: testdata/fuzz/FuzzServeCommand.
func FuzzServeCommand(f *testing.F) {
	f.Add(hugeDriversCommand())
	f.Add(f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1, RaceID: "r1", Command: f1.CommandStart, Circuit: "spa", Laps: 3, Drivers: []string{"VER", "LEC"}, Speed: 10}))
	f.Add(f1wire.RaceCommandAvro(nil, 1, &f1.RaceCommand{Ts: 1, RaceID: "r2", Command: f1.CommandStart, Circuit: "monaco", Laps: 2, Speed: 1, SelectedDriver: "NOR"}))
	f.Add(f1wire.RaceCommandAvro(nil, 1, &f1.RaceCommand{Ts: 1, RaceID: "r3", Command: f1.CommandStop}))
	f.Add([]byte(`{"ts":1,"race_id":"x","command":"start","laps":1e99,"speed":-1}`))
	def, err := newRaceSpec("monza", 0, "all", "1", 4, 1, "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		c, err := f1wire.DecodeRaceCommand(v, time.Time{})
		if err != nil {
			if len(err.Error()) > 1000 {
				t.Fatalf("a %d-byte error message", len(err.Error()))
			}
			return
		}
		if len(c.RaceID) > f1wire.MaxRaceIDLen || len(c.Drivers) > f1wire.MaxCommandDrivers || !(c.Speed >= 0) || math.IsInf(c.Speed, 0) {
			t.Fatalf("a command out of bounds was accepted: %+v", c)
		}
		if sp, err := specFromCommand(c, def); err == nil && (sp.cfg.Laps < 0 || sp.cfg.Laps > 200 || len(sp.cfg.Drivers) == 0) {
			t.Fatalf("a race spec out of bounds: laps %d, %d drivers", sp.cfg.Laps, len(sp.cfg.Drivers))
		}
	})
}

// The producer reads a registry's answers within the same bound as the
// plugin: an endless answer to "register this schema" is an error that says
// so, not all the memory of the producer.
func TestProducerReadsARegistryAnswerWithinTheBound(t *testing.T) {
	addr := newBroker(t)
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for sent := 0; sent < 256<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			written.Add(int64(len(chunk)))
		}
	}))
	defer srv.Close()
	code, _, errOut := cli(t, context.Background(), nil, "race", "--brokers", addr, "--registry", srv.URL, "--format", "avro",
		"--speed", "max", "--laps", "1", "--drivers", "VER")
	if code == 0 || !strings.Contains(errOut, "larger than") {
		t.Fatalf("exit %d, stderr %s; want a failure naming the size bound", code, errOut)
	}
	if n := written.Load(); n > 4*codec.MaxRegistryResponseBytes {
		t.Fatalf("the producer took %d bytes of the answer", n)
	}
}
