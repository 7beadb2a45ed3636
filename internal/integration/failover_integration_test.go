//go:build integration

package integration

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

// Leader failover, broker restart and rolling restart mid-stream: a race
// at 10x into topics with replication factor 3 and min.insync.replicas=2,
// a live raw stream and a live F1 (telemetry) stream reading it, while the
// cluster loses brokers. Every record the producer acknowledged reaches
// both streams exactly once, in order per partition (raw) and per driver
// (F1).
func TestIntegrationFailoverMidStream(t *testing.T) {
	c := cluster(t)
	for _, tc := range []struct {
		name    string
		disrupt func(ctx context.Context, t *testing.T, topic string) string
	}{
		{"leader of the busiest partition killed and back 4 s later", func(ctx context.Context, t *testing.T, topic string) string {
			p, leader := busiestLeader(ctx, t, c, topic)
			c.Kill(leader)
			time.Sleep(4 * time.Second)
			if err := c.StartBroker(ctx, leader); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("killed broker %d (leader of partition %d), started it 4 s later", leader, p)
		}},
		{"leader restarted (controlled shutdown)", func(ctx context.Context, t *testing.T, topic string) string {
			p, leader := busiestLeader(ctx, t, c, topic)
			if err := c.Restart(ctx, leader); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("restarted broker %d (leader of partition %d)", leader, p)
		}},
		{"rolling restart of all three", func(ctx context.Context, t *testing.T, _ string) string {
			if err := c.RollingRestart(ctx, nil); err != nil {
				t.Fatal(err)
			}
			return "restarted brokers 1, 2, 3 in turn"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			failoverRun(t, c, tc.disrupt)
		})
	}
}

func failoverRun(t *testing.T, c *testkafka.Cluster, disrupt func(context.Context, *testing.T, string) string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prefix := fmt.Sprintf("fo%d", time.Now().UnixNano()%1_000_000)
	topics := map[string]int32{"telemetry": 4, "positions": 3, "race-control": 1, "alerts": 3, "commands": 1}
	args := []string{"race", "--brokers", strings.Join(c.Addrs(""), ","), "--speed", "10", "--laps", "4", "--drivers", "all", "--seed", "3"}
	for role, parts := range topics {
		name := prefix + "-" + role
		args = append(args, "--topic-"+role, name)
		if err := c.CreateTopic(ctx, name, parts, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
			t.Fatal(err)
		}
	}
	telemetry := prefix + "-telemetry"
	ds := datasource(t, map[string]any{"bootstrapServers": strings.Join(c.Addrs(""), ",")}, nil)
	raw, f1 := &rowRecorder{}, &rowRecorder{}
	rawFails := liveStream(t, ds, fmt.Sprintf(`{"queryType":"raw","topic":%q,"format":"json","offset":"earliest","columns":["partition","offset"],"fields":["driver","ts"],"flushMs":50,"stream":true}`, telemetry), raw)
	f1Fails := liveStream(t, ds, fmt.Sprintf(`{"queryType":"telemetry","topic":%q,"offset":"earliest","fields":["speed_kph"],"flushMs":50,"stream":true}`, telemetry), f1)

	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		code, out := producer(t, 4*time.Minute, args...)
		done <- result{code, out}
	}()
	time.Sleep(6 * time.Second)
	what := disrupt(ctx, t, telemetry)
	t.Log(what)
	res := <-done
	if res.code != 0 {
		t.Fatalf("the producer failed:\n%s", res.out)
	}
	m := regexp.MustCompile(`telemetry (\d+).*?(\d+) acknowledged, (\d+) failed`).FindStringSubmatch(res.out)
	if m == nil || m[3] != "0" {
		t.Fatalf("no telemetry count, or failures, in the producer's summary:\n%s", lastLines(res.out, 3))
	}
	acked, _ := strconv.Atoi(m[1])
	if err := c.WaitISR(ctx); err != nil {
		t.Fatal(err)
	}
	ends, err := c.Admin().ListEndOffsets(ctx, telemetry)
	if err != nil {
		t.Fatal(err)
	}
	inTopic := int64(0)
	ends.Each(func(o kadm.ListedOffset) { inTopic += o.Offset })
	if inTopic != int64(acked) {
		t.Errorf("the producer acknowledged %d telemetry records; the topic holds %d", acked, inTopic)
	}
	deadline := time.Now().Add(time.Minute)
	for (raw.count() < int(inTopic) || f1.count() < int(inTopic)) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // a repeat, if any, would come now

	rawRows, err := raw.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	lost, dup, disorder := checkRaw(rawRows, ends)
	t.Logf("raw stream: %d rows for %d records: %d lost, %d duplicated, %d out of order; RunStream errors (Grafana restarts it): %v", len(rawRows), inTopic, lost, dup, disorder, rawFails())
	if lost != 0 || dup != 0 || disorder != 0 {
		t.Errorf("raw stream: %d lost, %d duplicated, %d out of order", lost, dup, disorder)
	}
	f1Rows, err := f1.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	lost, dup, disorder = checkF1(f1Rows, rawRows)
	t.Logf("F1 telemetry stream: %d rows for %d records: %d lost, %d duplicated, %d out of order; RunStream errors: %v", len(f1Rows), inTopic, lost, dup, disorder, f1Fails())
	if lost != 0 || dup != 0 || disorder != 0 {
		t.Errorf("F1 stream: %d lost, %d duplicated, %d out of order", lost, dup, disorder)
	}
}

