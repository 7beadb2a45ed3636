package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

const raceExamples = `Simulates a Formula 1 race and produces it to Kafka: telemetry, timing,
race control, the alerts of pkg/f1's rules, and pit-window and tyre-cliff
predictions (pkg/f1/predict).

Examples:
  producer race                                        # Monza, full grid, real time
  producer race --circuit spa --laps 10 --speed 10     # 10 laps of Spa at 10x
  producer race --drivers VER,NOR,LEC --seed 7         # three cars, reproducible
  producer race --format avro --registry http://127.0.0.1:8081
  producer race --embedded --speed max --truth truth.jsonl   # self-contained, as fast as possible
  PITWALL_BROKERS=kafka:9092 producer race --circuit monaco`

// raceSpec is what to race, parsed and checked.
type raceSpec struct {
	cfg         sim.Config
	speed       float64 // 0: as fast as possible
	truth       string  // file for injected events and pit stops, "" none
	predictions bool    // publish pkg/f1/predict's predictions on f1-predictions
}

// newRaceSpec checks a race's settings and fills in the sim config.
func newRaceSpec(circuit string, laps int, drivers, speed string, rate float64, seed uint64, raceID string) (raceSpec, error) {
	var sp raceSpec
	c, err := f1.CircuitByName(circuit)
	if err != nil {
		return sp, err
	}
	ds, err := f1.ParseDrivers(drivers)
	if err != nil {
		return sp, err
	}
	if laps < 0 || laps > 200 {
		return sp, fmt.Errorf("bad --laps %d: want 1 to 200, or 0 for the circuit's %d", laps, c.Laps)
	}
	if !(rate >= 0.5 && rate <= 50) { // NaN fails both
		return sp, fmt.Errorf("bad --rate %v: want 0.5 to 50 samples per second per car", rate)
	}
	if sp.speed, err = parseSpeed(speed); err != nil {
		return sp, err
	}
	if raceID == "" {
		raceID = fmt.Sprintf("%s-%d-%d", c.Key, seed, time.Now().Unix())
	}
	if err := f1wire.CheckRaceID(raceID); err != nil {
		return sp, err
	}
	sp.cfg = sim.Config{RaceID: raceID, Circuit: c, Laps: laps, Drivers: ds, Seed: seed, RateHz: rate}
	sp.predictions = true
	return sp, nil
}

// raceFlags are the flags that say what race to run (race), or what a start
// command leaves out (serve).
type raceFlags struct {
	circuit, drivers, speed *string
	laps                    *int
	rate                    *float64
	seed                    *uint64
}

func addRaceFlags(f *cmdFlags) raceFlags {
	return raceFlags{
		circuit: f.String("circuit", "monza", "circuit: "+strings.Join(f1.KnownCircuits(), ", ")),
		laps:    f.Int("laps", 0, "race distance in laps (0: the circuit's real distance)"),
		drivers: f.String("drivers", "all", "driver codes, comma separated, or all"),
		speed:   f.String("speed", "1", "time factor: 1 is real time, 10 is ten times faster, max is as fast as possible"),
		rate:    f.Float64("rate", 4, "telemetry samples per second per car"),
		seed:    f.Uint64("seed", 1, "random seed: the same seed gives the same race"),
	}
}

func (r raceFlags) spec(raceID string) (raceSpec, error) {
	return newRaceSpec(*r.circuit, *r.laps, *r.drivers, *r.speed, *r.rate, *r.seed, raceID)
}

func runRace(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	f := newFlags("race", "producer race [flags]", raceExamples)
	kc := addKafkaFlags(f)
	rf := addRaceFlags(f)
	raceID := f.String("race-id", "", "race id in every record (default <circuit>-<seed>-<unix time>)")
	truth := f.String("truth", "", "write the injected wheel spins, gear anomalies and hot brakes, and the pit stops, to this file (JSON lines)")
	preds := f.Bool("predictions", true, "publish pit-window and tyre-cliff predictions on the predictions topic")
	if err := f.parseNoArgs(args, env, stdout, stderr); err != nil {
		return err
	}
	sp, err := rf.spec(*raceID)
	if err != nil {
		return err
	}
	sp.truth, sp.predictions = *truth, *preds
	if err := kc.check(); err != nil {
		return err
	}
	truthW, closeTruth, err := openTruth(sp.truth)
	if err != nil {
		return err
	}
	defer closeTruth()
	snk, closeSink, err := kc.openSink(ctx, stderr, stderr)
	if err != nil {
		return err
	}
	defer closeSink()
	_, err = driveRace(ctx, snk, sp, truthW, stdout, stderr)
	if err == nil {
		err = truthW.Flush()
	}
	return err
}

