package replay

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// OpenF1's answers as Go types (the fields Pitwall reads; pointers where
// OpenF1 sends null) and the readers of its odd values.

// Nullable OpenF1 values: json.Number keeps "+1 LAP" apart from 12.3.
type (
	of1Driver struct {
		DriverNumber int    `json:"driver_number"`
		NameAcronym  string `json:"name_acronym"`
		TeamName     string `json:"team_name"`
		TeamColour   string `json:"team_colour"`
	}
	of1Lap struct {
		DriverNumber int      `json:"driver_number"`
		LapNumber    int      `json:"lap_number"`
		DateStart    *string  `json:"date_start"`
		LapDuration  *float64 `json:"lap_duration"`
		Sector1      *float64 `json:"duration_sector_1"`
		Sector2      *float64 `json:"duration_sector_2"`
		Sector3      *float64 `json:"duration_sector_3"`
		PitOutLap    *bool    `json:"is_pit_out_lap"`
	}
	of1Stint struct {
		DriverNumber int    `json:"driver_number"`
		StintNumber  int    `json:"stint_number"`
		LapStart     int    `json:"lap_start"`
		LapEnd       int    `json:"lap_end"`
		Compound     string `json:"compound"`
		AgeAtStart   *int   `json:"tyre_age_at_start"`
	}
	of1Pit struct {
		DriverNumber int      `json:"driver_number"`
		Date         string   `json:"date"`
		LapNumber    int      `json:"lap_number"`
		LaneDuration *float64 `json:"lane_duration"`
		PitDuration  *float64 `json:"pit_duration"`
	}
	of1Position struct {
		DriverNumber int    `json:"driver_number"`
		Date         string `json:"date"`
		Position     int    `json:"position"`
	}
	of1Interval struct {
		DriverNumber int             `json:"driver_number"`
		Date         string          `json:"date"`
		Gap          json.RawMessage `json:"gap_to_leader"`
		Interval     json.RawMessage `json:"interval"`
	}
	of1RaceControl struct {
		Date         string  `json:"date"`
		DriverNumber *int    `json:"driver_number"`
		LapNumber    *int    `json:"lap_number"`
		Category     string  `json:"category"`
		Flag         *string `json:"flag"`
		Message      string  `json:"message"`
	}
	of1Weather struct {
		Date     string   `json:"date"`
		Air      *float64 `json:"air_temperature"`
		Track    *float64 `json:"track_temperature"`
		Humidity *float64 `json:"humidity"`
		Pressure *float64 `json:"pressure"`
		Rainfall *float64 `json:"rainfall"`
		WindDir  *float64 `json:"wind_direction"`
		Wind     *float64 `json:"wind_speed"`
	}
	of1Location struct {
		Date string   `json:"date"`
		X    *float64 `json:"x"`
		Y    *float64 `json:"y"`
		Z    *float64 `json:"z"`
	}
	of1Result struct {
		DriverNumber int             `json:"driver_number"`
		Position     *int            `json:"position"`
		Laps         *int            `json:"number_of_laps"`
		Gap          json.RawMessage `json:"gap_to_leader"`
		Duration     json.RawMessage `json:"duration"`
		DNF          bool            `json:"dnf"`
		DNS          bool            `json:"dns"`
		DSQ          bool            `json:"dsq"`
	}
)

// of1CarSample is one OpenF1 /car_data element. Pointers tell a missing field
// from a zero.
type of1CarSample struct {
	Date         *string  `json:"date"`
	DriverNumber *int     `json:"driver_number"`
	Speed        *float64 `json:"speed"`
	RPM          *float64 `json:"rpm"`
	NGear        *int     `json:"n_gear"`
	Throttle     *float64 `json:"throttle"`
	Brake        *float64 `json:"brake"`
	DRS          *int     `json:"drs"`
}

// missing names the fields a sample lacks (driver_number may be absent).
func (s *of1CarSample) missing() []string {
	var m []string
	if s.Date == nil {
		m = append(m, "date")
	}
	for _, f := range []struct {
		name string
		nil  bool
	}{{"speed", s.Speed == nil}, {"rpm", s.RPM == nil}, {"n_gear", s.NGear == nil}, {"throttle", s.Throttle == nil},
		{"brake", s.Brake == nil}, {"drs", s.DRS == nil}} {
		if f.nil {
			m = append(m, f.name)
		}
	}
	return m
}

func decodeArray[T any](b []byte, endpoint string) ([]T, error) {
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("OpenF1 /%s: %w", endpoint, err)
	}
	return out, nil
}

// dated is an OpenF1 element with a date.
type dated interface{ when() string }

func (r of1RaceControl) when() string { return r.Date }
func (r of1Weather) when() string     { return r.Date }

// eachDated decodes an endpoint's array and calls row with each element and
// its date (ms), in order; the first error (JSON, a date, row's) stops it.
func eachDated[T dated](b []byte, endpoint string, row func(r T, ms int64) error) error {
	rows, err := decodeArray[T](b, endpoint)
	if err != nil {
		return err
	}
	for _, r := range rows {
		ms, err := date(r.when(), endpoint)
		if err != nil {
			return err
		}
		if err := row(r, ms); err != nil {
			return err
		}
	}
	return nil
}

func date(v, endpoint string) (int64, error) {
	ms, ok := parseDate(v)
	if !ok {
		return 0, fmt.Errorf("OpenF1 /%s: date %q is not an ISO 8601 date", endpoint, v)
	}
	return ms, nil
}

// lapsBehind reads OpenF1's "+1 LAP" / "+2 LAPS": n, true.
func lapsBehind(raw json.RawMessage) (int, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	s = strings.TrimSpace(strings.ToUpper(s))
	if !strings.HasPrefix(s, "+") || !strings.Contains(s, "LAP") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.Fields(strings.TrimPrefix(s, "+"))[0]))
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// seconds reads a gap: a number, null (the leader: 0, false) or "+N LAP".
func seconds(raw json.RawMessage) (float64, bool) {
	var f float64
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
