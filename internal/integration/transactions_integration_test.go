//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Records of an aborted transaction never reach a panel: the plugin reads
// read_committed, and a range read ends at the last stable offset, so an
// open transaction neither shows nor stalls the query.
func TestIntegrationAbortedTransactionsNeverShow(t *testing.T) {
	c := cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const topic = "it-txn"
	if err := c.CreateTopic(ctx, topic, 2, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	tx, err := c.Client(kgo.DefaultProduceTopic(topic), kgo.TransactionalID("it-txn-producer"), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	batch := func(kind string, n int, commit bool) {
		t.Helper()
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			tx.Produce(ctx, &kgo.Record{Value: fmt.Appendf(nil, `{"kind":%q,"i":%d}`, kind, i)}, nil)
		}
		if err := tx.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	batch("committed", 10, true)
	batch("aborted", 7, false)
	batch("committed", 10, true)
	// An open transaction, neither committed nor aborted while we read.
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	tx.Produce(ctx, &kgo.Record{Value: []byte(`{"kind":"open","i":0}`)}, nil)
	if err := tx.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.EndTransaction(context.Background(), kgo.TryAbort) }()

	ds := datasource(t, map[string]any{"bootstrapServers": strings.Join(c.Addrs(""), ",")}, nil)
	began := time.Now()
	r := query(t, ds, map[string]any{"queryType": "raw", "topic": topic, "format": "json", "offset": "earliest", "fields": []string{"kind", "i"}}, 0, time.Now().Add(time.Hour).UnixMilli())
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	kinds := map[string]int{}
	for _, f := range r.Frames {
		fld, i := f.FieldByName("kind")
		if i < 0 {
			continue
		}
		for j := range fld.Len() {
			if v, ok := fld.ConcreteAt(j); ok {
				kinds[fmt.Sprint(v)]++
			}
		}
	}
	t.Logf("read in %s: %v; notices %q", time.Since(began).Round(time.Millisecond), kinds, notices(r))
	if kinds["aborted"] != 0 || kinds["open"] != 0 {
		t.Errorf("records of an aborted or open transaction show: %v", kinds)
	}
	if kinds["committed"] != 20 {
		t.Errorf("%d committed records show, want 20", kinds["committed"])
	}
	// A read that waited for the open transaction would end only at the
	// plugin's read timeout (30 s at least; the transaction stays open till
	// the test ends): 10 s tells the two apart with room for three brokers
	// on a loaded 2-core machine (4 s did not leave that room).
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("the query took %s: it waited for the open transaction", d)
	}
}

// The producer's idempotence across a broker crash: a race at 10x while
// the leader of a telemetry partition is killed and started again; every
// record the producer acknowledged is in the topic once.
func TestIntegrationProducerIdempotenceAcrossBrokerCrash(t *testing.T) {
	c := cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	topics := map[string]string{"telemetry": "it-idem-telemetry", "positions": "it-idem-positions", "race-control": "it-idem-race-control", "alerts": "it-idem-alerts", "commands": "it-idem-commands"}
	args := []string{"race", "--brokers", strings.Join(c.Addrs(""), ","), "--speed", "10", "--laps", "3", "--drivers", "VER,LEC,NOR,HAM", "--linger", "5ms"}
	for role, name := range topics {
		args = append(args, "--topic-"+role, name)
	}
	for role, name := range topics {
		if role != "commands" {
			if err := c.CreateTopic(ctx, name, map[string]int32{"telemetry": 4, "positions": 3, "race-control": 1, "alerts": 3}[role], 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	leader, err := c.Leader(ctx, topics["telemetry"], 0)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		code, out := producer(t, 3*time.Minute, args...)
		done <- result{code, out}
	}()
	time.Sleep(5 * time.Second)
	t.Logf("killing broker %d, the leader of %s/0", leader, topics["telemetry"])
	c.Kill(leader)
	time.Sleep(3 * time.Second)
	if err := c.StartBroker(ctx, leader); err != nil {
		t.Fatal(err)
	}
	res := <-done
	t.Logf("producer exit %d: %s", res.code, lastLines(res.out, 2))
	if res.code != 0 {
		t.Fatalf("the producer failed:\n%s", res.out)
	}
	if err := c.WaitISR(ctx); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`telemetry (\d+)`).FindStringSubmatch(res.out)
	if m == nil || !strings.Contains(res.out, " 0 failed") {
		t.Fatalf("no telemetry count, or failures, in the producer's summary:\n%s", res.out)
	}
	acked, _ := strconv.Atoi(m[1])

	cl, err := c.Client(kgo.ConsumeTopics(topics["telemetry"]), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := map[string]int{}
	total := 0
	for total < acked {
		pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
		fs := cl.PollFetches(pctx)
		timedOut := pctx.Err() != nil
		pcancel()
		if timedOut {
			break
		}
		fs.EachRecord(func(r *kgo.Record) {
			var s struct {
				Driver string `json:"driver"`
				TS     int64  `json:"ts"`
			}
			if err := json.Unmarshal(r.Value, &s); err != nil {
				t.Fatalf("record %s/%d@%d: %v", r.Topic, r.Partition, r.Offset, err)
			}
			seen[fmt.Sprintf("%s@%d", s.Driver, s.TS)]++
			total++
		})
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	t.Logf("acknowledged %d telemetry records; the topic holds %d (%d distinct, %d duplicates)", acked, total, len(seen), dups)
	if dups != 0 || total != acked {
		t.Fatalf("the topic holds %d records with %d duplicates; the producer acknowledged %d", total, dups, acked)
	}
}
