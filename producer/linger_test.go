package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The producer sends each record at once unless --linger says otherwise
// (issue 18: a 10 ms linger was 10 ms of every live record's latency).
func TestProducerLingerDefaultsToNone(t *testing.T) {
	addr := newBroker(t)
	for _, c := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 0},
		{[]string{"--linger", "5ms"}, 5 * time.Millisecond},
	} {
		f := newFlags("race", "", "")
		kc := addKafkaFlags(f)
		if err := f.parse(append([]string{"--brokers", addr}, c.args...), nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		cl, err := kc.connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := cl.OptValue(kgo.ProducerLinger)
		cl.Close()
		if got != c.want {
			t.Fatalf("%v: the client lingers %v, want %v", c.args, got, c.want)
		}
	}
}
