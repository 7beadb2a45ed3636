package f1wire

import (
	"errors"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The Protobuf schemas of Pitwall's topics, for `producer --format
// protobuf`: the fields of the Avro schemas (schemas.go), same names, same
// order, numbered from 1; ts is epoch milliseconds (int64, as in JSON and
// Avro, so the Reader reads every format alike). They are registered as
// PROTOBUF under codec.Subject(topic). The encoders below write proto3's
// canonical encoding (zero values left out: the decoder reads them as
// zero) behind the Confluent header and the message index [0].
const (
	TelemetryProto = `syntax = "proto3";
package f1.pitwall;
message Telemetry {
  int64 ts = 1; string race_id = 2; string driver = 3; int32 driver_number = 4; string team = 5;
  int32 lap = 6; double distance_m = 7; double speed_kph = 8; double rpm = 9; int32 gear = 10;
  double throttle_pct = 11; double brake = 12; int32 drs = 13; double x = 14; double y = 15;
  double brake_temp_c = 16;
}
`
	PositionProto = `syntax = "proto3";
package f1.pitwall;
message Position {
  int64 ts = 1; string race_id = 2; string driver = 3; int32 position = 4; int32 lap = 5;
  double gap_to_leader_s = 6; double interval_s = 7; double last_lap_s = 8; double best_lap_s = 9;
  int32 pit_stops = 10; string tyre = 11; int32 tyre_age_laps = 12; string status = 13;
  double sector_1_s = 14; double sector_2_s = 15; double sector_3_s = 16;
}
`
	RaceControlProto = `syntax = "proto3";
package f1.pitwall;
message RaceControl {
  int64 ts = 1; string race_id = 2; string type = 3; string driver = 4; int32 lap = 5;
  int32 total_laps = 6; string message = 7;
}
`
	AlertProto = `syntax = "proto3";
package f1.pitwall;
message Alert {
  int64 ts = 1; string race_id = 2; string driver = 3; string severity = 4; string kind = 5;
  double value = 6; string message = 7;
}
`
	RaceCommandProto = `syntax = "proto3";
package f1.pitwall;
message RaceCommand {
  int64 ts = 1; string race_id = 2; string command = 3; string circuit = 4; int32 laps = 5;
  repeated string drivers = 6; double speed = 7; string selected_driver = 8;
}
`
	PredictionProto = `syntax = "proto3";
package f1.pitwall;
message Prediction {
  int64 ts = 1; string race_id = 2; string driver = 3; int32 lap = 4; string model = 5;
  int32 horizon_laps = 6; double probability = 7; string reasons = 8;
}
`
	WeatherProto = `syntax = "proto3";
package f1.pitwall;
message Weather {
  int64 ts = 1; string race_id = 2; double air_temp_c = 3; double track_temp_c = 4;
  double humidity_pct = 5; double pressure_mbar = 6; bool rainfall = 7;
  double wind_direction_deg = 8; double wind_speed_ms = 9;
}
`
	LocationProto = `syntax = "proto3";
package f1.pitwall;
message Location {
  int64 ts = 1; string race_id = 2; string driver = 3; double x = 4; double y = 5; double z = 6;
}
`
)

// protoHeader appends the Confluent header and the message index [0].
func protoHeader(b []byte, schemaID int) []byte {
	return codec.AppendIndexes(codec.AppendWireHeader(b, schemaID))
}

func pbInt(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v)) // #nosec G115 -- int32/int64 fields are written as the two's-complement varint
}

func pbDouble(b []byte, num protowire.Number, v float64) []byte {
	if v == 0 && !math.Signbit(v) {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(v))
}

func pbString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// TelemetryProtobuf appends t as Protobuf in the Confluent wire format.
func TelemetryProtobuf(b []byte, schemaID int, t *f1.Telemetry) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, t.Ts)
	b = pbString(b, 2, t.RaceID)
	b = pbString(b, 3, t.Driver)
	b = pbInt(b, 4, int64(t.DriverNumber))
	b = pbString(b, 5, t.Team)
	b = pbInt(b, 6, int64(t.Lap))
	b = pbDouble(b, 7, t.DistanceM)
	b = pbDouble(b, 8, t.SpeedKph)
	b = pbDouble(b, 9, t.RPM)
	b = pbInt(b, 10, int64(t.Gear))
	b = pbDouble(b, 11, t.ThrottlePct)
	b = pbDouble(b, 12, t.Brake)
	b = pbInt(b, 13, int64(t.DRS))
	b = pbDouble(b, 14, t.X)
	b = pbDouble(b, 15, t.Y)
	return pbDouble(b, 16, t.BrakeTempC)
}

// PositionProtobuf appends p as Protobuf in the Confluent wire format.
func PositionProtobuf(b []byte, schemaID int, p *f1.Position) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, p.Ts)
	b = pbString(b, 2, p.RaceID)
	b = pbString(b, 3, p.Driver)
	b = pbInt(b, 4, int64(p.Position))
	b = pbInt(b, 5, int64(p.Lap))
	b = pbDouble(b, 6, p.GapToLeaderS)
	b = pbDouble(b, 7, p.IntervalS)
	b = pbDouble(b, 8, p.LastLapS)
	b = pbDouble(b, 9, p.BestLapS)
	b = pbInt(b, 10, int64(p.PitStops))
	b = pbString(b, 11, p.Tyre)
	b = pbInt(b, 12, int64(p.TyreAgeLaps))
	b = pbString(b, 13, p.Status)
	b = pbDouble(b, 14, p.Sector1S)
	b = pbDouble(b, 15, p.Sector2S)
	return pbDouble(b, 16, p.Sector3S)
}

