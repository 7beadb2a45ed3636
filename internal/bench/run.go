package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
	"github.com/pitwall-f1/pitwall/pkg/plugin"
)

// Pace is one speed of the live phase and how long the race runs at it.
type Pace struct {
	Speed    int
	Duration time.Duration
}

// Config says how much to measure.
type Config struct {
	Quick          bool
	Producer       string // path of the producer binary; "" builds it
	Paces          []Pace
	CapacityRateHz float64 // telemetry samples per car per second of the capacity topic
	CapacityRuns   int
	// CapacityBaseline also streams each capacity topic with flushMs 100
	// (the fixed cadence before adaptive flushing) after the default, so
	// both are measured in one run.
	CapacityBaseline bool
	QueryRuns        int
	Laps             int           // race distance of the pre-filled races (0: the circuit's)
	Hour             time.Duration // span of the time-range query
	// StreamCounts are the numbers of concurrent streams of the streams
	// phase, each run for StreamsDuration.
	StreamCounts    []int
	StreamsDuration time.Duration
	// Phases to run: "live", "streams", "capacity", "query" (empty: all).
	Phases []string
	// Kafka is the broker: KafkaFake (producer dev: kfake, in a child
	// process) or KafkaReal (three Apache Kafka brokers, internal/testkafka).
	Kafka string
	// RealBrokers is how many brokers KafkaReal starts: 3 (0 means 3), or
	// 1 (topics then have no replicas to wait for).
	RealBrokers int
	Log         io.Writer // progress lines
}

// DefaultConfig is the full bench: about two to three minutes on 2 cores.
func DefaultConfig() Config {
	return Config{
		Paces:          []Pace{{1, 25 * time.Second}, {10, 15 * time.Second}, {100, 15 * time.Second}},
		CapacityRateHz: 10, CapacityRuns: 2, QueryRuns: 5, Hour: time.Hour, Log: os.Stderr,
		StreamCounts: []int{1, 10, 50, 100}, StreamsDuration: 12 * time.Second,
	}
}

// QuickConfig is a smoke run of every phase in about 20 seconds; its
// numbers are not meaningful.
func QuickConfig() Config {
	return Config{
		Quick:          true,
		Paces:          []Pace{{1, 2 * time.Second}, {10, 2 * time.Second}, {100, 2 * time.Second}},
		CapacityRateHz: 4, CapacityRuns: 1, QueryRuns: 1, Laps: 2, Hour: time.Hour, Log: os.Stderr,
		StreamCounts: []int{1, 10}, StreamsDuration: 2 * time.Second,
	}
}

func (c Config) runs(phase string) bool {
	return len(c.Phases) == 0 || slices.Contains(c.Phases, phase)
}

func (c Config) raceLaps() []string {
	if c.Laps <= 0 {
		return nil
	}
	return []string{"--laps", strconv.Itoa(c.Laps)}
}

// Machine describes where the bench ran.
type Machine struct {
	GoVersion  string
	GOMAXPROCS int
	NumCPU     int
	CPUModel   string
	LoadStart  float64
	LoadEnd    float64
}

// Results is everything one run measured.
type Results struct {
	Config    Config
	Machine   Machine
	WheelSpin bool // the plugin has the wheelSpin query type
	Paces     []PaceResult
	Streams   []StreamsResult
	// StreamsFloor is the bench's own CPU (cores) with no stream running,
	// taken off the streams phase's CPU.
	StreamsFloor float64
	Capacity     []CapacityResult
	Queries      []QueryResult
	PeakRSSMB    float64
	PeakHeapMB   float64
	// PeakPerPhase: the RSS peaks are per phase (VmHWM was reset at each
	// phase start); false means each is the peak since the process started.
	PeakPerPhase bool
	Took         time.Duration
}

// runEnv is what the phases share.
type runEnv struct {
	cfg       Config
	producer  string
	broker    *devBroker
	ds        *plugin.Datasource
	heap      *heapSampler
	wheelSpin bool
	rssReset  bool
	floor     float64 // see Results.StreamsFloor
}

func (e *runEnv) logf(format string, args ...any) {
	if e.cfg.Log != nil {
		fmt.Fprintf(e.cfg.Log, "bench: "+format+"\n", args...)
	}
}

