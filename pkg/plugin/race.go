package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// Race control from Grafana (the leaderboard panel's buttons):
//
//	POST race/start  {"circuit": "monza", "laps": 10, "drivers": ["VER", "LEC"],
//	                  "speed": 1, "selectedDriver": "VER"}
//	                 drivers [] = the full grid, laps 0 = the circuit's distance,
//	                 speed 0 or "max" = as fast as possible, selectedDriver "" = none
//	POST race/stop   {} (stops the current race)
//	GET  race/status the current race (racestatus.go)
//
// start and stop produce an f1.RaceCommand as JSON (f1wire.RaceCommandJSON)
// to f1-race-commands (one partition, created when missing), keyed by race
// id, which `producer serve` reads (f1wire.DecodeRaceCommand). Both answer 202 with the race once the broker has the command: the
// race itself starts when the producer picks it up. Bad bodies get 400 and
// the reason; Kafka trouble 503 (unreachable) or 502, saying what failed.
// Both need the Editor role (or Viewer with viewersControlRace): 403
// otherwise, saying which role; and each may be sent once per writeEvery
// per datasource: 429 with Retry-After otherwise (access.go).

const (
	maxRaceLaps  = 100
	maxRaceSpeed = 1000
	maxRaceBody  = 16 << 10
)

// raceStartBody is the body of POST race/start (the panel's RaceStart).
type raceStartBody struct {
	Circuit        string          `json:"circuit"`
	Laps           json.Number     `json:"laps"`
	Drivers        []string        `json:"drivers"`
	Speed          json.RawMessage `json:"speed"`
	SelectedDriver string          `json:"selectedDriver"`
}

// raceAccepted is the answer to start and stop.
type raceAccepted struct {
	Command        string   `json:"command"`
	State          string   `json:"state"`
	Running        bool     `json:"running"`
	RaceID         string   `json:"race_id"`
	Circuit        string   `json:"circuit,omitempty"`
	TotalLaps      int      `json:"total_laps,omitempty"`
	Drivers        []string `json:"drivers,omitempty"`
	Speed          float64  `json:"speed,omitempty"`
	SelectedDriver string   `json:"selected_driver,omitempty"`
	Topic          string   `json:"topic"`
	Partition      int32    `json:"partition"`
	Offset         int64    `json:"offset"`
}

// parseRaceStart checks a start body and makes its command. Errors say what
// to fix.
func parseRaceStart(body []byte, now time.Time) (f1.RaceCommand, f1.Circuit, error) {
	var b raceStartBody
	var cmd f1.RaceCommand
	if len(bytes.TrimSpace(body)) == 0 {
		return cmd, f1.Circuit{}, errors.New(`the body is empty: send JSON {"circuit", "laps", "drivers", "speed", "selectedDriver"}`)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return cmd, f1.Circuit{}, fmt.Errorf(`the body is not a race start (JSON {"circuit", "laps", "drivers", "speed", "selectedDriver"}): %v`, err)
	}
	if dec.More() {
		return cmd, f1.Circuit{}, errors.New("the body has data after the JSON object")
	}
	if strings.TrimSpace(b.Circuit) == "" {
		return cmd, f1.Circuit{}, fmt.Errorf("circuit is empty: pick one of %s", strings.Join(f1.KnownCircuits(), ", "))
	}
	c, err := f1.CircuitByName(b.Circuit)
	if err != nil {
		return cmd, f1.Circuit{}, err
	}
	laps := 0
	if b.Laps != "" {
		n, err := strconv.ParseInt(string(b.Laps), 10, 64)
		if err != nil || n < 0 || n > maxRaceLaps {
			return cmd, c, fmt.Errorf("laps %s is not a whole number from 1 to %d (or 0 for %s's %d)", b.Laps, maxRaceLaps, c.Name, c.Laps)
		}
		laps = int(n)
	}
	var drivers []string
	seen := map[string]bool{}
	for _, d := range b.Drivers {
		code := strings.ToUpper(strings.TrimSpace(d))
		if _, ok := f1.DriverByCode(code); !ok {
			return cmd, c, fmt.Errorf("driver %q is not on the grid: use codes such as %s", d, strings.Join(f1.KnownCodes()[:5], ", "))
		}
		if !seen[code] {
			seen[code] = true
			drivers = append(drivers, code)
		}
	}
	speed, err := parseRaceSpeed(b.Speed)
	if err != nil {
		return cmd, c, err
	}
	sel := strings.ToUpper(strings.TrimSpace(b.SelectedDriver))
	if sel != "" {
		if _, ok := f1.DriverByCode(sel); !ok {
			return cmd, c, fmt.Errorf("selectedDriver %q is not on the grid", b.SelectedDriver)
		}
		if len(drivers) > 0 && !seen[sel] {
			return cmd, c, fmt.Errorf("selectedDriver %s is not among the drivers of the race (%s)", sel, strings.Join(drivers, ", "))
		}
	}
	cmd = f1.RaceCommand{Ts: now.UnixMilli(), RaceID: fmt.Sprintf("%s-%d", c.Key, now.UnixMilli()), Command: f1.CommandStart,
		Circuit: c.Key, Laps: laps, Drivers: drivers, Speed: speed, SelectedDriver: sel}
	return cmd, c, nil
}

