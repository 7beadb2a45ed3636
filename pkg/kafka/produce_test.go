package kafka

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestEnsureTopicAndProduce(t *testing.T) {
	c := cluster(t)
	cl := client(t, c)
	ctx := context.Background()
	created, err := cl.EnsureTopic(ctx, "commands", 1)
	if err != nil || !created {
		t.Fatalf("first EnsureTopic: created %v, %v", created, err)
	}
	if created, err = cl.EnsureTopic(ctx, "commands", 1); err != nil || created {
		t.Fatalf("second EnsureTopic: created %v, %v", created, err)
	}
	// The client's metadata may be a second old: wait until it sees the topic.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ids, err := cl.PartitionIDs(ctx, "commands")
		if err == nil && len(ids) == 1 {
			break
		}
		if time.Now().After(deadline) || (err != nil && !errors.Is(err, ErrUnknownTopic)) || len(ids) > 1 {
			t.Fatalf("partitions %v %v", ids, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p, off, err := cl.Produce(ctx, "commands", []byte("k"), []byte(`{"a":1}`), time.UnixMilli(42))
	if err != nil || p != 0 || off != 0 {
		t.Fatalf("produce: %d %d %v", p, off, err)
	}
	if _, off, err = cl.Produce(ctx, "commands", []byte("k"), []byte(`{"a":2}`), time.UnixMilli(43)); err != nil || off != 1 {
		t.Fatalf("second produce: %d %v", off, err)
	}
	var got []*kgo.Record
	if err := cl.ReadRange(ctx, "commands", map[int32]Range{0: {Start: 0, End: 2}}, func(r *kgo.Record) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Key) != "k" || string(got[1].Value) != `{"a":2}` || got[0].Timestamp.UnixMilli() != 42 {
		t.Fatalf("read back %v", got)
	}
}

func TestProduceWhenKafkaIsDownSaysSo(t *testing.T) {
	c := cluster(t)
	cl := client(t, c, func(cfg *Config) { cfg.Timeout = time.Second })
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := cl.EnsureTopic(ctx, "commands", 1); !errors.Is(err, ErrUnreachable) && !errors.Is(err, ErrTimeout) {
		t.Fatalf("EnsureTopic with the broker gone: %v", err)
	}
	if _, _, err := cl.Produce(ctx, "commands", nil, []byte("x"), time.Now()); err == nil {
		t.Fatal("produce with the broker gone succeeded")
	}
}