// openSink starts the embedded broker when --embedded asks for it (saying
// so on w, warning on warn), connects, creates missing topics, registers
// schemas (Avro) and returns a sink with its close function.
func (kc *kafkaConfig) openSink(ctx context.Context, w, warn io.Writer) (*sink, func(), error) {
	stopEmbedded := func() {}
	if kc.embedded {
		e, err := kc.useEmbedded("", warn)
		if err != nil {
			return nil, nil, err
		}
		stopEmbedded = e.Close
		fmt.Fprintf(w, "embedded broker on %s, registry %s (in-process, development only)\n", kc.brokers, kc.registry)
	}
	snk, closeSink, err := openSinkTo(ctx, kc)
	if err != nil {
		stopEmbedded()
		return nil, nil, err
	}
	return snk, func() { closeSink(); stopEmbedded() }, nil
}

func openSinkTo(ctx context.Context, kc *kafkaConfig) (*sink, func(), error) {
	cl, err := kc.connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := ensureTopics(ctx, cl, kc.topics, max(kc.connectTimeout, topicSetup)); err != nil {
		cl.Close()
		return nil, nil, err
	}
	var ids schemaIDs
	if kc.registered() {
		if ids, err = registerSchemas(ctx, kc); err != nil {
			cl.Close()
			return nil, nil, err
		}
	}
	snk := newSink(cl, kc, ids)
	return snk, func() { snk.close(); cl.Close() }, nil
}

// driveRace runs one race into the sink, paced by its speed. Timestamps are
// wall-clock: the race starts now (at speed 1 or faster, virtual time is
// compressed by the factor so records stay "live"); as fast as possible, it
// is placed so that it ends about now. On cancellation it publishes ABORTED,
// flushes and reports aborted = true with no error.
func driveRace(ctx context.Context, snk *sink, sp raceSpec, truth *truthWriter, stdout, stderr io.Writer) (aborted bool, err error) {
	now := time.Now().UnixMilli()
	cfg := sp.cfg
	laps := cfg.Laps
	if laps == 0 {
		laps = cfg.Circuit.Laps
	}
	cfg.StartMs = now
	if sp.speed == 0 {
		cfg.StartMs = now - int64(float64(laps)*cfg.Circuit.TypicalLapS*1030)
	}
	s, err := sim.New(cfg)
	if err != nil {
		return false, err
	}
	start := cfg.StartMs
	mapTs := func(ts int64) int64 { return ts }
	if sp.speed > 0 && sp.speed != 1 {
		mapTs = func(ts int64) int64 { return start + int64(float64(ts-start)/sp.speed) }
	}
	prog := newProgress(snk, stderr, "race "+cfg.RaceID)
	defer prog.stop()
	pred := newPredictions(sp.predictions, cfg.Circuit.PitLossS, laps)
	wallStart := time.Now()
	var lastTs, paced int64
	var n int
	for {
		if ctx.Err() != nil {
			aborted = true
			break
		}
		ev, ok := s.Next()
		if !ok {
			break
		}
		ts := mapTs(ev.Ts)
		lastTs = ts
		if sp.speed > 0 && ts-paced >= 5 {
			paced = ts
			if !sleepUntil(ctx, wallStart.Add(time.Duration(ts-start)*time.Millisecond)) {
				aborted = true
				break
			}
		}
		if err := sendEvent(snk, truth, pred, ev, mapTs); err != nil {
			return false, err
		}
		if n++; n&1023 == 0 {
			prog.set(s.Status())
		}
	}
	prog.set(s.Status())
	var ab *f1.RaceControl
	if aborted {
		a := s.Aborted(max(lastTs, start), "stopped by the user")
		ab = &a
	}
	return aborted, snk.finish(prog, "race "+cfg.RaceID, wallStart, ab, stdout)
}

// sendEvent produces one simulator event (truth goes to the truth file),
// and the predictions made on timing.
func sendEvent(snk *sink, truth *truthWriter, pred *predictions, ev sim.Event, mapTs func(int64) int64) error {
	switch ev.Type {
	case sim.TelemetryEvent:
		ev.Telemetry.Ts = mapTs(ev.Telemetry.Ts)
		return snk.telemetry(ev.Telemetry)
	case sim.PositionEvent:
		ev.Position.Ts = mapTs(ev.Position.Ts)
		if err := snk.position(ev.Position); err != nil {
			return err
		}
		return pred.position(snk, ev.Position)
	case sim.RaceControlEvent:
		ev.RaceControl.Ts = mapTs(ev.RaceControl.Ts)
		pred.raceControl(ev.RaceControl)
		return snk.raceControl(ev.RaceControl)
	case sim.AlertEvent:
		ev.Alert.Ts = mapTs(ev.Alert.Ts)
		return snk.alert(ev.Alert)
	case sim.LocationEvent:
		ev.Location.Ts = mapTs(ev.Location.Ts)
		return snk.location(ev.Location)
	case sim.WeatherEvent:
		ev.Weather.Ts = mapTs(ev.Weather.Ts)
		return snk.weather(ev.Weather)
	case sim.TruthEvent:
		ev.Truth.StartTs, ev.Truth.EndTs = mapTs(ev.Truth.StartTs), mapTs(ev.Truth.EndTs)
		if err := truth.write(ev.Truth); err != nil {
			return fmt.Errorf("writing --truth file: %w", err)
		}
	}
	return nil
}

// sleepUntil waits until t or ctx ends; it reports false if ctx ended.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= time.Millisecond {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}
