package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Records of aborted transactions are never read, and a read ends at the
// last stable offset, so an open transaction neither shows nor stalls it.
// (internal/integration proves the same on real Kafka.)
func TestReadSkipsAbortedAndOpenTransactions(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "tx"))
	cl := client(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tx, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("tx"), kgo.TransactionalID("t1"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	for _, step := range []struct {
		value  string
		commit bool
	}{{"kept-1", true}, {"aborted", false}, {"kept-2", true}} {
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		tx.Produce(ctx, &kgo.Record{Value: []byte(step.value)}, nil)
		if err := tx.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.EndTransaction(ctx, kgo.TransactionEndTry(step.commit)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	tx.Produce(ctx, &kgo.Record{Value: []byte("open")}, nil)
	if err := tx.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ends, err := cl.EndOffsets(ctx, "tx")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	began := time.Now()
	err = cl.ReadRange(ctx, "tx", map[int32]Range{0: {0, ends[0]}}, func(r *kgo.Record) error {
		if !r.Attrs.IsControl() {
			got = append(got, string(r.Value))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "kept-1" || got[1] != "kept-2" {
		t.Fatalf("read %q, want only the committed records [kept-1 kept-2]", got)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("the read took %s: it waited for the open transaction", d)
	}

	// read_uncommitted sees every record as written, up to the high
	// watermark: the aborted one and the open transaction's too.
	hwm, err := cl.EndOffsetsFor(ctx, "tx", ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	if hwm[0] <= ends[0] {
		t.Fatalf("high watermark %d is not past the last stable offset %d", hwm[0], ends[0])
	}
	got = nil
	err = cl.ReadRange(ctx, "tx", map[int32]Range{0: {0, hwm[0]}}, func(r *kgo.Record) error {
		got = append(got, string(r.Value))
		return nil
	}, ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "kept-1,aborted,kept-2,open" {
		t.Fatalf("read_uncommitted read %q, want [kept-1 aborted kept-2 open]", got)
	}
}
