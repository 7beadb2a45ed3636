package f1wire

import (
	"testing"
)

// BenchmarkEncoders covers every record encoder the producer uses, JSON and
// Avro (Confluent wire header included), appending into a reused buffer as
// the producer's sink does. One op is one record. (Telemetry, the hot one,
// also has BenchmarkTelemetryJSON/Avro in encode_test.go.)
func BenchmarkEncoders(b *testing.B) {
	cases := []struct {
		name string
		enc  func(buf []byte) []byte
	}{
		{"telemetry/json", func(buf []byte) []byte { return TelemetryJSON(buf, &tel) }},
		{"telemetry/avro", func(buf []byte) []byte { return TelemetryAvro(buf, 1, &tel) }},
		{"position/json", func(buf []byte) []byte { return PositionJSON(buf, &pos) }},
		{"position/avro", func(buf []byte) []byte { return PositionAvro(buf, 2, &pos) }},
		{"raceControl/json", func(buf []byte) []byte { return RaceControlJSON(buf, &rc) }},
		{"raceControl/avro", func(buf []byte) []byte { return RaceControlAvro(buf, 3, &rc) }},
		{"alert/json", func(buf []byte) []byte { return AlertJSON(buf, &alert) }},
		{"alert/avro", func(buf []byte) []byte { return AlertAvro(buf, 4, &alert) }},
		{"raceCommand/json", func(buf []byte) []byte { return RaceCommandJSON(buf, &cmd) }},
		{"raceCommand/avro", func(buf []byte) []byte { return RaceCommandAvro(buf, 5, &cmd) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 0, 1024)
			n := len(c.enc(buf[:0]))
			if n == 0 {
				b.Fatal("encoder wrote nothing")
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				buf = c.enc(buf[:0])
			}
		})
	}
}
