package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Print writes the readable table, then the summary JSON as the last line.
func (r *Results) Print(w io.Writer) error {
	m := r.Machine
	fmt.Fprintf(w, "Pitwall bench%s: %s, GOMAXPROCS %d of %d CPUs (%s); load average %.2f at start, %.2f at end; took %s\n",
		map[bool]string{true: " (quick: numbers not meaningful)"}[r.Config.Quick], m.GoVersion, m.GOMAXPROCS, m.NumCPU, m.CPUModel,
		m.LoadStart, m.LoadEnd, r.Took.Round(100_000_000))
	broker := "kfake"
	if r.Config.Kafka == KafkaReal {
		broker = fmt.Sprintf("Apache Kafka (%d broker(s))", r.Config.realBrokers())
		fmt.Fprintf(w, "Plugin side measured in this process; %s (JVMs), the registry (producer dev) and the simulator (producer race) in child processes.\n", broker)
	} else {
		fmt.Fprintln(w, "Plugin side measured in this process; broker (producer dev) and simulator (producer race) in child processes.")
	}

	fmt.Fprintf(w, "\nLive: producer race (full grid, 4 Hz) -> %s -> RunStream -> SendFrame; latency = Send time - record ts\n", broker)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pace\tstream\tproduced\trows\tp50 ms\tp99 ms\tmax ms\trows/s\tframes/s\tKB/s\tRSS MB start/peak\tpeak heap MB\tload\t")
	for _, p := range r.Paces {
		for _, s := range p.Streams {
			l := s.Stats.Latency
			fmt.Fprintf(tw, "%dx\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t%.1f\t%.1f\t%s\t%.1f\t%.2f\t\n", p.Speed, s.Name, p.Produced,
				s.Stats.Rows, l.P50, l.P99, l.Max, s.RowsPerSec, s.FramesPS, s.BytesPS/1024, p.Phase.rss(), p.Phase.PeakHeapMB, p.Phase.LoadEnd)
		}
	}
	tw.Flush()

	if len(r.Streams) > 0 {
		fmt.Fprintf(w, "\nMany streams: N live streams over f1-telemetry (f1-live panels, one driver each), race at %dx on %s;\nCPU = this process less the latency parser and the bench's idle floor (%.1f%% of a core)\n", streamsSpeed, broker, 100*r.StreamsFloor)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "streams\tconsumers\tproduced\tCPU s\tCPU µs/record\tx one stream\tframes/s\tp50 ms\tp99 ms\tmax ms\tRSS MB start/peak\tload\t")
		for _, s := range r.Streams {
			cons := "own"
			if s.Shared {
				cons = fmt.Sprintf("shared (%d for %d)", s.Consumers, s.Members)
			}
			ratio := "-"
			if v, ok := r.cpuRatio(s); ok {
				ratio = fmt.Sprintf("%.2f", v)
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%.2f\t%.1f\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%s\t%.2f\t\n", s.Streams, cons, s.Produced, s.CPU.Seconds(),
				s.CPUPerRecUs, ratio, float64(s.Packets)/s.Window.Seconds(), s.Latency.P50, s.Latency.P99, s.Latency.Max, s.Phase.rss(), s.Phase.LoadEnd)
		}
		tw.Flush()
	}

	fmt.Fprintln(w, "\nPipeline capacity: a pre-filled topic streamed from earliest (consume -> decode -> transform -> frames -> JSON), GOMAXPROCS=1")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tquery type\trecords\tbest of\twall s\tCPU s\trecords/s/core\trecords/s wall\tframes\tMB sent\tRSS MB start/peak\tpeak heap MB\tload\t")
	for _, c := range r.Capacity {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f\t%.2f\t%.0f\t%.0f\t%d\t%.1f\t%s\t%.1f\t%.2f\t\n", c.Format, c.label(), c.Records, c.Runs,
			c.Wall.Seconds(), c.CPU.Seconds(), c.RPSPerCore, c.RPSWall, c.Packets, float64(c.Bytes)/(1<<20), c.Phase.rss(), c.Phase.PeakHeapMB, c.Phase.LoadEnd)
	}
	tw.Flush()

	fmt.Fprintf(w, "\nTime-range query: QueryData over %s of full-grid telemetry, MaxDataPoints 1000\n", r.Config.Hour)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tquery type\trecords\truns\tmedian ms\tmin ms\tmax ms\tArrow ms\tframes\trows\tRSS MB start/peak\tpeak heap MB\tload\t")
	for _, q := range r.Queries {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.1f\t%d\t%d\t%s\t%.1f\t%.2f\t\n", q.Format, q.Kind, q.Records, q.Runs,
			ms(q.Median), ms(q.Min), ms(q.Max), ms(q.ArrowMedian), q.Frames, q.Rows, q.Phase.rss(), q.Phase.PeakHeapMB, q.Phase.LoadEnd)
	}
	tw.Flush()
	scope := "per phase"
	if !r.PeakPerPhase {
		scope = "since start (VmHWM could not be reset)"
	}
	fmt.Fprintf(w, "\nPlugin side peak RSS %.1f MB, peak Go heap %.1f MB (%s; includes the bench's own sender and samples)\n",
		r.PeakRSSMB, r.PeakHeapMB, scope)

	js, err := json.Marshal(r.Summary())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", js)
	return err
}

