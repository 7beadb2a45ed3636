package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"time"
)

// Pipeline capacity: a topic pre-filled by `producer race --speed max`
// is streamed from its start (offset earliest) through RunStream, the way a
// backlog is: consume (fetch, decompress) -> decode -> the query type's
// transform -> frames -> SendFrame (JSON) into a sender that only counts.
// This process runs with GOMAXPROCS=1 meanwhile, and the rate per core is
// records / CPU seconds this process used (user + system: the consumer's
// goroutines, decoding, transforms, frames, GC), so it reads "records per
// second one core sustains" even when the broker (another process) or the
// machine's other load is what held the wall-clock rate back. The wall-clock
// rate is reported too. The end is seen through the plugin's own
// pitwall_records_total counter, which a stream adds to once per send.

// CapacityResult is the best of a few runs of one format and query type.
type CapacityResult struct {
	Format, Kind string
	// Fixed100: streamed with flushMs 100, the fixed cadence every stream
	// had before adaptive flushing (Config.CapacityBaseline), to compare
	// with the default in the same run.
	Fixed100   bool
	Records    int64
	Runs       int
	Wall, CPU  time.Duration // of the best run
	RPSPerCore float64
	RPSWall    float64
	Packets    int
	Bytes      int64
	Phase      PhaseStats
}

// capacityTopic is the telemetry topic pre-filled for format.
func capacityTopic(format string) string { return "bench-cap-" + format + "-telemetry" }

// prefillCapacity fills the capacity topic of format with one race at
// speed max and returns how many records it holds.
func prefillCapacity(ctx context.Context, env *runEnv, format string) (int64, error) {
	args := env.broker.raceArgs(format, "max", "bench-cap-"+format, env.cfg.CapacityRateHz, env.cfg.raceLaps()...)
	if err := env.broker.runRace(ctx, env.producer, args); err != nil {
		return 0, fmt.Errorf("pre-filling %s: %w", capacityTopic(format), err)
	}
	return topicRecords(env.ds, capacityTopic(format))
}

// runCapacity streams the whole capacity topic of format with queryType,
// runs times, and keeps the fastest run per core; fixed100 streams it with
// flushMs 100 instead of the default flush.
func runCapacity(ctx context.Context, env *runEnv, format, queryType string, n int64, runs int, fixed100 bool) (CapacityResult, error) {
	res := CapacityResult{Format: format, Kind: queryType, Records: n, Runs: runs, Fixed100: fixed100}
	topic := capacityTopic(format)
	flush := ""
	if fixed100 {
		flush = `,"flushMs":100`
	}
	query := fmt.Sprintf(`{"queryType":%q,"topic":%q,"format":%q,"offset":"earliest","stream":true%s}`, queryType, topic, format, flush)
	ph := env.startPhase()
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	for i := 0; i < runs; i++ {
		var wall, cpu time.Duration
		var s SenderStats
		var err error
		// Labelled, so a -cpuprofile can be cut per format and type
		// (pprof -tagfocus format=avro,kind=telemetry).
		pprof.Do(ctx, pprof.Labels("phase", "capacity", "format", format, "kind", queryType), func(ctx context.Context) {
			wall, cpu, s, err = capacityRun(ctx, env, query, topic, n)
		})
		if err != nil {
			return res, err
		}
		if rate := float64(n) / cpu.Seconds(); rate > res.RPSPerCore {
			res.RPSPerCore, res.RPSWall, res.Wall, res.CPU = rate, float64(n)/wall.Seconds(), wall, cpu
			res.Packets, res.Bytes = s.Packets, s.Bytes
		}
	}
	res.Phase = ph.end()
	return res, nil
}

// capacityRun streams the topic once, until the plugin has read n records.
func capacityRun(ctx context.Context, env *runEnv, query, topic string, n int64) (time.Duration, time.Duration, SenderStats, error) {
	read := map[string]string{"topic": topic, "reader": "stream"}
	base := pluginCounter("pitwall_records_total", read)
	badBase := pluginCounter("pitwall_decode_errors_total", nil)
	cpu0, t0 := cpuTime(), time.Now()
	s, err := runStream(env.ds, query, NewSender(false, "time"))
	if err != nil {
		return 0, 0, SenderStats{}, err
	}
	deadline := time.Now().Add(5 * time.Minute)
	for pluginCounter("pitwall_records_total", read)-base < float64(n) {
		if err := s.failed(); err != nil {
			return 0, 0, SenderStats{}, err
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = s.stop()
			return 0, 0, SenderStats{}, fmt.Errorf("stream %s read %.0f of %d records in 5 minutes", s.path,
				pluginCounter("pitwall_records_total", read)-base, n)
		}
		// Gathering the default registry costs about half a millisecond
		// (it reads /proc for the process metrics): poll slowly. Only the
		// wall-clock rate loses precision; the CPU time of an idle stream
		// is next to nothing.
		time.Sleep(100 * time.Millisecond)
	}
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	if err := s.stop(); err != nil {
		return 0, 0, SenderStats{}, err
	}
	if bad := pluginCounter("pitwall_decode_errors_total", nil) - badBase; bad > 0 {
		return 0, 0, SenderStats{}, fmt.Errorf("stream %s had %.0f bad records", s.path, bad)
	}
	st := s.sender.Stats()
	if st.Packets == 0 {
		return 0, 0, st, fmt.Errorf("stream %s read %d records but sent no frame", s.path, n)
	}
	return wall, cpu, st, nil
}

// label is the query type column of the report.
func (c CapacityResult) label() string {
	if c.Fixed100 {
		return c.Kind + " fixed100"
	}
	return c.Kind
}
