package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// BenchmarkF1Pipeline: what an F1 query type costs per telemetry record in
// the plugin at a full grid (one simulated lap of Monza, 20 cars, replayed
// in a loop), beyond decoding: f1wire.Reader filling the struct plus the f1frame
// Builder (detection on every record), live, with a flush every 1,000
// records. json_decode is the decoding the core does first, for scale.
// Kafka is left out.
func BenchmarkF1Pipeline(b *testing.B) {
	c, _ := f1.CircuitByName("monza")
	s, err := sim.New(sim.Config{RaceID: "monza-1", Circuit: c, Laps: 1, Seed: 3})
	if err != nil {
		b.Fatal(err)
	}
	var recs []*kgo.Record
	for {
		ev, ok := s.Next()
		if !ok {
			break
		}
		if ev.Type == sim.TelemetryEvent {
			v := f1wire.TelemetryJSON(nil, ev.Telemetry)
			recs = append(recs, &kgo.Record{Topic: f1.TopicTelemetry, Key: []byte(ev.Telemetry.Driver), Value: v, Timestamp: time.UnixMilli(ev.Telemetry.Ts)})
		}
	}
	ctx := context.Background()
	dec := codec.NewDecoder(codec.FormatJSON, f1.TopicTelemetry, nil, codec.Limits{})
	decoded := make([]codec.Record, len(recs))
	for i, kr := range recs {
		var rec codec.Record
		if err := dec.Decode(ctx, kr.Value, &rec); err != nil {
			b.Fatal(err)
		}
		for _, f := range rec.Fields {
			f.Bytes = append([]byte(nil), f.Bytes...)
			decoded[i].Fields = append(decoded[i].Fields, f)
		}
	}
	names := dec.Names()
	// run feeds b.N records (decoded first when decode is set) to add.
	run := func(b *testing.B, decode bool, add func(r *Rec), flush func()) {
		d2 := codec.NewDecoder(codec.FormatJSON, f1.TopicTelemetry, nil, codec.Limits{})
		var scratch codec.Record
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			j := i % len(recs)
			if decode {
				if err := d2.Decode(ctx, recs[j].Value, &scratch); err != nil {
					b.Fatal(err)
				}
			}
			if add != nil {
				add(&Rec{Record: &decoded[j], Names: names, Kafka: recs[j]})
			}
			if flush != nil && i%1000 == 999 {
				flush()
			}
		}
	}
	b.Run("json_decode", func(b *testing.B) { run(b, true, nil, nil) })
	for _, qt := range query.Types {
		if qt.F1 == "" || qt.F1 == "raceControl" {
			continue // not F1, or reads no telemetry
		}
		b.Run(string(qt.F1), func(b *testing.B) {
			q := mustQuery(b, `{"queryType":"`+string(qt.F1)+`","stream":true}`)
			p, err := newF1Pipeline(qt.F1, q, &Env{Mode: ModeStream, Faults: &Faults{}})
			if err != nil {
				b.Fatal(err)
			}
			run(b, false, p.Add, func() { p.Frames(false) })
		})
	}
}