// Summary is the flat JSON object of the last line.
func (r *Results) Summary() map[string]any {
	out := map[string]any{
		"quick": r.Config.Quick, "go_version": r.Machine.GoVersion, "gomaxprocs": r.Machine.GOMAXPROCS,
		"num_cpu": r.Machine.NumCPU, "cpu_model": r.Machine.CPUModel,
		"load_avg_start": r.Machine.LoadStart, "load_avg_end": r.Machine.LoadEnd,
		"wheelspin_registered": r.WheelSpin, "took_s": round(r.Took.Seconds(), 1), "kafka": r.Config.kafka(),
		"peak_rss_mb": round(r.PeakRSSMB, 1), "peak_heap_mb": round(r.PeakHeapMB, 1),
	}
	if r.Config.kafka() == KafkaReal {
		out["kafka_brokers"] = r.Config.realBrokers()
	}
	for _, p := range r.Paces {
		sfx := fmt.Sprintf("_%dx", p.Speed)
		for _, s := range p.Streams {
			name := map[string]string{StreamTelemetry: "e2e", StreamTelemetryFixed100: "e2e_fixed100", StreamTelemetry20: "e2e_flush20",
				StreamWheelSpin: "e2e_wheelspin", StreamWheelSpinFixed100: "e2e_wheelspin_fixed100"}[s.Name]
			l := s.Stats.Latency
			out[name+"_p50_ms"+sfx], out[name+"_p99_ms"+sfx], out[name+"_max_ms"+sfx] = round(l.P50, 1), round(l.P99, 1), round(l.Max, 1)
			switch s.Name {
			case StreamTelemetry:
				out["e2e_rps"+sfx], out["e2e_frames_ps"+sfx], out["e2e_bytes_ps"+sfx] = round(s.RowsPerSec, 0), round(s.FramesPS, 1), round(s.BytesPS, 0)
				out["e2e_lost"+sfx] = p.Produced - int64(s.Stats.Rows)
			case StreamTelemetryFixed100:
				out["e2e_fixed100_frames_ps"+sfx] = round(s.FramesPS, 1)
				out["e2e_fixed100_lost"+sfx] = p.Produced - int64(s.Stats.Rows)
			case StreamWheelSpin, StreamWheelSpinFixed100:
				out[name+"_frames_ps"+sfx] = round(s.FramesPS, 1)
			}
		}
		out["e2e_load"+sfx] = p.Phase.LoadEnd
	}
	if len(r.Streams) > 0 {
		out["streams_floor_cores"] = round(r.StreamsFloor, 4)
	}
	for _, s := range r.Streams {
		k := fmt.Sprintf("streams%d", s.Streams)
		if !s.Shared {
			k += "_unshared"
		}
		out[k+"_cpu_us_per_record"], out[k+"_rss_mb"] = round(s.CPUPerRecUs, 2), round(s.Phase.PeakRSSMB, 1)
		out[k+"_p50_ms"], out[k+"_p99_ms"] = round(s.Latency.P50, 1), round(s.Latency.P99, 1)
		out[k+"_frames_ps"], out[k+"_load"] = round(float64(s.Packets)/s.Window.Seconds(), 0), s.Phase.LoadEnd
		if v, ok := r.cpuRatio(s); ok {
			out[k+"_cpu_ratio"] = round(v, 2)
		}
	}
	for _, c := range r.Capacity {
		k := "pipeline_" + c.Format + "_" + strings.ToLower(c.Kind)
		if c.Fixed100 {
			k += "_fixed100"
		}
		out[k+"_rps_per_core"], out[k+"_rps_wall"] = round(c.RPSPerCore, 0), round(c.RPSWall, 0)
	}
	kind := "telemetry"
	if r.WheelSpin {
		kind = "wheelspin"
	}
	out["pipeline_kind"] = kind
	for _, f := range []string{"json", "avro", "protobuf"} {
		if v, ok := out["pipeline_"+f+"_"+kind+"_rps_per_core"]; ok {
			out["pipeline_"+f+"_rps_per_core"] = v
		}
	}
	for _, q := range r.Queries {
		k := "query_1h_" + strings.ToLower(q.Kind) + "_" + q.Format
		if q.Kind == "telemetry" && q.Format == "json" {
			k = "query_1h_full_grid"
		}
		out[k+"_ms"], out[k+"_arrow_ms"], out[k+"_records"] = round(ms(q.Median), 0), round(ms(q.ArrowMedian), 1), q.Records
	}
	return out
}

func (p PhaseStats) rss() string { return fmt.Sprintf("%.0f/%.1f", p.StartRSSMB, p.PeakRSSMB) }

func round(v float64, digits int) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// cpuRatio is s's CPU per record over that of one stream, sharing alike.
func (r *Results) cpuRatio(s StreamsResult) (float64, bool) {
	if s.Streams == 1 {
		return 0, false
	}
	for _, one := range r.Streams {
		if one.Streams == 1 && one.Shared == s.Shared && one.CPUPerRecUs > 0 {
			return s.CPUPerRecUs / one.CPUPerRecUs, true
		}
	}
	return 0, false
}
