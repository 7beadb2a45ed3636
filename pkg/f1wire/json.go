package f1wire

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFloat appends f as a JSON number: the shortest form that reads back
// to the same float64. NaN and infinities, which JSON cannot hold, become 0.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func key(b []byte, first bool, name string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

func strField(b []byte, first bool, name, v string) []byte {
	return appendString(key(b, first, name), v)
}

func intField(b []byte, name string, v int64) []byte {
	return strconv.AppendInt(key(b, false, name), v, 10)
}

func floatField(b []byte, name string, v float64) []byte {
	return appendFloat(key(b, false, name), v)
}

// TelemetryJSON appends t as JSON.
func TelemetryJSON(b []byte, t *f1.Telemetry) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), t.Ts, 10)
	b = strField(b, false, "race_id", t.RaceID)
	b = strField(b, false, "driver", t.Driver)
	b = intField(b, "driver_number", int64(t.DriverNumber))
	b = strField(b, false, "team", t.Team)
	b = intField(b, "lap", int64(t.Lap))
	b = floatField(b, "distance_m", t.DistanceM)
	b = floatField(b, "speed_kph", t.SpeedKph)
	b = floatField(b, "rpm", t.RPM)
	b = intField(b, "gear", int64(t.Gear))
	b = floatField(b, "throttle_pct", t.ThrottlePct)
	b = floatField(b, "brake", t.Brake)
	b = intField(b, "drs", int64(t.DRS))
	b = floatField(b, "x", t.X)
	b = floatField(b, "y", t.Y)
	b = floatField(b, "brake_temp_c", t.BrakeTempC)
	return append(b, '}')
}

// PositionJSON appends p as JSON.
func PositionJSON(b []byte, p *f1.Position) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), p.Ts, 10)
	b = strField(b, false, "race_id", p.RaceID)
	b = strField(b, false, "driver", p.Driver)
	b = intField(b, "position", int64(p.Position))
	b = intField(b, "lap", int64(p.Lap))
	b = floatField(b, "gap_to_leader_s", p.GapToLeaderS)
	b = floatField(b, "interval_s", p.IntervalS)
	b = floatField(b, "last_lap_s", p.LastLapS)
	b = floatField(b, "best_lap_s", p.BestLapS)
	b = intField(b, "pit_stops", int64(p.PitStops))
	b = strField(b, false, "tyre", p.Tyre)
	b = intField(b, "tyre_age_laps", int64(p.TyreAgeLaps))
	b = strField(b, false, "status", p.Status)
	b = floatField(b, "sector_1_s", p.Sector1S)
	b = floatField(b, "sector_2_s", p.Sector2S)
	b = floatField(b, "sector_3_s", p.Sector3S)
	return append(b, '}')
}

// WeatherJSON appends w as JSON.
func WeatherJSON(b []byte, w *f1.Weather) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), w.Ts, 10)
	b = strField(b, false, "race_id", w.RaceID)
	b = floatField(b, "air_temp_c", w.AirTempC)
	b = floatField(b, "track_temp_c", w.TrackTempC)
	b = floatField(b, "humidity_pct", w.HumidityPct)
	b = floatField(b, "pressure_mbar", w.PressureMbar)
	b = strconv.AppendBool(key(b, false, "rainfall"), w.Rainfall)
	b = floatField(b, "wind_direction_deg", w.WindDirectionDeg)
	b = floatField(b, "wind_speed_ms", w.WindSpeedMS)
	return append(b, '}')
}

// LocationJSON appends l as JSON.
func LocationJSON(b []byte, l *f1.Location) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), l.Ts, 10)
	b = strField(b, false, "race_id", l.RaceID)
	b = strField(b, false, "driver", l.Driver)
	b = floatField(b, "x", l.X)
	b = floatField(b, "y", l.Y)
	b = floatField(b, "z", l.Z)
	return append(b, '}')
}

// RaceControlJSON appends r as JSON. An empty driver is left out, as the
// record's `omitempty` tag says.
func RaceControlJSON(b []byte, r *f1.RaceControl) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), r.Ts, 10)
	b = strField(b, false, "race_id", r.RaceID)
	b = strField(b, false, "type", r.Type)
	if r.Driver != "" {
		b = strField(b, false, "driver", r.Driver)
	}
	b = intField(b, "lap", int64(r.Lap))
	b = intField(b, "total_laps", int64(r.TotalLaps))
	b = strField(b, false, "message", r.Message)
	return append(b, '}')
}

// AlertJSON appends a as JSON.
func AlertJSON(b []byte, a *f1.Alert) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), a.Ts, 10)
	b = strField(b, false, "race_id", a.RaceID)
	b = strField(b, false, "driver", a.Driver)
	b = strField(b, false, "severity", a.Severity)
	b = strField(b, false, "kind", a.Kind)
	b = floatField(b, "value", a.Value)
	b = strField(b, false, "message", a.Message)
	return append(b, '}')
}

// RaceCommandJSON appends c as JSON, leaving out empty optional fields.
func RaceCommandJSON(b []byte, c *f1.RaceCommand) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), c.Ts, 10)
	b = strField(b, false, "race_id", c.RaceID)
	b = strField(b, false, "command", c.Command)
	if c.Circuit != "" {
		b = strField(b, false, "circuit", c.Circuit)
	}
	if c.Laps != 0 {
		b = intField(b, "laps", int64(c.Laps))
	}
	if len(c.Drivers) > 0 {
		b = append(key(b, false, "drivers"), '[')
		for i, d := range c.Drivers {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, d)
		}
		b = append(b, ']')
	}
	if c.Speed != 0 {
		b = floatField(b, "speed", c.Speed)
	}
	if c.SelectedDriver != "" {
		b = strField(b, false, "selected_driver", c.SelectedDriver)
	}
	return append(b, '}')
}

// PredictionJSON appends p as JSON.
func PredictionJSON(b []byte, p *f1.Prediction) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(key(b, true, "ts"), p.Ts, 10)
	b = strField(b, false, "race_id", p.RaceID)
	b = strField(b, false, "driver", p.Driver)
	b = intField(b, "lap", int64(p.Lap))
	b = strField(b, false, "model", p.Model)
	b = intField(b, "horizon_laps", int64(p.HorizonLaps))
	b = floatField(b, "probability", p.Probability)
	b = strField(b, false, "reasons", p.Reasons)
	return append(b, '}')
}
