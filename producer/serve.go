package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

const serveExamples = `Waits for commands on the race commands topic (read from its end) and runs
one race at a time: "start" (circuit, laps, drivers, speed factor, race id)
starts a race, replacing a running one; "stop" stops it and publishes
ABORTED. Commands are JSON, Avro or Protobuf (Confluent wire format). --circuit,
--laps, --drivers, --speed, --rate and --seed are the defaults for what a
start command leaves out, and the settings of the --demo race.

Examples:
  producer serve                       # wait for Grafana
  producer serve --demo                # start one demo race at once (docker compose does this)
  producer serve --embedded --demo     # broker, registry and races in one process
  echo '{"ts":0,"race_id":"r1","command":"start","circuit":"spa","laps":3,"speed":10}' | kcat -P -b 127.0.0.1:9092 -t f1-race-commands`

func runServe(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	f := newFlags("serve", "producer serve [flags]", serveExamples)
	kc := addKafkaFlags(f)
	demo := f.Bool("demo", false, "start one demo race at once")
	rf := addRaceFlags(f) // the defaults of what a start command leaves out
	if err := f.parseNoArgs(args, env, stdout, stderr); err != nil {
		return err
	}
	def, err := rf.spec("")
	if err != nil {
		return err
	}
	if err := kc.check(); err != nil {
		return err
	}
	snk, closeSink, err := kc.openSink(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	defer closeSink()
	cons, err := commandConsumer(ctx, kc)
	if err != nil {
		return err
	}
	defer cons.Close()
	r := &runner{snk: snk, stdout: stdout, stderr: stderr}
	defer r.stop("")
	if *demo {
		sp := def
		sp.cfg.RaceID = fmt.Sprintf("demo-%s-%d", sp.cfg.Circuit.Key, sp.cfg.Seed)
		r.start(ctx, sp)
	}
	fmt.Fprintf(stdout, "serve: waiting for commands on %s at %s\n", kc.topics.Commands, kc.brokers)
	for {
		fs := cons.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		fs.EachError(func(t string, p int32, err error) {
			fmt.Fprintf(stderr, "serve: reading %s[%d]: %v\n", t, p, err)
		})
		fs.EachRecord(func(rec *kgo.Record) { serveRecord(ctx, r, rec, def) })
		if err := r.err(); err != nil {
			return err
		}
	}
}

// commandConsumer reads the commands topic from its current end: the end
// offsets are looked up now, so a command sent after "waiting" is seen.
func commandConsumer(ctx context.Context, kc *kafkaConfig) (*kgo.Client, error) {
	probe, err := kc.connect(ctx)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithTimeout(ctx, max(kc.connectTimeout, topicSetup))
	err = waitTopics(lctx, probe, kc.topics.Commands)
	var ends kadm.ListedOffsets
	if err == nil {
		ends, err = kadm.NewClient(probe).ListEndOffsets(lctx, kc.topics.Commands)
	}
	cancel()
	probe.Close()
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("reading the end of %s: %w", kc.topics.Commands, err)
	}
	parts := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) { parts[o.Partition] = kgo.NewOffset().At(o.Offset) })
	return kc.connect(ctx, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{kc.topics.Commands: parts}))
}

// runner runs at most one race at a time.
type runner struct {
	mu       sync.Mutex
	snk      *sink
	stdout   io.Writer
	stderr   io.Writer
	raceID   string
	cancel   context.CancelFunc
	done     chan struct{}
	firstErr error
}

func (r *runner) handle(ctx context.Context, c f1.RaceCommand, def raceSpec) {
	switch strings.ToLower(c.Command) {
	case f1.CommandStart:
		sp, err := specFromCommand(c, def)
		if err != nil {
			fmt.Fprintf(r.stderr, "serve: cannot start race %q: %v\n", c.RaceID, err)
			return
		}
		r.start(ctx, sp)
	case f1.CommandStop:
		r.stop(c.RaceID)
	default:
		fmt.Fprintf(r.stderr, "serve: unknown command %s (want start or stop)\n", f1wire.Quote(c.Command, 40))
	}
}

// specFromCommand fills a start command's blanks from the defaults.
func specFromCommand(c f1.RaceCommand, def raceSpec) (raceSpec, error) {
	circuit := c.Circuit
	if circuit == "" {
		circuit = def.cfg.Circuit.Key
	}
	drivers := strings.Join(c.Drivers, ",")
	if drivers == "" {
		drivers = "all"
	}
	speed := "max"
	if c.Speed > 0 {
		speed = fmt.Sprint(c.Speed)
	}
	return newRaceSpec(circuit, c.Laps, drivers, speed, def.cfg.RateHz, def.cfg.Seed, c.RaceID)
}

// start stops any running race, then starts sp.
func (r *runner) start(ctx context.Context, sp raceSpec) {
	r.stop("")
	r.mu.Lock()
	defer r.mu.Unlock()
	rctx, cancel := context.WithCancel(ctx)
	r.raceID, r.cancel, r.done = sp.cfg.RaceID, cancel, make(chan struct{})
	done := r.done
	fmt.Fprintf(r.stdout, "serve: starting race %s (%s, %d laps)\n", sp.cfg.RaceID, sp.cfg.Circuit.Name, max(sp.cfg.Laps, 0))
	go func() {
		defer close(done)
		if _, err := driveRace(rctx, r.snk, sp, &truthWriter{}, r.stdout, r.stderr); err != nil {
			r.mu.Lock()
			if r.firstErr == nil {
				r.firstErr = err
			}
			r.mu.Unlock()
		}
	}()
}

// stop stops the running race if its id is raceID (any race if empty) and
// waits until it has published ABORTED and flushed.
func (r *runner) stop(raceID string) {
	r.mu.Lock()
	cancel, done, id := r.cancel, r.done, r.raceID
	if cancel == nil || (raceID != "" && raceID != id) {
		r.mu.Unlock()
		if raceID != "" {
			fmt.Fprintf(r.stderr, "serve: stop for %q, but the running race is %q\n", raceID, id)
		}
		return
	}
	r.cancel, r.done = nil, nil
	r.mu.Unlock()
	cancel()
	<-done
}

// err is the first produce error of a race: serve then exits loudly.
func (r *runner) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstErr
}
