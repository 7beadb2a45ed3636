package plugin

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// persistentBroker is a kfake broker that keeps its log in a directory, so
// it can be stopped and started again on the same port with its data.
type persistentBroker struct {
	t    testing.TB
	dir  string
	port int
	c    *kfake.Cluster
}

func startPersistentBroker(t testing.TB, topics map[string]int32) *persistentBroker {
	t.Helper()
	b := &persistentBroker{t: t, dir: t.TempDir()}
	var opts []kfake.Opt
	for name, n := range topics {
		opts = append(opts, kfake.SeedTopics(n, name))
	}
	b.start(opts...)
	_, port, _ := net.SplitHostPort(b.c.ListenAddrs()[0])
	b.port, _ = strconv.Atoi(port)
	t.Cleanup(func() {
		if b.c != nil {
			b.c.Close()
		}
	})
	return b
}

func (b *persistentBroker) start(opts ...kfake.Opt) {
	b.t.Helper()
	all := append([]kfake.Opt{kfake.NumBrokers(1), kfake.Ports(b.port), kfake.DataDir(b.dir), kfake.SyncWrites()}, opts...)
	var err error
	// The port may linger for a moment after the stop.
	for try := 0; try < 50; try++ {
		if b.c, err = kfake.NewCluster(all...); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("restarting the broker on port %d: %v", b.port, err)
}

func (b *persistentBroker) stop() {
	b.c.Close()
	b.c = nil
}

func (b *persistentBroker) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// produceTo produces to an address (the broker may be down: franz-go then
// retries until ctx ends).
func produceTo(ctx context.Context, addr, topic string, recs []rec) error {
	p, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.RetryTimeout(time.Minute))
	if err != nil {
		return err
	}
	defer p.Close()
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = &kgo.Record{Topic: topic, Partition: r.partition, Key: []byte(r.key), Timestamp: time.UnixMilli(r.ts), Value: r.value}
	}
	return p.ProduceSync(ctx, krs...).FirstErr()
}

// Broker restart mid-stream: the broker is stopped and started again on the
// same port with its data. Records produced before the stop, while it is
// down (a producer retrying) and after its return all reach the sender,
// none twice, in offset order per partition. A short outage is ridden out
// by the running stream; a long one fails RunStream (Grafana restarts it)
// and the new run resumes from the next offset of each partition.
func TestBrokerRestartMidStream(t *testing.T) {
	for _, tc := range []struct {
		name     string
		outage   time.Duration
		lossAft  time.Duration
		restarts bool
	}{
		{"short outage is ridden out", 1500 * time.Millisecond, 20 * time.Second, false},
		{"long outage fails the run and Grafana's rerun resumes", 4 * time.Second, time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const parts = 3
			b := startPersistentBroker(t, map[string]int32{"pits": parts})
			d := newTestDS(t, nil, dsOpts{json: map[string]any{"bootstrapServers": b.addr(), "timeoutSeconds": 2}})
			d.lossAfter = tc.lossAft
			chk := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
			chk.keep = []string{pipeline.ColPartition, "seq"}
			path := pathFor(t, `{"topic":"pits","offset":"earliest","columns":["partition","offset"],"flushMs":20}`)
			g := runLikeGrafana(t, d, path, chk, 300*time.Millisecond)

			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := produceTo(ctx, b.addr(), "pits", seqRecords(parts, 0, 100)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the records before the stop", func() bool { return chk.total() == 300 })

			b.stop()
			// A producer that keeps trying while the broker is down.
			during := make(chan error, 1)
			go func() { during <- produceTo(ctx, b.addr(), "pits", seqRecords(parts, 100, 50)) }()
			time.Sleep(tc.outage)
			b.start()
			back := time.Now()
			if err := <-during; err != nil {
				t.Fatalf("producing across the outage: %v", err)
			}
			if err := produceTo(ctx, b.addr(), "pits", seqRecords(parts, 150, 50)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the first record after the return", func() bool { return chk.total() > 300 })
			firstBack := time.Since(back)
			waitFor(t, "every record", func() bool { return chk.total() >= 600 })
			time.Sleep(300 * time.Millisecond) // nothing more (a repeat) may follow
			t.Logf("first record %s after the broker's return, all in %s", firstBack.Round(time.Millisecond), time.Since(back).Round(time.Millisecond))

			want := map[int64]int64{0: 200, 1: 200, 2: 200}
			chk.verify(t, want, map[int64]int64{0: 0, 1: 0, 2: 0})
			// The payloads too: seq 0..199 in order in every partition.
			chk.mu.Lock()
			next := map[int64]int64{}
			for _, row := range chk.kept {
				p, seq := cellInt(row[pipeline.ColPartition]), cellInt(row["seq"])
				if seq != next[p] {
					t.Errorf("partition %d: seq %d after %d", p, seq, next[p]-1)
				}
				next[p] = seq + 1
			}
			chk.mu.Unlock()
			if len(next) != parts || next[0] != 200 || next[1] != 200 || next[2] != 200 {
				t.Errorf("last seq per partition %v, want 199 each", next)
			}

			starts, errs := g.state()
			t.Logf("RunStream started %d time(s); errors: %v", starts, errs)
			if tc.restarts {
				if starts < 2 || len(errs) == 0 {
					t.Fatalf("a long outage must fail the run (Grafana retries): %d starts, errors %v", starts, errs)
				}
				if !strings.Contains(errs[0].Error(), "kafka lost") || !strings.Contains(errs[0].Error(), b.addr()) {
					t.Errorf("the error must say Kafka is lost and where: %v", errs[0])
				}
			} else if starts != 1 || len(errs) != 0 {
				t.Fatalf("a short outage must be ridden out: %d starts, errors %v", starts, errs)
			}
		})
	}
}
