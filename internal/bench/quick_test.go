package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPitwallBenchQuick runs the bench command's smoke mode for real (it
// builds the producer, starts the broker, streams, queries) and checks what
// it reports: the table, and a last line of JSON with the keys runs are
// compared by. It does not judge the numbers, only that they were measured.
func TestPitwallBenchQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole bench in quick mode (about 20 s)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pitwall-bench")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building pitwall-bench: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "-quick")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pitwall-bench -quick: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	out := strings.TrimSpace(stdout.String())
	for _, want := range []string{"Live:", "Many streams:", "Pipeline capacity:", "Time-range query:", "peak RSS"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table has no %q section:\n%s", want, out)
		}
	}
	lines := strings.Split(out, "\n")
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("the last line is not one JSON object: %v\n%s", err, lines[len(lines)-1])
	}
	positive := []string{"e2e_p99_ms_1x", "e2e_p99_ms_10x", "e2e_p99_ms_100x", "e2e_rps_100x", "e2e_frames_ps_100x",
		"e2e_bytes_ps_100x", "pipeline_json_rps_per_core", "pipeline_avro_rps_per_core", "pipeline_protobuf_rps_per_core", "query_1h_full_grid_ms",
		"query_1h_full_grid_records", "peak_rss_mb", "peak_heap_mb", "gomaxprocs",
		"e2e_fixed100_p99_ms_100x", "e2e_fixed100_frames_ps_100x",
		"streams1_cpu_us_per_record", "streams10_cpu_us_per_record", "streams10_cpu_ratio", "streams10_rss_mb", "streams10_p99_ms",
		"streams10_unshared_cpu_us_per_record", "streams10_unshared_cpu_ratio"}
	for _, k := range positive {
		v, ok := sum[k].(float64)
		if !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", k, sum[k])
		}
	}
	for _, pace := range []string{"1x", "10x", "100x"} {
		// Every record produced while the stream ran reached the sender.
		if lost := sum["e2e_lost_"+pace]; lost != 0.0 {
			t.Errorf("e2e_lost_%s = %v: records produced during the pace did not reach the sender", pace, lost)
		}
		p50, p99, mx := sum["e2e_p50_ms_"+pace].(float64), sum["e2e_p99_ms_"+pace].(float64), sum["e2e_max_ms_"+pace].(float64)
		if !(p50 <= p99 && p99 <= mx) {
			t.Errorf("%s: p50 %v, p99 %v, max %v are not in order", pace, p50, p99, mx)
		}
	}
	if sum["quick"] != true {
		t.Errorf("quick = %v, want true", sum["quick"])
	}
}
