package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Many streams over one topic: N live streams at once, each its own
// channel, over f1-telemetry while `producer race` runs a full grid at 10x:
// the panels of the F1 live dashboard (dashboards/f1-live.json) that read
// telemetry alone, for one driver each — stream i is panel i%10 for driver
// i/10 of the grid, as if N/10 viewers each picked a driver. The same N
// streams run twice in one run: with the consumers shared (the default)
// and with sharing off, every stream on its own consumer as before (the
// baseline). CPU per record is this process's CPU (user + system) over the
// race, less that of the thread that parses the packets for latency (it
// plays the browser) and less the bench's own floor (its heap sampler and
// timers, measured with no stream running before the phase), divided by
// the records produced.

// dashboardPanels are the f1-live panels over f1-telemetry alone.
var dashboardPanels = []string{
	`"queryType":"telemetry","fields":["speed_kph"]`,
	`"queryType":"telemetry","fields":["rpm"]`,
	`"queryType":"telemetry","fields":["gear"]`,
	`"queryType":"telemetry","fields":["throttle_pct"]`,
	`"queryType":"telemetry","fields":["brake"]`,
	`"queryType":"raw","fields":["driver","x","y"],"timeField":"ts"`,
	`"queryType":"wheelSpin","view":"series","spinThresholdPct":8`,
	`"queryType":"gearAnomalies","view":"events"`,
	`"queryType":"gearAnomalies","view":"distribution"`,
	`"queryType":"averageSpeed","view":"latest"`,
}

// streamMix is the query of each of n streams.
func streamMix(n int) []string {
	grid := f1.Grid()
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`{%s,"topic":%q,"format":"json","offset":"latest","stream":true,"drivers":[%q]}`,
			dashboardPanels[i%len(dashboardPanels)], f1.TopicTelemetry, grid[(i/len(dashboardPanels))%len(grid)].Code)
	}
	return out
}

// StreamsResult is one run of N streams.
type StreamsResult struct {
	Streams     int
	Shared      bool
	Produced    int64
	Window      time.Duration
	CPU         time.Duration // plugin side: the process less the latency parser
	CPUPerRecUs float64
	Packets     int
	Rows        int
	Latency     Latency
	Consumers   int // shared consumers at the end of the race
	Members     int // streams reading through them
	Phase       PhaseStats
}

// streamsSpeed is the race's pace.
const streamsSpeed = 10

func runStreamsPhase(ctx context.Context, env *runEnv, res *Results) error {
	// The floor is the idle bench's own CPU: the garbage and the stopping
	// streams of the phase before are not (a GC of the live phase's heap in
	// the window raised it above a 1-stream run's CPU, whose CPU per record
	// then came out negative: TestPitwallBenchQuick on a loaded machine).
	runtime.GC()
	time.Sleep(time.Second)
	cpu0, t0 := cpuTime(), time.Now()
	time.Sleep(2 * time.Second)
	res.StreamsFloor = float64(cpuTime()-cpu0) / float64(time.Since(t0))
	env.floor = res.StreamsFloor
	for _, n := range env.cfg.StreamCounts {
		for _, shared := range []bool{false, true} {
			env.logf("streams: %d at %dx, shared consumers %v, for %s", n, streamsSpeed, shared, env.cfg.StreamsDuration)
			var sr StreamsResult
			var err error
			// Labelled, so a -cpuprofile can be cut per run
			// (pprof -tagfocus shared=true,streams=100).
			pprof.Do(ctx, pprof.Labels("phase", "streams", "streams", fmt.Sprint(n), "shared", fmt.Sprint(shared)), func(ctx context.Context) {
				sr, err = runStreams(ctx, env, n, shared, env.cfg.StreamsDuration)
			})
			if err != nil {
				return fmt.Errorf("%d streams (shared %v): %w", n, shared, err)
			}
			res.Streams = append(res.Streams, sr)
		}
	}
	env.ds.ShareConsumers(true)
	return nil
}

// runStreams runs n streams while a race runs at streamsSpeed for dur.
func runStreams(ctx context.Context, env *runEnv, n int, shared bool, dur time.Duration) (StreamsResult, error) {
	res := StreamsResult{Streams: n, Shared: shared}
	env.ds.ShareConsumers(shared)
	ph := env.startPhase()
	ms := newMultiSender()
	defer ms.close()
	var streams []*stream
	defer func() {
		for _, s := range streams {
			_ = s.stop()
		}
	}()
	for i, q := range streamMix(n) {
		s, err := runStreamTo(env.ds, q, ms.sender(i), nil)
		if err != nil {
			return res, err
		}
		streams = append(streams, s)
	}
	time.Sleep(time.Second) // the streams look up the topic's end (and join)
	before, err := topicRecords(env.ds, f1.TopicTelemetry)
	if err != nil {
		return res, err
	}
	race, err := startChild(env.producer, env.broker.raceArgs("json", fmt.Sprint(streamsSpeed), "", 4)...)
	if err != nil {
		return res, err
	}
	cpu0, pcpu0, start := cpuTime(), ms.parserCPU(), time.Now()
	if err := raceWithStreams(ctx, race, streams, dur); err != nil {
		return res, err
	}
	res.Consumers, res.Members = env.ds.SharedConsumers()
	time.Sleep(300 * time.Millisecond) // the last records' frames
	res.Window = time.Since(start)
	res.CPU = (cpuTime() - cpu0) - (ms.parserCPU() - pcpu0) - time.Duration(env.floor*float64(res.Window))
	after, err := topicRecords(env.ds, f1.TopicTelemetry)
	if err != nil {
		return res, err
	}
	res.Produced = after - before
	for _, s := range streams {
		if err := s.stop(); err != nil {
			return res, fmt.Errorf("stream %s: %w", s.path, err)
		}
	}
	st := ms.stats()
	if st.ParseErrors > 0 {
		return res, fmt.Errorf("%d packets could not be read: %w", st.ParseErrors, st.FirstError)
	}
	res.Packets, res.Rows, res.Latency = st.Packets, st.Rows, st.Latency
	if res.Produced > 0 {
		res.CPUPerRecUs = float64(res.CPU.Microseconds()) / float64(res.Produced)
	}
	res.Phase = ph.end()
	return res, nil
}