// Run runs every phase and returns the results.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	start := time.Now()
	env := &runEnv{cfg: cfg, producer: cfg.Producer, rssReset: true, wheelSpin: wheelSpinAvailable()}
	res := &Results{Config: cfg, WheelSpin: env.wheelSpin, Machine: Machine{GoVersion: runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), CPUModel: cpuModel(), LoadStart: loadAvg()}}
	if env.producer == "" {
		dir, err := os.MkdirTemp("", "pitwall-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		env.logf("building the producer")
		if env.producer, err = buildProducer(ctx, dir); err != nil {
			return nil, err
		}
	}
	var err error
	if env.broker, err = startBroker(env.producer); err != nil {
		return nil, err
	}
	defer func() { _ = env.broker.stop() }()
	if cfg.Kafka == KafkaReal {
		env.logf("starting %d Apache Kafka broker(s)", cfg.realBrokers())
		stop, err := useRealKafka(env.broker, cfg.realBrokers())
		if err != nil {
			return nil, err
		}
		defer stop()
		env.logf("Apache Kafka at %s, registry %s (producer dev's srfake)", env.broker.kafka, env.broker.registry)
	} else {
		env.logf("broker %s, registry %s (producer dev, child process)", env.broker.kafka, env.broker.registry)
	}
	if env.ds, err = newDatasource(env.broker); err != nil {
		return nil, err
	}
	defer env.ds.Dispose()
	env.heap = startHeapSampler(10 * time.Millisecond)
	defer env.heap.close()
	if !env.wheelSpin {
		env.logf("the plugin has no wheelSpin query type yet: measuring the telemetry type only")
	}

	if cfg.runs("live") {
		if err := runLive(ctx, env, res); err != nil {
			return nil, err
		}
	}
	if cfg.runs("streams") {
		if err := runStreamsPhase(ctx, env, res); err != nil {
			return nil, err
		}
	}
	if cfg.runs("capacity") {
		if err := runCapacityPhase(ctx, env, res); err != nil {
			return nil, err
		}
	}
	if cfg.runs("query") {
		if err := runQueryPhase(ctx, env, res); err != nil {
			return nil, err
		}
	}
	res.PeakPerPhase = env.rssReset
	for _, ph := range res.phases() {
		res.PeakRSSMB = max(res.PeakRSSMB, ph.PeakRSSMB)
		res.PeakHeapMB = max(res.PeakHeapMB, ph.PeakHeapMB)
	}
	res.Machine.LoadEnd = loadAvg()
	res.Took = time.Since(start)
	return res, nil
}

func runLive(ctx context.Context, env *runEnv, res *Results) error {
	for _, p := range env.cfg.Paces {
		env.logf("live at %dx for %s", p.Speed, p.Duration)
		pr, err := runPace(ctx, env, p.Speed, p.Duration)
		if err != nil {
			return fmt.Errorf("live at %dx: %w", p.Speed, err)
		}
		res.Paces = append(res.Paces, pr)
	}
	return nil
}

func runCapacityPhase(ctx context.Context, env *runEnv, res *Results) error {
	for _, format := range []string{"json", "avro", "protobuf"} {
		env.logf("pre-filling the %s capacity topic", format)
		n, err := prefillCapacity(ctx, env, format)
		if err != nil {
			return err
		}
		modes := []bool{false} // the default flush; with the baseline, then flushMs 100
		if env.cfg.CapacityBaseline {
			modes = append(modes, true)
		}
		for _, kind := range env.kinds() {
			env.logf("capacity: %s %s, %d records, %d run(s)", format, kind, n, env.cfg.CapacityRuns)
			for _, fixed100 := range modes {
				cr, err := runCapacity(ctx, env, format, kind, n, env.cfg.CapacityRuns, fixed100)
				if err != nil {
					return fmt.Errorf("capacity %s %s: %w", format, kind, err)
				}
				res.Capacity = append(res.Capacity, cr)
			}
		}
	}
	return nil
}

func runQueryPhase(ctx context.Context, env *runEnv, res *Results) error {
	// The phase measures reading the hour from Kafka: its queries repeat one
	// range (runs, then wheelSpin over telemetry's records), which the plugin
	// would answer from a finished read's records for JointCacheTTL. Off here,
	// so every run reads and decodes the hour again, as a panel's first load does.
	defer func(ttl time.Duration) { pipeline.JointCacheTTL = ttl }(pipeline.JointCacheTTL)
	pipeline.JointCacheTTL = 0
	for _, format := range []string{"json", "avro"} {
		env.logf("pre-filling the %s time-range topic", format)
		first, err := prefillHour(ctx, env, format)
		if err != nil {
			return err
		}
		kinds := []string{"telemetry"}
		if format == "json" {
			kinds = env.kinds()
		}
		for _, kind := range kinds {
			env.logf("time-range query: %s %s, %d run(s)", format, kind, env.cfg.QueryRuns)
			qr, err := runRangeQuery(ctx, env, format, kind, first, env.cfg.Hour, env.cfg.QueryRuns)
			if err != nil {
				return fmt.Errorf("time-range query %s %s: %w", format, kind, err)
			}
			res.Queries = append(res.Queries, qr)
		}
	}
	return nil
}

// phases are the measurements whose peaks make the run's peak RSS and heap
// (the streams phase reports its own: it runs a hundred streams, twice).
func (r *Results) phases() []PhaseStats {
	var out []PhaseStats
	for _, p := range r.Paces {
		out = append(out, p.Phase)
	}
	for _, c := range r.Capacity {
		out = append(out, c.Phase)
	}
	for _, q := range r.Queries {
		out = append(out, q.Phase)
	}
	return out
}

// kinds are the query types the capacity and query phases measure.
func (e *runEnv) kinds() []string {
	if e.wheelSpin {
		return []string{"telemetry", "wheelSpin"}
	}
	return []string{"telemetry"}
}
