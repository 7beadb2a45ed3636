package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pitwall-f1/pitwall/pkg/plugin"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// The channels the soak keeps open: every F1 type and the general ones, as
// a dashboard of Pitwall would. Types not registered yet are skipped.
var soakQueries = []string{
	`{"queryType":"telemetry"}`,
	`{"queryType":"raw","topic":"f1-positions","columns":["partition","offset"]}`,
	`{"queryType":"leaderboard"}`,
	`{"queryType":"alerts"}`,
	`{"queryType":"raceControl"}`,
	`{"queryType":"wheelSpin"}`,
	`{"queryType":"gearAnomalies"}`,
	`{"queryType":"averageSpeed"}`,
}

// counter is a Live stand-in: it counts what it is sent.
type counter struct{ packets, bytes atomic.Int64 }

func (c *counter) Send(p *backend.StreamPacket) error {
	c.packets.Add(1)
	c.bytes.Add(int64(len(p.Data)))
	return nil
}

// runSoak is the plugin side. It reports whether the verdict is flat.
func runSoak(ctx context.Context, c config, out io.Writer) (bool, error) {
	addr, stopRace, err := startRaceSide(ctx, c)
	if err != nil {
		return false, err
	}
	defer stopRace()
	fmt.Fprintf(out, "soak: simulator at %g× on %s into an embedded broker at %s (child process); plugin side: this process (pid %d); %s, a sample every %s\n",
		c.speed, c.circuit, addr, os.Getpid(), c.duration, c.every)

	jd, _ := json.Marshal(map[string]any{"bootstrapServers": addr, "timeoutSeconds": 5})
	pctx := backend.WithPluginContext(ctx, backend.PluginContext{OrgID: 1})
	inst, err := plugin.NewDatasource(pctx, backend.DataSourceInstanceSettings{UID: "soak", Name: "soak", JSONData: jd})
	if err != nil {
		return false, err
	}
	ds := inst.(*plugin.Datasource)
	defer ds.Dispose()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var errCount atomic.Int64
	sent := &counter{}
	for _, js := range soakQueries {
		q, err := query.Parse([]byte(js))
		if err != nil {
			fmt.Fprintf(out, "soak: skipping %s: %v\n", js, err)
			continue
		}
		path, err := query.EncodeChannelPath(1, q)
		if err != nil {
			return false, fmt.Errorf("channel of %s: %w", js, err)
		}
		fmt.Fprintf(out, "soak: stream %s\n", path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil { // like Grafana: run again after an error
				err := ds.RunStream(runCtx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: 1}, Path: path}, backend.NewStreamSender(sent))
				if err == nil || runCtx.Err() != nil {
					return
				}
				errCount.Add(1)
				fmt.Fprintf(out, "soak: stream %s failed: %v\n", path, err)
				select {
				case <-runCtx.Done():
				case <-time.After(time.Second):
				}
			}
		}()
	}

	var samples []sample
	start := time.Now()
	tk := time.NewTicker(c.every)
	deadline := time.NewTimer(c.duration)
	fmt.Fprintf(out, "%8s %9s %9s %10s %9s %10s %10s %7s\n", "t", "rss MB", "heap MB", "goroutines", "lag", "records/s", "packets/s", "errors")
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-deadline.C:
			break loop
		case <-tk.C:
			s := measure(time.Since(start), sent, int(errCount.Load()))
			rate, prate := 0.0, 0.0
			if n := len(samples); n > 0 {
				dt := (s.At - samples[n-1].At).Seconds()
				rate, prate = (s.Records-samples[n-1].Records)/dt, (s.Packets-samples[n-1].Packets)/dt
			}
			samples = append(samples, s)
			fmt.Fprintf(out, "%8s %9.1f %9.1f %10.0f %9.0f %10.0f %10.1f %7d\n", s.At.Round(time.Second), s.RSS/(1<<20), s.Heap/(1<<20), s.Goroutines, s.Lag, rate, prate, s.Errors)
		}
	}
	tk.Stop()
	cancel()
	wg.Wait()

	trends, verdict := judge(samples)
	fmt.Fprintf(out, "\nsoak: %d samples over %s; %.0f records streamed, %.0f packets sent, %d stream errors\n",
		len(samples), time.Since(start).Round(time.Second), last(samples).Records, last(samples).Packets, errCount.Load())
	for _, t := range trends {
		fmt.Fprintln(out, "  "+t.String())
	}
	fmt.Fprintf(out, "VERDICT: %s\n", verdict)
	return verdict == "flat", nil
}

func last(s []sample) sample {
	if len(s) == 0 {
		return sample{}
	}
	return s[len(s)-1]
}

// measure samples this process: RSS, heap, goroutines, and from the
// plugin's metrics the streams' lag and the records they read.
func measure(at time.Duration, sent *counter, errs int) sample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := sample{At: at, RSS: rss(), Heap: float64(ms.HeapInuse), Goroutines: float64(runtime.NumGoroutine()),
		Packets: float64(sent.packets.Load()), Errors: errs}
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		return s
	}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "pitwall_stream_lag_records":
			for _, m := range mf.GetMetric() {
				s.Lag += m.GetGauge().GetValue()
			}
		case "pitwall_records_total":
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "reader" && l.GetValue() == "stream" {
						s.Records += m.GetCounter().GetValue()
					}
				}
			}
		}
	}
	return s
}

// rss is this process's resident set size in bytes (Linux), or the memory
// the Go runtime got from the OS elsewhere.
func rss() float64 {
	f, err := os.Open("/proc/self/status")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				return kb * 1024
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.Sys)
}
