package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/iskorotkov/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// The stream benchmarks measure what one live stream does per record:
// decode -> pipeline (typed columns) -> frame -> StreamSender.SendFrame
// (the SDK's JSON encoding) into a discarding packet sender, in batches of
// benchBatch records per frame (one 100 ms flush at 10k records/s). They run
// the stream's own handle/send code; only Kafka is left out. The shape
// follows grafana-kafka-datasource's BenchmarkWorkflow/sendframe_json:
// json_20fields is a flat object of 20 fields (5 floats, 5 ints, 5 strings,
// 5 bools); avro_3fields is its Avro case (a string, a double and a long);
// avro_telemetry is Pitwall's 16-field telemetry record.
const benchBatch = 1000

type discardSender struct{ packets, bytes atomic.Int64 }

func (s *discardSender) Send(p *backend.StreamPacket) error {
	s.packets.Add(1)
	s.bytes.Add(int64(len(p.Data)))
	return nil
}

func json20(i int) []byte {
	m := map[string]any{}
	for f := 0; f < 20; f++ {
		switch f % 4 {
		case 0:
			m[fmt.Sprintf("field_%d", f)] = float64(f*i)*1.5 + 0.25
		case 1:
			m[fmt.Sprintf("field_%d", f)] = f * i
		case 2:
			m[fmt.Sprintf("field_%d", f)] = fmt.Sprintf("value-%d", f)
		case 3:
			m[fmt.Sprintf("field_%d", f)] = (f+i)%2 == 0
		}
	}
	b, _ := json.Marshal(m)
	return b
}

const bench3Schema = `{"type":"record","name":"Bench","fields":[{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"count","type":"long"}]}`

func benchRegistry(b *testing.B) *codec.Registry {
	fake := srfake.New()
	b.Cleanup(fake.Close)
	fake.SeedSchema("bench-value", 1, 1, sr.Schema{Schema: bench3Schema})
	fake.SeedSchema(codec.Subject(f1.TopicTelemetry), 1, 2, sr.Schema{Schema: f1wire.TelemetrySchema})
	reg, err := codec.NewRegistry(codec.RegistryConfig{URL: fake.URL()})
	if err != nil {
		b.Fatal(err)
	}
	return reg
}

func avroValue(b *testing.B, schema string, id int, v any) []byte {
	s, err := avro.ParseWithCache(schema, "", &avro.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	body, err := avro.Marshal(s, v)
	if err != nil {
		b.Fatal(err)
	}
	return append(codec.AppendWireHeader(nil, id), body...)
}

func BenchmarkStreamSendFrame(b *testing.B) {
	cases := []struct {
		name, queryType, topic string
		format                 codec.Format
		value                  func(b *testing.B, i int) []byte
	}{
		{"json_20fields", "raw", "bench", codec.FormatJSON, func(_ *testing.B, i int) []byte { return json20(i) }},
		{"avro_3fields", "raw", "bench", codec.FormatAvro, func(b *testing.B, i int) []byte {
			return avroValue(b, bench3Schema, 1, map[string]any{"id": "sensor-01", "value": 21.5 + float64(i), "count": int64(i)})
		}},
		{"avro_telemetry", "telemetry", f1.TopicTelemetry, codec.FormatAvro, func(b *testing.B, i int) []byte {
			g := f1.Grid()[i%20]
			return avroValue(b, f1wire.TelemetrySchema, 2, f1.Telemetry{Ts: int64(i), RaceID: "monza-2024", Driver: g.Code, DriverNumber: g.Number,
				Team: g.Team, Lap: 1 + i/1000, DistanceM: float64(i), SpeedKph: 200 + float64(i%120), RPM: 10000 + float64(i%2000),
				Gear: 1 + i%8, ThrottlePct: float64(i % 101), Brake: float64(i % 2 * 100), DRS: 8, X: float64(i % 900), Y: float64(i % 700), BrakeTempC: 400})
		}},
	}
	for _, c := range cases {
		b.Run("sendframe_"+c.name, func(b *testing.B) {
			reg := benchRegistry(b)
			values := make([][]byte, 256)
			for i := range values {
				values[i] = c.value(b, i)
			}
			q := &query.Query{QueryType: c.queryType, Topic: c.topic, Format: c.format, Partition: -1, Offset: query.OffsetLatest, Limit: query.DefaultLimit, Flush: query.DefaultFlush}
			src := &Source{Registry: reg}
			faults := &Faults{}
			pipe, err := New(q, &Env{Mode: ModeStream, Faults: faults})
			if err != nil {
				b.Fatal(err)
			}
			ps := &discardSender{}
			s := &liveStream{src: src, o: StreamOptions{Path: "1/bench", UID: "bench", Resume: NewResumes()}, q: q, pipe: pipe, faults: faults,
				feeder: newFeeder(src, q, pipe, faults), out: newFrameSender(backend.NewStreamSender(ps), c.queryType)}
			batch := make([]*kgo.Record, benchBatch)
			for i := range batch {
				batch[i] = &kgo.Record{Topic: c.topic, Key: []byte(f1.Grid()[i%20].Code)}
			}
			ctx := context.Background()
			base := time.UnixMilli(1725197758853)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for n := 0; n < b.N; {
				k := min(benchBatch, b.N-n)
				for i := 0; i < k; i++ {
					r := batch[i]
					r.Value = values[(n+i)&255]
					r.Offset = int64(n + i)
					r.Timestamp = base.Add(time.Duration(n+i) * time.Millisecond)
				}
				s.handle(ctx, batch[:k])
				if err := s.send(time.Now()); err != nil {
					b.Fatal(err)
				}
				n += k
			}
			elapsed := time.Since(start)
			b.StopTimer()
			if faults.Total() > 0 {
				b.Fatalf("bad records in benchmark: %v", faults.Notices())
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
			b.ReportMetric(float64(ps.bytes.Load())/float64(b.N), "out_B/record")
		})
	}
}
