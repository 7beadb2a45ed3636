package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func cluster(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.Ports(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func client(t *testing.T, c *kfake.Cluster, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Brokers: c.ListenAddrs(), Timeout: 3 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	cl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// produce writes records with explicit timestamps (ms) to one partition.
func produce(t *testing.T, c *kfake.Cluster, topic string, partition int32, tss ...int64) {
	t.Helper()
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, ts := range tss {
		r := &kgo.Record{Topic: topic, Partition: partition, Timestamp: time.UnixMilli(ts), Value: []byte(fmt.Sprintf(`{"ts":%d}`, ts))}
		if err := p.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTopicsPartitionsAndOffsets(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(3, "a"), kfake.SeedTopics(1, "b"))
	cl := client(t, c)
	ctx := context.Background()
	produce(t, c, "a", 1, 10, 20, 30)
	topics, err := cl.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tp := range topics {
		if !tp.Internal {
			names = append(names, fmt.Sprintf("%s/%d", tp.Name, tp.Partitions))
		}
	}
	if strings.Join(names, " ") != "a/3 b/1" {
		t.Fatalf("topics %v", names)
	}
	ps, err := cl.Partitions(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[1].StartOffset != 0 || ps[1].EndOffset != 3 || ps[0].EndOffset != 0 {
		t.Fatalf("partitions %+v", ps)
	}
	if _, err := cl.Partitions(ctx, "nope"); !errors.Is(err, ErrUnknownTopic) {
		t.Fatalf("unknown topic: %v", err)
	}
	after, err := cl.OffsetsAfter(ctx, "a", 20)
	if err != nil || after[1] != 1 || after[0] != 0 {
		t.Fatalf("after 20: %v %v", after, err)
	}
	after, _ = cl.OffsetsAfter(ctx, "a", 31)
	if after[1] != 3 {
		t.Fatalf("after 31 must be the end offset, got %v", after)
	}
}

func TestReadRangeReadsExactlyTheRange(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(2, "r"))
	cl := client(t, c)
	produce(t, c, "r", 0, 1, 2, 3, 4, 5)
	produce(t, c, "r", 1, 10, 11)
	var got []string
	err := cl.ReadRange(context.Background(), "r", map[int32]Range{0: {1, 4}, 1: {0, 2}}, func(r *kgo.Record) error {
		got = append(got, fmt.Sprintf("%d:%d", r.Partition, r.Offset))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"0:1": true, "0:2": true, "0:3": true, "1:0": true, "1:1": true}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Fatalf("unexpected %s in %v", g, got)
		}
	}
	// An empty range reads nothing and returns at once.
	if err := cl.ReadRange(context.Background(), "r", map[int32]Range{0: {5, 5}}, func(*kgo.Record) error {
		t.Fatal("no record expected")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestConsumeTracksNextOffsetsAndLag(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "s"))
	cl := client(t, c)
	produce(t, c, "s", 0, 1, 2, 3, 4)
	k, err := cl.Consume(Offsets{"s": {0: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var offs []int64
	for len(offs) < 3 {
		recs, err := k.Poll(ctx, 2)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("poll: %v %v", err, ctx.Err())
		}
		for _, r := range recs {
			offs = append(offs, r.Offset)
		}
	}
	if fmt.Sprint(offs) != "[1 2 3]" || k.Next()["s"][0] != 4 || k.Lag() != 0 {
		t.Fatalf("offs %v next %v lag %d", offs, k.Next(), k.Lag())
	}
}

func TestExplainUnreachableNamesTheAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cl, err := New(Config{Brokers: []string{addr}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = cl.Ping(ctx)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("got %v", err)
	}
}

func TestExplainWrongSASLPasswordSaysAuthenticationWithoutTheSecret(t *testing.T) {
	for _, mech := range []string{SASLPlain, SASLScramSHA256, SASLScramSHA512} {
		t.Run(mech, func(t *testing.T) {
			c := cluster(t, kfake.EnableSASL(), kfake.Superuser(mech, "alice", "right-pass"))
			good := client(t, c, func(cfg *Config) { cfg.SASL = SASLAuth{Mechanism: mech, Username: "alice", Password: "right-pass"} })
			if err := good.Ping(context.Background()); err != nil {
				t.Fatalf("right password: %v", err)
			}
			bad := client(t, c, func(cfg *Config) {
				cfg.SASL = SASLAuth{Mechanism: mech, Username: "alice", Password: "Sekr1t-W0rd"}
			})
			err := bad.Ping(context.Background())
			if !errors.Is(err, ErrAuth) || strings.Contains(err.Error(), "Sekr1t") || !strings.Contains(err.Error(), "saslPassword") {
				t.Fatalf("got %v", err)
			}
			js, _ := json.Marshal(bad.Config())
			if s := fmt.Sprintf("%v %+v %#v %s", bad.Config(), bad.Config(), bad.Config(), js); strings.Contains(s, "Sekr1t") {
				t.Fatalf("config printed the password: %s", s)
			}
		})
	}
}

// A read the caller cancels is reported as cancelled, not as Kafka failing to
// answer in time; a read that runs out of time still is a timeout.
func TestExplainTellsACancelledReadFromATimeout(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "slow"))
	// The broker holds every fetch: the read waits until its context ends.
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		time.Sleep(300 * time.Millisecond)
		return nil, nil, false
	})
	cl := client(t, c)
	produce(t, c, "slow", 0, 1, 2, 3)
	read := func(ctx context.Context) error {
		return cl.ReadRange(ctx, "slow", map[int32]Range{0: {0, 3}}, func(*kgo.Record) error { return nil })
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := read(ctx)
	if !errors.Is(err, ErrCanceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("cancelled read: %v; want ErrCanceled", err)
	}
	if strings.Contains(err.Error(), "no answer") || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled read says %q", err)
	}

	ctx, stop := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer stop()
	if err := read(ctx); !errors.Is(err, ErrTimeout) || errors.Is(err, ErrCanceled) {
		t.Fatalf("read out of time: %v; want ErrTimeout", err)
	}
}