// busiestLeader finds the partition of topic with the most records and its
// leader.
func busiestLeader(ctx context.Context, t *testing.T, c *testkafka.Cluster, topic string) (int32, int32) {
	ends, err := c.Admin().ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	busiest, most := int32(0), int64(-1)
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > most {
			busiest, most = o.Partition, o.Offset
		}
	})
	leader, err := c.Leader(ctx, topic, busiest)
	if err != nil {
		t.Fatal(err)
	}
	return busiest, leader
}

// checkRaw compares the raw stream's (partition, offset) rows with the
// topic's end offsets: every offset below the end once, in order.
func checkRaw(rows []map[string]any, ends kadm.ListedOffsets) (lost, dup, disorder int) {
	seen := map[[2]int64]bool{}
	last := map[int64]int64{}
	for _, r := range rows {
		p, o := num(r["kafka.partition"]), num(r["kafka.offset"])
		k := [2]int64{p, o}
		if seen[k] {
			dup++
			continue
		}
		seen[k] = true
		if prev, ok := last[p]; ok && o < prev {
			disorder++
		}
		last[p] = o
	}
	ends.Each(func(e kadm.ListedOffset) {
		for o := int64(0); o < e.Offset; o++ {
			if !seen[[2]int64{int64(e.Partition), o}] {
				lost++
			}
		}
	})
	return lost, dup, disorder
}

// checkF1 compares the F1 stream's (driver, time) rows with the records
// the raw stream saw (driver, ts): each once, in time order per driver.
func checkF1(rows, rawRows []map[string]any) (lost, dup, disorder int) {
	want := map[string]bool{}
	for _, r := range rawRows {
		want[fmt.Sprintf("%v@%d", r["driver"], num(r["ts"]))] = true
	}
	seen := map[string]bool{}
	last := map[string]int64{}
	for _, r := range rows {
		d := strings.TrimPrefix(fmt.Sprint(r["labels"]), "driver=")
		ts := num(r["time"])
		k := fmt.Sprintf("%s@%d", d, ts)
		if seen[k] {
			dup++
			continue
		}
		seen[k] = true
		if ts < last[d] {
			disorder++
		}
		last[d] = ts
	}
	for k := range want {
		if !seen[k] {
			lost++
		}
	}
	return lost, dup, disorder
}

func num(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return -1
}
