package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A consumer below the log start (its records deleted by retention before it
// read them) is moved on to the log start by franz-go without a word; the
// Consumer reports the span it lost.
func TestConsumerReportsRecordsDeletedBeforeItReadThem(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "gone"))
	cl := client(t, c)
	produce(t, c, "gone", 0, 1, 2, 3, 4, 5, 6, 7, 8)
	adm, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	offs := kadm.Offsets{}
	offs.Add(kadm.Offset{Topic: "gone", Partition: 0, At: 6})
	if res, err := kadm.NewClient(adm).DeleteRecords(context.Background(), offs); err != nil || res.Error() != nil {
		t.Fatalf("delete: %v %v", err, res.Error())
	}
	k, err := cl.Consume(Offsets{"gone": {0: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []int64
	for len(got) < 2 {
		recs, err := k.Poll(ctx, 10)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("poll: %v %v", err, ctx.Err())
		}
		for _, r := range recs {
			got = append(got, r.Offset)
		}
	}
	lost := k.TakeDataLoss()
	if got[0] != 6 || len(lost) != 1 || lost[0].From != 1 || lost[0].To != 6 {
		t.Fatalf("read %v, lost %+v; want from offset 6 and offsets 1-5 lost", got, lost)
	}
	if s := lost[0].String(); s != "gone partition 0: offsets 1 to 5 (5 records) were deleted by the topic's retention before the stream read them" {
		t.Fatalf("description %q", s)
	}
	if again := k.TakeDataLoss(); len(again) != 0 {
		t.Fatalf("reported twice: %+v", again)
	}
}
