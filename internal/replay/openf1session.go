package replay

import (
	"fmt"
	"strings"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// sessionRace is an OpenF1 session read into Pitwall's terms.
type sessionRace struct {
	race      *f1.RaceLaps
	codes     map[int]string // car number → code
	intervals []f1.Position  // timing between lap ends, from /intervals
	rc        []f1.RaceControl
	weather   []weatherRow // dates
	tel       []f1.Telemetry
	locs      map[string][]locSample // dates
	pos       map[string][]posChange // /position, by code, in time order
	warnings  []string
}

// code is the driver code of car number n, which endpoint names.
func (sr *sessionRace) code(n int, endpoint string) (string, error) {
	code, ok := sr.codes[n]
	if !ok {
		return "", fmt.Errorf("OpenF1 /%s: driver number %d is not in /drivers", endpoint, n)
	}
	return code, nil
}

// readOpenF1Session reads a session. Lights out is race control's SESSION
// STARTED (else the first lap 2 start less the median lap); a lap ends
// where the driver's next one starts (else at its start plus its
// duration); lap 1, which OpenF1 does not time, runs from lights out.
func readOpenF1Session(s *openf1.SessionData, raceID string) (*sessionRace, error) {
	sr := &sessionRace{codes: map[int]string{}, locs: map[string][]locSample{}}
	race := &f1.RaceLaps{RaceID: raceID}
	sr.race = race
	drivers, err := decodeArray[of1Driver](s.Drivers, "drivers")
	if err != nil {
		return nil, err
	}
	idx := map[int]int{}
	for _, d := range drivers {
		code := strings.ToUpper(d.NameAcronym)
		if !validCode(code) || d.DriverNumber <= 0 {
			return nil, fmt.Errorf("OpenF1 /drivers: driver %d has acronym %q: want a three-letter code", d.DriverNumber, d.NameAcronym)
		}
		if _, dup := idx[d.DriverNumber]; dup {
			continue
		}
		idx[d.DriverNumber] = len(race.Drivers)
		sr.codes[d.DriverNumber] = code
		race.Drivers = append(race.Drivers, f1.DriverLaps{Driver: code, Number: d.DriverNumber, Team: d.TeamName,
			TeamColour: strings.TrimPrefix(strings.ToUpper(d.TeamColour), "#")})
	}
	driver := func(n int, endpoint string) (*f1.DriverLaps, error) {
		i, ok := idx[n]
		if !ok {
			return nil, fmt.Errorf("OpenF1 /%s: driver number %d is not in /drivers", endpoint, n)
		}
		return &race.Drivers[i], nil
	}
	if err := sr.readRaceControl(s.RaceControl); err != nil {
		return nil, err
	}
	if err := sr.readLaps(s.Laps, driver); err != nil {
		return nil, err
	}
	if err := sr.readStintsAndPits(s.Stints, s.Pit, driver); err != nil {
		return nil, err
	}
	if err := sr.readPositions(s.Position, driver); err != nil {
		return nil, err
	}
	if err := sr.readIntervals(s.Intervals); err != nil {
		return nil, err
	}
	if err := sr.readResults(s.Results); err != nil {
		return nil, err
	}
	if err := sr.readWeather(s.Weather); err != nil {
		return nil, err
	}
	if err := sr.readLocations(s.Location); err != nil {
		return nil, err
	}
	if err := sr.readCarData(s.CarData); err != nil {
		return nil, err
	}
	if err := race.Check(); err != nil {
		return nil, fmt.Errorf("OpenF1 session %d: %w", s.Session.SessionKey, err)
	}
	return sr, nil
}

func (sr *sessionRace) readRaceControl(b []byte) error {
	return eachDated(b, "race_control", func(r of1RaceControl, ts int64) error {
		if strings.EqualFold(r.Category, "SessionStatus") && strings.EqualFold(r.Message, "SESSION STARTED") && sr.race.StartMs == 0 {
			sr.race.StartMs = ts
		}
		rc := f1.RaceControl{Ts: ts, RaceID: sr.race.RaceID, Message: r.Message}
		if r.DriverNumber != nil {
			rc.Driver = sr.codes[*r.DriverNumber] // "" for a number /drivers does not list
		}
		if r.LapNumber != nil {
			rc.Lap = *r.LapNumber
		}
		flag := ""
		if r.Flag != nil {
			flag = *r.Flag
		}
		rc.Type = raceControlType(r.Category, flag, r.Message)
		sr.rc = append(sr.rc, rc)
		return nil
	})
}
