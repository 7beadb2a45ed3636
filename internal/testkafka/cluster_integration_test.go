//go:build integration

package testkafka_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

func TestMain(m *testing.M) { testkafka.Main(m) }

func three(t *testing.T) *testkafka.Cluster {
	return testkafka.Shared(t, "three", testkafka.Options{Brokers: 3})
}

func TestIntegrationThreeBrokersServeAReplicatedTopic(t *testing.T) {
	c := three(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	m, err := c.Admin().BrokerMetadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Brokers) != 3 {
		t.Fatalf("metadata lists %d brokers, want 3: %v", len(m.Brokers), m.Brokers)
	}
	if err := c.CreateTopic(ctx, "helper-rf3", 3, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	sent := produce(t, c, "helper-rf3", 300)
	got := consumeAll(t, c, "helper-rf3", sent)
	if got != sent {
		t.Fatalf("read %d records back, want %d", got, sent)
	}
}

func TestIntegrationKilledLeaderHandsOverAndComesBack(t *testing.T) {
	c := three(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.CreateTopic(ctx, "helper-kill", 1, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	leader, err := c.Leader(ctx, "helper-kill", 0)
	if err != nil {
		t.Fatal(err)
	}
	pid := c.Pids()[leader]
	c.Kill(leader)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("broker %d (pid %d) still exists after Kill: %v", leader, pid, err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		now, err := c.Leader(ctx, "helper-kill", 0)
		if err == nil && now >= 0 && now != leader {
			t.Logf("leadership moved from broker %d to %d", leader, now)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("partition still led by %d (err %v) a minute after the leader was killed", now, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	produce(t, c, "helper-kill", 50) // two replicas in sync still take acks=all
	if err := c.StartBroker(ctx, leader); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitISR(ctx); err != nil {
		t.Fatal(err)
	}
	if n := consumeAll(t, c, "helper-kill", 50); n != 50 {
		t.Fatalf("read %d records back, want 50", n)
	}
}

func TestIntegrationRollingRestartKeepsEveryAcknowledgedRecord(t *testing.T) {
	c := three(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := c.CreateTopic(ctx, "helper-rolling", 3, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	sent := 0
	err := c.RollingRestart(ctx, func(id int32) {
		sent += produce(t, c, "helper-rolling", 100)
		t.Logf("broker %d back; %d records acknowledged so far", id, sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := consumeAll(t, c, "helper-rolling", sent); got != sent {
		t.Fatalf("read %d records back, want %d", got, sent)
	}
}

func TestIntegrationStopLeavesNoJVM(t *testing.T) {
	c, err := testkafka.Launch(testkafka.Options{Brokers: 1})
	if err != nil {
		if testkafka.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Logf("one broker ready in %s", c.Started)
	pids := c.Pids()
	if len(pids) != 1 {
		c.Stop()
		t.Fatalf("pids %v, want one", pids)
	}
	c.Stop()
	for id, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("broker %d (pid %d) still exists after Stop: %v", id, pid, err)
		}
	}
}

// produce sends n records with acks=all and idempotence, and returns how
// many were acknowledged (it fails the test on any error).
func produce(t *testing.T, c *testkafka.Cluster, topic string, n int) int {
	t.Helper()
	cl, err := c.Client(kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var recs []*kgo.Record
	for i := range n {
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, "record %d", i)})
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing to %s: %v", topic, err)
	}
	return n
}

// consumeAll reads topic from the start until want records arrived or no
// more come for 10 s, and returns the count.
func consumeAll(t *testing.T, c *testkafka.Cluster, topic string, want int) int {
	t.Helper()
	cl, err := c.Client(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := 0
	for got < want {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		fs := cl.PollFetches(ctx)
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			break
		}
		if err := fs.Err0(); err != nil {
			t.Fatalf("consuming %s: %v", topic, err)
		}
		got += fs.NumRecords()
	}
	return got
}
