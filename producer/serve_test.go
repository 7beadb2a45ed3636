package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
)

// background runs the CLI in a goroutine; wait returns its exit code.
func background(t *testing.T, ctx context.Context, args ...string) (out, errOut *syncBuf, wait func() int) {
	out, errOut = &syncBuf{}, &syncBuf{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, nil, out, errOut) }()
	return out, errOut, func() int {
		select {
		case c := <-done:
			return c
		case <-time.After(60 * time.Second):
			t.Fatalf("%v did not stop\nstdout: %s\nstderr: %s", args, out, errOut)
			return -1
		}
	}
}

// waitFor polls until cond holds (a liveness bound, not a timing assert).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitServe waits until serve says it listens for commands; if it does
// not, the failure shows what serve printed.
func waitServe(t *testing.T, out, errOut *syncBuf) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(out.String(), "waiting for commands"); {
		if time.Now().After(deadline) {
			t.Fatalf("serve is not listening after 60 s\nstdout: %s\nstderr: %s", out, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasRC(t *testing.T, addr, raceID, typ string) bool {
	for _, r := range decodeTopic(t, newDecoder(t, ""), addr, f1.TopicRaceControl, rcTs, rcKey) {
		if r.RaceID == raceID && r.Type == typ {
			return true
		}
	}
	return false
}

func TestServeStartStop(t *testing.T) {
	addr := newBroker(t)
	reg := newRegistry(t)
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
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: f1.TopicRaceCommands, Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// A JSON start: a short race as fast as possible (speed 0).
	send(f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 1, RaceID: "s1", Command: f1.CommandStart, Circuit: "spa", Laps: 1, Drivers: []string{"VER", "LEC"}}))
	waitFor(t, "race s1 to finish", func() bool { return hasRC(t, addr, "s1", f1.EventFinish) })

	// Garbage is skipped with a message; serve keeps going.
	send([]byte("{not json"))
	waitFor(t, "the bad command to be reported", func() bool { return strings.Contains(errOut.String(), "skipping command") })

	// An Avro start (as Grafana may send), real time, then a JSON stop.
	ss, err := func() (sr.SubjectSchema, error) {
		c, _ := sr.NewClient(sr.URLs(reg.URL()))
		return c.CreateSchema(context.Background(), codec.Subject(f1.TopicRaceCommands), sr.Schema{Schema: f1wire.RaceCommandSchema, Type: sr.TypeAvro})
	}()
	if err != nil {
		t.Fatal(err)
	}
	send(f1wire.RaceCommandAvro(nil, ss.ID, &f1.RaceCommand{Ts: 2, RaceID: "s2", Command: f1.CommandStart, Circuit: "monaco", Laps: 3, Speed: 1}))
	waitFor(t, "race s2 to start", func() bool { return hasRC(t, addr, "s2", f1.EventLightsOut) })
	send(f1wire.RaceCommandJSON(nil, &f1.RaceCommand{Ts: 3, RaceID: "s2", Command: f1.CommandStop}))
	waitFor(t, "race s2 to be aborted", func() bool { return hasRC(t, addr, "s2", f1.EventAborted) })

	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("serve exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if hasRC(t, addr, "s2", f1.EventFinish) {
		t.Error("the stopped race finished")
	}
}

func TestServeDemo(t *testing.T) {
	addr := newBroker(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "serve", "--brokers", addr, "--demo", "--speed", "max", "--laps", "1", "--circuit", "bahrain")
	waitFor(t, "the demo race to finish", func() bool { return hasRC(t, addr, "demo-bahrain-1", f1.EventFinish) })
	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
}

func TestDev(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, wait := background(t, ctx, "dev", "--kafka-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:0")
	waitFor(t, "dev to start", func() bool { return strings.Contains(out.String(), "Try:") })
	s := out.String()
	if !strings.Contains(s, "DEVELOPMENT ONLY") {
		t.Fatalf("no development-only label:\n%s", s)
	}
	kafka := regexp.MustCompile(`Kafka broker: +(\S+)`).FindStringSubmatch(s)
	regURL := regexp.MustCompile(`Schema Registry: +(\S+)`).FindStringSubmatch(s)
	if kafka == nil || regURL == nil {
		t.Fatalf("addresses not printed:\n%s", s)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(kafka[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	details, err := kadm.NewClient(cl).ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range f1.Topics() {
		if n := len(details[spec.Name].Partitions); n != int(spec.Partitions) {
			t.Errorf("dev topic %s: %d partitions, want %d", spec.Name, n, spec.Partitions)
		}
	}
	resp, err := http.Get(regURL[1] + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("registry /subjects: %d %s", resp.StatusCode, body)
	}
	// A race into the dev broker, with Avro through the dev registry.
	if code, o, e := cli(t, context.Background(), nil, "race", "--brokers", kafka[1], "--registry", regURL[1], "--format", "avro",
		"--speed", "max", "--laps", "1", "--drivers", "NOR"); code != 0 {
		t.Fatalf("race into dev: %d %s %s", code, o, e)
	}
	cancel()
	if code := wait(); code != 0 {
		t.Fatalf("dev exit %d: %s", code, errOut)
	}
}
