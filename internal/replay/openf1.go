package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// parseRaceControl reads OpenF1 /race_control rows into race control events.
func parseRaceControl(t *table, opt Options) (*File, error) {
	f := &File{Name: t.name, Format: OpenF1RaceControl, Abs: true}
	for i := range t.rows {
		ts, err := t.date(i, "date")
		if err != nil {
			return nil, err
		}
		rc := f1.RaceControl{Ts: ts, RaceID: opt.RaceID, Message: t.str(i, "message")}
		if n, ok, err := t.numOpt(i, "driver_number"); err != nil {
			return nil, err
		} else if ok {
			d, known := opt.byNumber(int(n))
			if !known {
				return nil, fmt.Errorf("%s:%d: unknown driver number %v", t.name, t.lines[i], n)
			}
			rc.Driver = d.Code
		}
		if l, ok, err := t.numOpt(i, "lap_number"); err != nil {
			return nil, err
		} else if ok {
			rc.Lap = int(l)
		}
		rc.Type = raceControlType(t.str(i, "category"), t.str(i, "flag"), rc.Message)
		f.Items = append(f.Items, Item{Type: f1.RaceControlRecord, Ts: ts, RC: rc})
	}
	return f, nil
}

// raceControlType maps OpenF1's category and flag to Pitwall's event types.
// Messages that are none of them (DRS enabled, car events, session status)
// are kept as FLAG, the general race-control message.
func raceControlType(category, flag, msg string) string {
	m := strings.ToUpper(msg)
	switch {
	case strings.EqualFold(category, "SafetyCar") && strings.Contains(m, "VIRTUAL"):
		return f1.EventVSC
	case strings.EqualFold(category, "SafetyCar"):
		return f1.EventSafetyCar
	case strings.EqualFold(flag, "CHEQUERED"):
		return f1.EventFinish
	}
	return f1.EventFlag
}

// ParseOpenF1JSON reads OpenF1 car_data: a JSON array of samples with date,
// driver_number, speed, rpm, n_gear, throttle, brake and drs. The driver
// comes from driver_number, else from Options.Driver or the file name.
func ParseOpenF1JSON(data []byte, name string, opt Options) (*File, error) {
	f := &File{Name: name, Format: OpenF1CarData, Abs: true}
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s:%d: not JSON: %w", name, lineAt(dec.InputOffset()), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%s: want a JSON array of OpenF1 car_data samples, found %v", name, tok)
	}
	var fileDriver *f1.Driver
	for i := 0; dec.More(); i++ {
		off := dec.InputOffset()
		var s of1CarSample
		if err := dec.Decode(&s); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s:%d: sample %d: malformed JSON: %v", name, lineAt(se.Offset), i, err)
			}
			return nil, fmt.Errorf("%s:%d: sample %d: %v", name, lineAt(off), i, err)
		}
		where := fmt.Sprintf("%s:%d: sample %d", name, lineAt(off)+1, i)
		if miss := s.missing(); len(miss) > 0 {
			return nil, fmt.Errorf("%s: missing %s (expected date, driver_number, speed, rpm, n_gear, throttle, brake, drs)", where, strings.Join(miss, ", "))
		}
		var d f1.Driver
		switch {
		case s.DriverNumber != nil:
			var ok bool
			if d, ok = opt.byNumber(*s.DriverNumber); !ok {
				return nil, fmt.Errorf("%s: unknown driver number %d", where, *s.DriverNumber)
			}
		default:
			if fileDriver == nil {
				fd, err := driverFor(name, opt)
				if err != nil {
					return nil, err
				}
				fileDriver = &fd
			}
			d = *fileDriver
		}
		ts, ok := parseDate(*s.Date)
		if !ok {
			return nil, fmt.Errorf("%s: date %q is not an ISO 8601 date", where, *s.Date)
		}
		for _, v := range []float64{*s.Speed, *s.RPM, *s.Throttle, *s.Brake} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: a value is not a finite number", where)
			}
		}
		if *s.NGear < 0 || *s.NGear > 8 {
			return nil, fmt.Errorf("%s: n_gear %d is not a gear from 0 to 8", where, *s.NGear)
		}
		x := f1.Telemetry{Ts: ts, RaceID: opt.RaceID, Driver: d.Code, DriverNumber: d.Number, Team: f1.TeamOf(d).Name, Lap: opt.Lap,
			SpeedKph: *s.Speed, RPM: *s.RPM, Gear: *s.NGear, ThrottlePct: *s.Throttle, Brake: *s.Brake, DRS: *s.DRS}
		f.Items = append(f.Items, Item{Type: f1.TelemetryRecord, Ts: ts, Tel: x})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s:%d: the JSON array is not closed: %v", name, lineAt(dec.InputOffset()), err)
	}
	return f, nil
}
