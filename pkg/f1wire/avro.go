package f1wire

import (
	"encoding/binary"
	"math"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Avro binary encoding (Avro 1.11 spec): int and long are zig-zag varints,
// double is 8 bytes little-endian, string is a long length then the bytes,
// an array is blocks of (count, items) ended by a zero count. A record is
// its fields in schema order. The field orders below follow the schemas of
// schemas.go; the round-trip tests decode with hamba/avro against them.

func avroLong(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

func avroDouble(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func avroString(b []byte, s string) []byte {
	b = binary.AppendVarint(b, int64(len(s)))
	return append(b, s...)
}

// TelemetryAvro appends the Confluent header for schemaID and t as Avro.
func TelemetryAvro(b []byte, schemaID int, t *f1.Telemetry) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, t.Ts)
	b = avroString(b, t.RaceID)
	b = avroString(b, t.Driver)
	b = avroLong(b, int64(t.DriverNumber))
	b = avroString(b, t.Team)
	b = avroLong(b, int64(t.Lap))
	b = avroDouble(b, t.DistanceM)
	b = avroDouble(b, t.SpeedKph)
	b = avroDouble(b, t.RPM)
	b = avroLong(b, int64(t.Gear))
	b = avroDouble(b, t.ThrottlePct)
	b = avroDouble(b, t.Brake)
	b = avroLong(b, int64(t.DRS))
	b = avroDouble(b, t.X)
	b = avroDouble(b, t.Y)
	return avroDouble(b, t.BrakeTempC)
}

// PositionAvro appends the Confluent header for schemaID and p as Avro.
func PositionAvro(b []byte, schemaID int, p *f1.Position) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, p.Ts)
	b = avroString(b, p.RaceID)
	b = avroString(b, p.Driver)
	b = avroLong(b, int64(p.Position))
	b = avroLong(b, int64(p.Lap))
	b = avroDouble(b, p.GapToLeaderS)
	b = avroDouble(b, p.IntervalS)
	b = avroDouble(b, p.LastLapS)
	b = avroDouble(b, p.BestLapS)
	b = avroLong(b, int64(p.PitStops))
	b = avroString(b, p.Tyre)
	b = avroLong(b, int64(p.TyreAgeLaps))
	b = avroString(b, p.Status)
	b = avroDouble(b, p.Sector1S)
	b = avroDouble(b, p.Sector2S)
	return avroDouble(b, p.Sector3S)
}

// WeatherAvro appends the Confluent header for schemaID and w as Avro.
func WeatherAvro(b []byte, schemaID int, w *f1.Weather) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, w.Ts)
	b = avroString(b, w.RaceID)
	b = avroDouble(b, w.AirTempC)
	b = avroDouble(b, w.TrackTempC)
	b = avroDouble(b, w.HumidityPct)
	b = avroDouble(b, w.PressureMbar)
	if w.Rainfall {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = avroDouble(b, w.WindDirectionDeg)
	return avroDouble(b, w.WindSpeedMS)
}

// LocationAvro appends the Confluent header for schemaID and l as Avro.
func LocationAvro(b []byte, schemaID int, l *f1.Location) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, l.Ts)
	b = avroString(b, l.RaceID)
	b = avroString(b, l.Driver)
	b = avroDouble(b, l.X)
	b = avroDouble(b, l.Y)
	return avroDouble(b, l.Z)
}

// RaceControlAvro appends the Confluent header for schemaID and r as Avro.
func RaceControlAvro(b []byte, schemaID int, r *f1.RaceControl) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, r.Ts)
	b = avroString(b, r.RaceID)
	b = avroString(b, r.Type)
	b = avroString(b, r.Driver)
	b = avroLong(b, int64(r.Lap))
	b = avroLong(b, int64(r.TotalLaps))
	return avroString(b, r.Message)
}

// AlertAvro appends the Confluent header for schemaID and a as Avro.
func AlertAvro(b []byte, schemaID int, a *f1.Alert) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, a.Ts)
	b = avroString(b, a.RaceID)
	b = avroString(b, a.Driver)
	b = avroString(b, a.Severity)
	b = avroString(b, a.Kind)
	b = avroDouble(b, a.Value)
	return avroString(b, a.Message)
}

// RaceCommandAvro appends the Confluent header for schemaID and c as Avro.
func RaceCommandAvro(b []byte, schemaID int, c *f1.RaceCommand) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, c.Ts)
	b = avroString(b, c.RaceID)
	b = avroString(b, c.Command)
	b = avroString(b, c.Circuit)
	b = avroLong(b, int64(c.Laps))
	if len(c.Drivers) > 0 {
		b = avroLong(b, int64(len(c.Drivers)))
		for _, d := range c.Drivers {
			b = avroString(b, d)
		}
	}
	b = avroLong(b, 0)
	b = avroDouble(b, c.Speed)
	return avroString(b, c.SelectedDriver)
}

// PredictionAvro appends the Confluent header for schemaID and p as Avro.
func PredictionAvro(b []byte, schemaID int, p *f1.Prediction) []byte {
	b = codec.AppendWireHeader(b, schemaID)
	b = avroLong(b, p.Ts)
	b = avroString(b, p.RaceID)
	b = avroString(b, p.Driver)
	b = avroLong(b, int64(p.Lap))
	b = avroString(b, p.Model)
	b = avroLong(b, int64(p.HorizonLaps))
	b = avroDouble(b, p.Probability)
	return avroString(b, p.Reasons)
}
