package plugin

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime(t testing.TB) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Broker gone for good: health says so and names the address, RunStream
// fails (so Grafana retries with backoff) with an error that names it too,
// both for a running stream and for one that starts after the loss, and
// while Grafana keeps retrying nothing spins: the process uses a small part
// of one core (a resource bound measured with getrusage, not a timing).
func TestBrokerGoneForGood(t *testing.T) {
	logs := newCaptureLogger()
	saved := log.DefaultLogger
	log.DefaultLogger = logs
	t.Cleanup(func() { log.DefaultLogger = saved })
	c := fakeCluster(t, map[string]int32{"gone": 2})
	addr := c.ListenAddrs()[0]
	d := newTestDS(t, c, dsOpts{json: map[string]any{"timeoutSeconds": 1}})
	produce(t, c, "gone", seqRecords(2, 0, 10)...)
	wantHealth(t, health(t, d), backend.HealthStatusOk)

	chk := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	running := runLikeGrafana(t, d, pathFor(t, `{"topic":"gone","offset":"earliest","columns":["partition","offset"]}`), chk, 500*time.Millisecond)
	waitFor(t, "the records", func() bool { return chk.total() == 20 })

	c.Close()
	logsBefore := strings.Count(logs.String(), "\n")
	// A panel opened after the loss: its first run cannot even list offsets.
	late := runLikeGrafana(t, d, pathFor(t, `{"topic":"gone","offset":"latest"}`), newRecorder(), 500*time.Millisecond)

	waitFor(t, "the running stream to fail", func() bool { _, errs := running.state(); return len(errs) > 0 })
	wall0, cpu0 := time.Now(), cpuTime(t)
	time.Sleep(4 * time.Second) // Grafana keeps retrying both channels meanwhile
	wall, cpu := time.Since(wall0), cpuTime(t)-cpu0
	lines := strings.Count(logs.String(), "\n") - logsBefore
	share := float64(cpu) / float64(wall)
	t.Logf("while Kafka was gone: %s CPU in %s wall = %.1f%% of one core", cpu.Round(time.Millisecond), wall.Round(time.Millisecond), 100*share)
	if share > 0.20 {
		t.Errorf("waiting for a lost broker used %.0f%% of a core (> 20%%): something spins", 100*share)
	}
	// Nor does the log flood: franz-go warns on every reconnect attempt of
	// every client; each message about one broker is logged once per 30 s.
	reconnects := strings.Count(logs.String(), "unable to open connection")
	t.Logf("log lines while Kafka was gone: %d (%d about reconnecting)", lines, reconnects)
	if reconnects > 4 {
		t.Errorf("%d reconnect warnings in %s: the log floods\n%s", reconnects, wall, logs.String())
	}

	for name, g := range map[string]*grafanaRunner{"running stream": running, "stream started after the loss": late} {
		starts, errs := g.state()
		if len(errs) == 0 {
			t.Fatalf("%s: RunStream never failed", name)
		}
		t.Logf("%s: %d runs, %d errors, first: %v", name, starts, len(errs), errs[0])
		for _, err := range errs {
			if !strings.Contains(err.Error(), "cannot reach Kafka at "+addr) {
				t.Errorf("%s: error does not name %s: %v", name, addr, err)
			}
		}
	}
	res := health(t, d)
	wantHealth(t, res, backend.HealthStatusError, "cannot reach Kafka at "+addr, "check bootstrapServers")
	dr := runQuery(t, d, map[string]any{"topic": "gone"}, 0, 1000, 0, nil)
	if dr.Error == nil || !strings.Contains(dr.Error.Error(), addr) {
		t.Errorf("a query must fail naming the address: %v", dr.Error)
	}
	chk.verify(t, map[int64]int64{0: 10, 1: 10}, map[int64]int64{0: 0, 1: 0})
}
