package f1wire_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// Decoding benchmarks on the records Pitwall really carries: a simulated
// full-grid race (internal/sim), encoded by the encoders of this package. One op
// is one record. bench_test.go has the generic 20-field JSON and the
// encoding/json baseline.

// simRace returns the first records of a simulated full-grid Monza race.
type simRace struct {
	tel []f1.Telemetry
	pos []f1.Position
	rc  []f1.RaceControl
	al  []f1.Alert
}

func newSimRace(b *testing.B, telemetry int) *simRace {
	b.Helper()
	c, err := f1.CircuitByName("monza")
	if err != nil {
		b.Fatal(err)
	}
	s, err := sim.New(sim.Config{RaceID: "monza-bench", Circuit: c, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	r := &simRace{}
	for len(r.tel) < telemetry {
		ev, ok := s.Next()
		if !ok {
			break
		}
		switch ev.Type {
		case sim.TelemetryEvent:
			r.tel = append(r.tel, *ev.Telemetry)
		case sim.PositionEvent:
			r.pos = append(r.pos, *ev.Position)
		case sim.RaceControlEvent:
			r.rc = append(r.rc, *ev.RaceControl)
		case sim.AlertEvent:
			r.al = append(r.al, *ev.Alert)
		}
	}
	if len(r.tel) == 0 || len(r.pos) == 0 || len(r.rc) == 0 || len(r.al) == 0 {
		b.Fatalf("the simulated race is missing record types: %d telemetry, %d positions, %d race control, %d alerts",
			len(r.tel), len(r.pos), len(r.rc), len(r.al))
	}
	return r
}

func encodeAll[T any](recs []T, enc func([]byte, *T) []byte) [][]byte {
	out := make([][]byte, len(recs))
	for i := range recs {
		out[i] = enc(nil, &recs[i])
	}
	return out
}

// runDecode decodes values round-robin, one per op, and checks the field
// count of every record against want (0: any).
func runDecode(b *testing.B, d *codec.Decoder, values [][]byte, want int) {
	b.Helper()
	var rec codec.Record
	ctx := context.Background()
	var bytes int
	for _, v := range values {
		if err := d.Decode(ctx, v, &rec); err != nil {
			b.Fatal(err)
		}
		if want > 0 && len(rec.Fields) != want {
			b.Fatalf("decoded %d fields, want %d", len(rec.Fields), want)
		}
		bytes += len(v)
	}
	b.SetBytes(int64(bytes / len(values)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(ctx, values[i%len(values)], &rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSONRecords: the four F1 topics' JSON records as the
// producer writes them, decoded and flattened.
func BenchmarkDecodeJSONRecords(b *testing.B) {
	r := newSimRace(b, 4000)
	cases := []struct {
		name, topic string
		values      [][]byte
		fields      int
	}{
		{"telemetry", f1.TopicTelemetry, encodeAll(r.tel, f1wire.TelemetryJSON), 16},
		{"position", f1.TopicPositions, encodeAll(r.pos, f1wire.PositionJSON), 16},
		{"raceControl", f1.TopicRaceControl, encodeAll(r.rc, f1wire.RaceControlJSON), 0},
		{"alert", f1.TopicAlerts, encodeAll(r.al, f1wire.AlertJSON), 7},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			runDecode(b, codec.NewDecoder(codec.FormatJSON, c.topic, nil, codec.Limits{}), c.values, c.fields)
		})
	}
}

// BenchmarkDecodeJSONNested: flattening nested objects and arrays
// ("car.engine.rpm", "tyres.2.temp_c").
func BenchmarkDecodeJSONNested(b *testing.B) {
	values := make([][]byte, 256)
	for i := range values {
		values[i] = []byte(fmt.Sprintf(`{"ts":%d,"driver":"VER","car":{"speed_kph":%d.5,"engine":{"rpm":%d,"gear":%d,"ers":{"mode":"overtake","soc_pct":61.5}},"drs":false},`+
			`"tyres":[{"pos":"FL","temp_c":%d.1,"wear":0.12},{"pos":"FR","temp_c":101.4,"wear":0.13},{"pos":"RL","temp_c":97.9,"wear":0.1},{"pos":"RR","temp_c":98.2,"wear":0.11}],`+
			`"tags":["race","monza",null]}`, 1725195780000+int64(i)*250, 200+i%120, 10000+i*7, 1+i%8, 90+i%20))
	}
	runDecode(b, codec.NewDecoder(codec.FormatJSON, "nested", nil, codec.Limits{}), values, 23)
}

// BenchmarkDecodeAvroByID: Avro records decoded by the schema id in their
// Confluent header (the decoder caches one program per id). "telemetry2ids"
// alternates two writer ids of the telemetry subject, as a topic does while
// producers move to a new schema version; "auto" finds the header itself.
func BenchmarkDecodeAvroByID(b *testing.B) {
	r := newSimRace(b, 4000)
	fake := srfake.New()
	b.Cleanup(fake.Close)
	seed := func(topic string, version, id int, schema string) {
		fake.SeedSchema(codec.Subject(topic), version, id, sr.Schema{Schema: schema, Type: sr.TypeAvro})
	}
	seed(f1.TopicTelemetry, 1, 1, f1wire.TelemetrySchema)
	seed(f1.TopicTelemetry, 2, 5, f1wire.TelemetrySchema)
	seed(f1.TopicPositions, 1, 2, f1wire.PositionSchema)
	seed(f1.TopicRaceControl, 1, 3, f1wire.RaceControlSchema)
	seed(f1.TopicAlerts, 1, 4, f1wire.AlertSchema)
	reg, err := codec.NewRegistry(codec.RegistryConfig{URL: fake.URL()})
	if err != nil {
		b.Fatal(err)
	}
	withID := func(id int, enc func([]byte, int, *f1.Telemetry) []byte) func([]byte, *f1.Telemetry) []byte {
		return func(buf []byte, t *f1.Telemetry) []byte { return enc(buf, id, t) }
	}
	tel := encodeAll(r.tel, withID(1, f1wire.TelemetryAvro))
	tel2 := make([][]byte, len(tel))
	for i := range r.tel {
		id := 1 + 4*(i%2) // ids 1 and 5
		tel2[i] = f1wire.TelemetryAvro(nil, id, &r.tel[i])
	}
	cases := []struct {
		name, topic string
		format      codec.Format
		values      [][]byte
		fields      int
	}{
		{"telemetry", f1.TopicTelemetry, codec.FormatAvro, tel, 16},
		{"telemetry2ids", f1.TopicTelemetry, codec.FormatAvro, tel2, 16},
		{"telemetryAuto", f1.TopicTelemetry, codec.FormatAuto, tel, 16},
		{"position", f1.TopicPositions, codec.FormatAvro, encodeAll(r.pos, func(buf []byte, p *f1.Position) []byte { return f1wire.PositionAvro(buf, 2, p) }), 16},
		{"raceControl", f1.TopicRaceControl, codec.FormatAvro, encodeAll(r.rc, func(buf []byte, e *f1.RaceControl) []byte { return f1wire.RaceControlAvro(buf, 3, e) }), 0},
		{"alert", f1.TopicAlerts, codec.FormatAvro, encodeAll(r.al, func(buf []byte, a *f1.Alert) []byte { return f1wire.AlertAvro(buf, 4, a) }), 7},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			runDecode(b, codec.NewDecoder(c.format, c.topic, reg, codec.Limits{}), c.values, c.fields)
		})
	}
}
