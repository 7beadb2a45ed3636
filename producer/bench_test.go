package main

import (
	"context"
	"io"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// BenchmarkRaceIntoKafka runs full-grid races (10 laps of Monza, ~72k
// records each) through the producer's own code — simulator, encoders,
// async franz-go producing — into an in-process kfake broker, and reports
// records/s (acknowledged records over wall time, flush included).
func BenchmarkRaceIntoKafka(b *testing.B) {
	for _, format := range []string{"json", "avro"} {
		b.Run(format, func(b *testing.B) {
			c, err := kfake.NewCluster(kfake.Ports(0))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			f := newFlags("bench", "", "")
			kc := addKafkaFlags(f)
			args := []string{"--brokers", c.ListenAddrs()[0], "--format", format}
			if format == "avro" {
				reg := newRegistry(b)
				args = append(args, "--registry", reg.URL())
			}
			if err := f.parse(args, nil, io.Discard, io.Discard); err != nil {
				b.Fatal(err)
			}
			snk, closeSink, err := kc.openSink(context.Background(), io.Discard, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			defer closeSink()
			sp, err := newRaceSpec("monza", 10, "all", "max", 4, 1, "bench")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sp.cfg.Seed = uint64(i)
				if _, err := driveRace(context.Background(), snk, sp, &truthWriter{}, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if snk.acked.Load() != snk.sent.Load() {
				b.Fatalf("%d sent, %d acked", snk.sent.Load(), snk.acked.Load())
			}
			b.ReportMetric(float64(snk.acked.Load())/b.Elapsed().Seconds(), "records/s")
		})
	}
}
