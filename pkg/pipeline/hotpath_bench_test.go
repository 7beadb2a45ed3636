package pipeline

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// Hot-path benchmarks on one race hour of full-grid telemetry (internal/sim,
// 20 cars x 4 Hz x 3,600 s = 288,000 records, encoded by the producer's
// encoders), with Kafka left out (internal/bench measures it with Kafka):
//
//   - BenchmarkQueryHour: what QueryData does per record of a time-range
//     query with MaxDataPoints 1000 (decode -> pipeline -> decimation),
//     then the final frames; one op is the whole hour.
//   - BenchmarkQueryResponseEncode: encoding that result as the SDK does
//     for Grafana (Arrow) and as JSON.
//   - BenchmarkStreamPipelines: a live stream per record (decode ->
//     pipeline -> frames -> SendFrame's JSON), flushed every 1,000
//     records; complements BenchmarkStreamSendFrame (stream_bench_test.go) with
//     JSON telemetry and an F1 type.
//
// Telemetry's Avro schema has id 2 in benchRegistry.

const hourTelemetryID = 2

type hourData struct {
	values   [][]byte
	keys     [][]byte
	ts       []time.Time
	from, to time.Time
}

var (
	hourMu    sync.Mutex
	hourCache = map[codec.Format]*hourData{}
)

