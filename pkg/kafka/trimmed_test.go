package kafka

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A range that starts before the oldest record Kafka still holds is told
// apart from one that starts after it, and from a partition that lost
// nothing. (internal/integration proves it after real retention.)
func TestTrimmedBeforeSaysWhereRecordsWereDeleted(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(2, "trim"))
	cl := client(t, c)
	produce(t, c, "trim", 0, 1000, 2000, 3000, 4000, 5000, 6000)
	produce(t, c, "trim", 1, 1000, 2000)
	adm, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	var to kadm.Offsets
	to.Add(kadm.Offset{Topic: "trim", Partition: 0, At: 3})
	if _, err := kadm.NewClient(adm).DeleteRecords(context.Background(), to); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := cl.TrimmedBefore(ctx, "trim", 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UnixMilli() != 4000 {
		t.Fatalf("from 500 ms: %v, want partition 0 trimmed, oldest kept at 4000 ms", got)
	}
	if got, err = cl.TrimmedBefore(ctx, "trim", 4500); err != nil || len(got) != 0 {
		t.Fatalf("from 4500 ms (after the oldest kept record): %v, %v, want none", got, err)
	}
}