// RaceControlProtobuf appends r as Protobuf in the Confluent wire format.
func RaceControlProtobuf(b []byte, schemaID int, r *f1.RaceControl) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, r.Ts)
	b = pbString(b, 2, r.RaceID)
	b = pbString(b, 3, r.Type)
	b = pbString(b, 4, r.Driver)
	b = pbInt(b, 5, int64(r.Lap))
	b = pbInt(b, 6, int64(r.TotalLaps))
	return pbString(b, 7, r.Message)
}

// AlertProtobuf appends a as Protobuf in the Confluent wire format.
func AlertProtobuf(b []byte, schemaID int, a *f1.Alert) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, a.Ts)
	b = pbString(b, 2, a.RaceID)
	b = pbString(b, 3, a.Driver)
	b = pbString(b, 4, a.Severity)
	b = pbString(b, 5, a.Kind)
	b = pbDouble(b, 6, a.Value)
	return pbString(b, 7, a.Message)
}

// RaceCommandProtobuf appends c as Protobuf in the Confluent wire format.
func RaceCommandProtobuf(b []byte, schemaID int, c *f1.RaceCommand) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, c.Ts)
	b = pbString(b, 2, c.RaceID)
	b = pbString(b, 3, c.Command)
	b = pbString(b, 4, c.Circuit)
	b = pbInt(b, 5, int64(c.Laps))
	for _, d := range c.Drivers {
		b = protowire.AppendTag(b, 6, protowire.BytesType)
		b = protowire.AppendString(b, d)
	}
	b = pbDouble(b, 7, c.Speed)
	return pbString(b, 8, c.SelectedDriver)
}

var errCommandProto = errors.New("not a Protobuf RaceCommand")

// PredictionProtobuf appends p as Protobuf in the Confluent wire format.
func PredictionProtobuf(b []byte, schemaID int, p *f1.Prediction) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, p.Ts)
	b = pbString(b, 2, p.RaceID)
	b = pbString(b, 3, p.Driver)
	b = pbInt(b, 4, int64(p.Lap))
	b = pbString(b, 5, p.Model)
	b = pbInt(b, 6, int64(p.HorizonLaps))
	b = pbDouble(b, 7, p.Probability)
	return pbString(b, 8, p.Reasons)
}

// WeatherProtobuf appends w as Protobuf in the Confluent wire format.
func WeatherProtobuf(b []byte, schemaID int, w *f1.Weather) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, w.Ts)
	b = pbString(b, 2, w.RaceID)
	b = pbDouble(b, 3, w.AirTempC)
	b = pbDouble(b, 4, w.TrackTempC)
	b = pbDouble(b, 5, w.HumidityPct)
	b = pbDouble(b, 6, w.PressureMbar)
	if w.Rainfall {
		b = pbInt(b, 7, 1)
	}
	b = pbDouble(b, 8, w.WindDirectionDeg)
	return pbDouble(b, 9, w.WindSpeedMS)
}

// LocationProtobuf appends l as Protobuf in the Confluent wire format.
func LocationProtobuf(b []byte, schemaID int, l *f1.Location) []byte {
	b = protoHeader(b, schemaID)
	b = pbInt(b, 1, l.Ts)
	b = pbString(b, 2, l.RaceID)
	b = pbString(b, 3, l.Driver)
	b = pbDouble(b, 4, l.X)
	b = pbDouble(b, 5, l.Y)
	return pbDouble(b, 6, l.Z)
}

// decodeCommandProtobuf reads a RaceCommand written by RaceCommandProtobuf
// (body: after the Confluent header), within the command bounds.
func decodeCommandProtobuf(body []byte) (f1.RaceCommand, error) {
	var c f1.RaceCommand
	idx, b, err := codec.SplitIndexes(body, nil)
	if err != nil || len(idx) != 1 || idx[0] != 0 {
		return c, errCommandProto
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return c, errCommandProto
		}
		b = b[n:]
		switch {
		case typ == protowire.VarintType && (num == 1 || num == 5):
			v, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return c, errCommandProto
			}
			if num == 1 {
				c.Ts = int64(v) // #nosec G115 -- int64 on the wire
			} else {
				c.Laps = int(int32(v)) // #nosec G115 -- int32 on the wire
			}
			n = k
		case typ == protowire.Fixed64Type && num == 7:
			v, k := protowire.ConsumeFixed64(b)
			if k < 0 {
				return c, errCommandProto
			}
			c.Speed, n = math.Float64frombits(v), k
		case typ == protowire.BytesType && num >= 2 && num <= 8:
			v, k := protowire.ConsumeBytes(b)
			if k < 0 || len(v) > MaxCommandString {
				return c, errCommandProto
			}
			switch num {
			case 2:
				c.RaceID = string(v)
			case 3:
				c.Command = string(v)
			case 4:
				c.Circuit = string(v)
			case 6:
				if len(c.Drivers) >= MaxCommandDrivers {
					return c, errCommandProto
				}
				c.Drivers = append(c.Drivers, string(v))
			case 8:
				c.SelectedDriver = string(v)
			default:
				return c, errCommandProto
			}
			n = k
		default:
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return c, errCommandProto
			}
		}
		b = b[n:]
	}
	return c, nil
}