// raceHour simulates one hour of a full-grid race and encodes it once per
// format (kept for the other benchmarks of the run).
func raceHour(b *testing.B, format codec.Format) *hourData {
	b.Helper()
	hourMu.Lock()
	defer hourMu.Unlock()
	if h := hourCache[format]; h != nil {
		return h
	}
	c, err := f1.CircuitByName("monza")
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.New(sim.Config{RaceID: "monza-bench", Circuit: c, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	h := &hourData{}
	keys := map[string][]byte{}
	var start int64 = -1
	for {
		ev, ok := s.Next()
		if !ok {
			b.Fatal("the simulated race is shorter than an hour")
		}
		if ev.Type != sim.TelemetryEvent {
			continue
		}
		t := ev.Telemetry
		if start < 0 {
			start = t.Ts
		}
		if t.Ts >= start+3_600_000 {
			break
		}
		var v []byte
		if format == codec.FormatAvro {
			v = f1wire.TelemetryAvro(nil, hourTelemetryID, t)
		} else {
			v = f1wire.TelemetryJSON(nil, t)
		}
		if keys[t.Driver] == nil {
			keys[t.Driver] = []byte(t.Driver)
		}
		h.values, h.keys, h.ts = append(h.values, v), append(h.keys, keys[t.Driver]), append(h.ts, time.UnixMilli(t.Ts))
	}
	h.from, h.to = time.UnixMilli(start), time.UnixMilli(start+3_600_000-1)
	hourCache[format] = h
	return h
}

func benchSource(b *testing.B) *Source {
	return &Source{Registry: benchRegistry(b)}
}

// BenchmarkQueryHour's *_stream cases are QueryData's range read of a
// query with stream:true (ModeStream: all drivers in one labelled table, the
// Live layout), which issue 11 found re-decimating on almost every record.
func BenchmarkQueryHour(b *testing.B) {
	for _, c := range []struct {
		queryType, format string
		stream            bool
	}{
		{"telemetry", "json", false}, {"telemetry", "avro", false}, {"wheelSpin", "json", false}, {"wheelSpin", "avro", false},
		{"telemetry", "json", true}, {"telemetry", "avro", true},
	} {
		name := c.queryType + "_" + c.format
		if c.stream {
			name += "_stream"
		}
		b.Run(name, func(b *testing.B) {
			h := raceHour(b, codec.Format(c.format))
			src := benchSource(b)
			q := mustQuery(b, fmt.Sprintf(`{"queryType":%q,"format":%q,"offset":"timeRange","stream":%v}`, c.queryType, c.format, c.stream))
			mode := ModeQuery
			if c.stream {
				mode = ModeStream
			}
			ctx := context.Background()
			var frames data.Frames
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				env := &Env{Mode: mode, From: h.from, To: h.to, MaxDataPoints: 1000, Faults: &Faults{}, RefID: "A"}
				pipe, err := New(q, env)
				if err != nil {
					b.Fatal(err)
				}
				feeder := newFeeder(src, q, pipe, env.Faults)
				kr := &kgo.Record{Topic: q.Topic}
				for j, v := range h.values {
					kr.Value, kr.Key, kr.Timestamp, kr.Offset = v, h.keys[j], h.ts[j], int64(j)
					feeder.feed(ctx, kr)
				}
				frames = pipe.Frames(true)
				if env.Faults.Total() > 0 {
					b.Fatalf("bad records: %v", env.Faults.Notices())
				}
			}
			b.StopTimer()
			if len(frames) == 0 {
				b.Fatal("no frames")
			}
			b.ReportMetric(float64(len(h.values))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func BenchmarkQueryResponseEncode(b *testing.B) {
	h := raceHour(b, codec.FormatJSON)
	src := benchSource(b)
	for _, queryType := range []string{"telemetry", "wheelSpin"} {
		q := mustQuery(b, fmt.Sprintf(`{"queryType":%q,"format":"json","offset":"timeRange"}`, queryType))
		env := &Env{Mode: ModeQuery, From: h.from, To: h.to, MaxDataPoints: 1000, Faults: &Faults{}, RefID: "A"}
		pipe, err := New(q, env)
		if err != nil {
			b.Fatal(err)
		}
		feeder := newFeeder(src, q, pipe, env.Faults)
		kr := &kgo.Record{Topic: q.Topic}
		for j, v := range h.values {
			kr.Value, kr.Key, kr.Timestamp = v, h.keys[j], h.ts[j]
			feeder.feed(context.Background(), kr)
		}
		frames := data.Frames(pipe.Frames(true))
		if len(frames) == 0 {
			b.Fatal("no frames")
		}
		b.Run(queryType+"/arrow", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := frames.MarshalArrow(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(queryType+"/json", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for _, f := range frames {
					if _, err := data.FrameToJSON(f, data.IncludeAll); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func BenchmarkStreamPipelines(b *testing.B) {
	for _, c := range []struct{ queryType, format string }{
		{"telemetry", "json"}, {"wheelSpin", "json"}, {"wheelSpin", "avro"},
	} {
		b.Run(c.queryType+"_"+c.format, func(b *testing.B) {
			h := raceHour(b, codec.Format(c.format))
			src := benchSource(b)
			q := mustQuery(b, fmt.Sprintf(`{"queryType":%q,"format":%q,"stream":true}`, c.queryType, c.format))
			faults := &Faults{}
			pipe, err := New(q, &Env{Mode: ModeStream, Faults: faults})
			if err != nil {
				b.Fatal(err)
			}
			ps := &discardSender{}
			// The stream loop's own steps (stream.go: handle, send),
			// without its Kafka consumer.
			feeder := newFeeder(src, q, pipe, faults)
			out := newFrameSender(backend.NewStreamSender(ps), q.QueryType)
			kr := &kgo.Record{Topic: q.Topic}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; {
				k := min(benchBatch, b.N-n)
				for i := 0; i < k; i++ {
					j := (n + i) % len(h.values)
					kr.Value, kr.Key, kr.Timestamp, kr.Offset = h.values[j], h.keys[j], h.ts[j], int64(n+i)
					feeder.feed(ctx, kr)
				}
				for _, f := range pipe.Frames(false) {
					if err := out.send(f); err != nil {
						b.Fatal(err)
					}
				}
				n += k
			}
			b.StopTimer()
			if faults.Total() > 0 {
				b.Fatalf("bad records: %v", faults.Notices())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(ps.bytes.Load())/float64(b.N), "out_B/record")
		})
	}
}