// parseRaceSpeed reads speed: a factor > 0, 0 or "max" (as fast as
// possible), absent (real time).
func parseRaceSpeed(raw json.RawMessage) (float64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 1, nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = strings.ToLower(strings.TrimSpace(unq))
		if s == "max" {
			return 0, nil
		}
		s = strings.TrimSuffix(s, "x")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0 && v <= maxRaceSpeed) { // NaN fails both; Inf the bound
		return 0, fmt.Errorf("speed %s is not a factor from 0 to %d (1 = real time, 0 or \"max\" = as fast as possible)", raw, maxRaceSpeed)
	}
	return v, nil
}

func (d *Datasource) handleRaceStart(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil || len(body) > maxRaceBody {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("the body could not be read or is over %d bytes", maxRaceBody)})
		return
	}
	cmd, c, err := parseRaceStart(body, time.Now())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if !d.allowWrite(w, "race/start") {
		return
	}
	part, off, err := d.sendRaceCommand(r.Context(), &cmd)
	if err != nil {
		writeRaceError(w, "start the race", err)
		return
	}
	d.log.Info("race start command sent", "race", cmd.RaceID, "circuit", cmd.Circuit, "laps", cmd.Laps, "drivers", len(cmd.Drivers), "speed", cmd.Speed)
	total := cmd.Laps
	if total == 0 {
		total = c.Laps
	}
	writeJSON(w, http.StatusAccepted, raceAccepted{Command: cmd.Command, State: raceStarting, Running: true, RaceID: cmd.RaceID,
		Circuit: cmd.Circuit, TotalLaps: total, Drivers: cmd.Drivers, Speed: cmd.Speed, SelectedDriver: cmd.SelectedDriver,
		Topic: f1.TopicRaceCommands, Partition: part, Offset: off})
}

// handleRaceStop stops the current race: the one of the latest command, else
// the latest race on f1-race-control. With none known the stop names no race,
// which `producer serve` takes as "whatever is running".
func (d *Datasource) handleRaceStop(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(r)
	if s := bytes.TrimSpace(body); len(s) > 0 {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(s, &v); err != nil || len(v) > 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "race/stop takes an empty body ({})"})
			return
		}
	}
	if !d.allowWrite(w, "race/stop") {
		return
	}
	st, ok := d.currentRace(w, r, "find the race to stop")
	if !ok {
		return
	}
	cmd := f1.RaceCommand{Ts: time.Now().UnixMilli(), RaceID: st.RaceID, Command: f1.CommandStop}
	if f1wire.CheckRaceID(cmd.RaceID) != nil {
		cmd.RaceID = "" // a hostile id on the topic: stop whatever runs
	}
	part, off, err := d.sendRaceCommand(r.Context(), &cmd)
	if err != nil {
		writeRaceError(w, "stop the race", err)
		return
	}
	d.log.Info("race stop command sent", "race", cmd.RaceID)
	writeJSON(w, http.StatusAccepted, raceAccepted{Command: cmd.Command, State: raceStopping, RaceID: cmd.RaceID, Circuit: st.Circuit,
		TotalLaps: st.TotalLaps, Topic: f1.TopicRaceCommands, Partition: part, Offset: off})
}

// readBody reads a resource call's body, at most maxRaceBody+1 bytes (the
// SDK's adapter leaves Body nil when there is none).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, maxRaceBody+1))
}

// sendRaceCommand makes sure f1-race-commands exists and produces cmd to it.
// cmd was checked before (parseRaceStart): nothing is created for a command
// that is refused.
func (d *Datasource) sendRaceCommand(ctx context.Context, cmd *f1.RaceCommand) (int32, int64, error) {
	v := f1wire.RaceCommandJSON(nil, cmd)
	ctx, cancel := context.WithTimeout(ctx, 2*d.settings.Timeout)
	defer cancel()
	if _, err := d.kafka.EnsureTopic(ctx, f1.TopicRaceCommands, 1); err != nil {
		return 0, 0, err
	}
	return d.kafka.Produce(ctx, f1.TopicRaceCommands, []byte(cmd.RaceID), v, time.UnixMilli(cmd.Ts))
}

// writeRaceError answers a Kafka failure: 503 when Kafka cannot be reached
// or does not answer (try again later), 502 for anything else the broker
// did (credentials included: a 401 would make Grafana's frontend think the
// user's own session ended).
func writeRaceError(w http.ResponseWriter, what string, err error) {
	status := http.StatusBadGateway
	switch {
	case errors.Is(err, kafka.ErrCanceled):
		status = int(statusClientClosed) // the caller went away: not a Kafka fault
	case errors.Is(err, kafka.ErrUnreachable) || errors.Is(err, kafka.ErrTimeout) || errors.Is(err, context.DeadlineExceeded):
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf("could not %s: %v", what, err)})
}
