package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// BenchmarkReadRange reads a telemetry topic of a simulated full-grid race
// (JSON, lz4 batches, 4 partitions: what `producer race` writes) from an
// in-process kfake broker, the way a time-range query does. One op reads
// every record; records/s and B/op show the cost of the consume step
// (fetch, decompress, records) and what a range read allocates.
func BenchmarkReadRange(b *testing.B) {
	const topic, n = "bench-telemetry", 100_000
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(4, topic))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	fillTelemetry(b, c, topic, n)
	cl, err := New(Config{Brokers: c.ListenAddrs(), Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cl.Close)
	ctx := context.Background()
	ends, err := cl.EndOffsets(ctx, topic)
	if err != nil {
		b.Fatal(err)
	}
	ranges := map[int32]Range{}
	var total int64
	for p, e := range ends {
		ranges[p] = Range{Start: 0, End: e}
		total += e
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var got, bytes int64
		err := cl.ReadRange(ctx, topic, ranges, func(r *kgo.Record) error {
			got++
			bytes += int64(len(r.Value))
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if got != total {
			b.Fatalf("read %d records of %d", got, total)
		}
		b.SetBytes(bytes)
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// fillTelemetry produces the first n telemetry records of a simulated
// race, keyed by driver, lz4-compressed.
func fillTelemetry(b *testing.B, c *kfake.Cluster, topic string, n int) {
	b.Helper()
	circ, err := f1.CircuitByName("monza")
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.New(sim.Config{RaceID: "monza-bench", Circuit: circ, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerBatchCompression(kgo.Lz4Compression()),
		kgo.ProducerLinger(10*time.Millisecond), kgo.MaxBufferedRecords(20_000))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	for sent := 0; sent < n; {
		ev, ok := s.Next()
		if !ok {
			break
		}
		if ev.Type != sim.TelemetryEvent {
			continue
		}
		t := ev.Telemetry
		p.Produce(ctx, &kgo.Record{Topic: topic, Key: []byte(t.Driver), Value: f1wire.TelemetryJSON(nil, t), Timestamp: time.UnixMilli(t.Ts)},
			func(_ *kgo.Record, err error) {
				if err != nil {
					b.Error(err)
				}
			})
		sent++
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}
