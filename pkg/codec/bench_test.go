package codec

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// json20 is the 20-field payload of the stream benchmarks (5 floats, 5
// ints, 5 strings, 5 bools), with values varying per record.
func json20(i int) []byte {
	m := map[string]any{}
	for f := 0; f < 20; f++ {
		k := fmt.Sprintf("field_%d", f)
		switch f % 4 {
		case 0:
			m[k] = float64(f*i)*1.5 + 0.25
		case 1:
			m[k] = f * i
		case 2:
			m[k] = fmt.Sprintf("value-%d", f)
		case 3:
			m[k] = (f+i)%2 == 0
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func BenchmarkDecodeJSON20(b *testing.B) {
	vals := make([][]byte, 256)
	for i := range vals {
		vals[i] = json20(i)
	}
	d := NewDecoder(FormatJSON, "bench", nil, Limits{})
	var rec Record
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(context.Background(), vals[i&255], &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkStdlibJSON20 is the baseline fastjson replaced: encoding/json
// into a map, walked into the same Record.
func BenchmarkStdlibJSON20(b *testing.B) {
	vals := make([][]byte, 256)
	for i := range vals {
		vals[i] = json20(i)
	}
	names := NewNames(0)
	var rec Record
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var m map[string]any
		if err := json.Unmarshal(vals[i&255], &m); err != nil {
			b.Fatal(err)
		}
		rec.Reset()
		for k, v := range m {
			id, _ := names.IDString(k)
			switch v := v.(type) {
			case float64:
				rec.add(Field{ID: id, Kind: KindNumber, Num: v})
			case string:
				rec.add(Field{ID: id, Kind: KindString, Bytes: []byte(v)})
			case bool:
				rec.add(Field{ID: id, Kind: KindBool, Bool: v})
			}
		}
	}
}

func BenchmarkDecodeAvroTelemetry(b *testing.B) {
	fake, reg := newSR(b)
	seed(fake, Subject(topicTelemetry), 1, 1, TelemetrySchema)
	vals := make([][]byte, 256)
	for i := range vals {
		vals[i] = wire(b, TelemetrySchema, 1, telemetry{Ts: int64(i), RaceID: "r", Driver: "VER", Team: "Red Bull Racing", SpeedKph: float64(i), RPM: 11000, Gear: 7})
	}
	d := NewDecoder(FormatAvro, topicTelemetry, reg, Limits{})
	var rec Record
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(context.Background(), vals[i&255], &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
