package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// GET race/status: the current race, from Kafka alone (the plugin keeps no
// state, so every instance and every restart answers the same).
//
// The current race is the one of the latest command on f1-race-commands, or,
// with no command, the latest race on f1-race-control (a race started from
// the command line, or `producer serve --demo`). Its race-control events
// give the state:
//
//	idle         no race known
//	starting     a start command, no race-control event of it yet
//	not_started  the same, and the command is older than raceStartGrace:
//	             `producer serve` is probably not running
//	running      lights out and no finish yet
//	stopping     a stop command, no ABORTED yet
//	finished     the chequered flag (FINISH)
//	aborted      ABORTED (stopped)
//
// plus race_id, circuit, lap, total_laps, flag, elapsed_s and what the start
// command asked for.

// Race states.
const (
	raceIdle       = "idle"
	raceStarting   = "starting"
	raceNotStarted = "not_started"
	raceRunning    = "running"
	raceStopping   = "stopping"
	raceFinished   = "finished"
	raceAborted    = "aborted"
)

const (
	// raceStartGrace is how long a start command may go unanswered before
	// the status says the producer is not picking it up.
	raceStartGrace = 30 * time.Second
	// raceQuietWarn: a running race with no event for this long gets a hint.
	raceQuietWarn = 10 * time.Minute
	// raceCommandsScan is how many of the newest commands are read.
	raceCommandsScan = 64
	// raceEventsChunk and raceEventsMaxChunks bound the backwards scan of
	// f1-race-control for the current race's events.
	raceEventsChunk     = 2000
	raceEventsMaxChunks = 10
)

// raceStatusJSON is the answer of GET race/status (what the leaderboard
// panel's parseRaceStatus reads: running, state, race_id, circuit, lap,
// total_laps).
type raceStatusJSON struct {
	State          string   `json:"state"`
	Running        bool     `json:"running"`
	RaceID         string   `json:"race_id,omitempty"`
	Circuit        string   `json:"circuit,omitempty"`
	Lap            int      `json:"lap"`
	TotalLaps      int      `json:"total_laps,omitempty"`
	Flag           string   `json:"flag,omitempty"`
	ElapsedS       float64  `json:"elapsed_s,omitempty"`
	FastestDriver  string   `json:"fastest_driver,omitempty"`
	Drivers        []string `json:"drivers,omitempty"`
	Speed          *float64 `json:"speed,omitempty"`
	SelectedDriver string   `json:"selected_driver,omitempty"`
	Command        string   `json:"command,omitempty"`
	CommandTs      int64    `json:"command_ts,omitempty"`
	LastEventTs    int64    `json:"last_event_ts,omitempty"`
	Message        string   `json:"message,omitempty"`
	// Control says whether the caller may start and stop races (access.go),
	// so the panel can disable its buttons and say why.
	Control *raceControlJSON `json:"control,omitempty"`
}

// raceControlJSON is race/status's "control": {"allowed": false,
// "role": "Viewer", "reason": "race control needs the Editor role ..."}.
type raceControlJSON struct {
	Allowed bool   `json:"allowed"`
	Role    string `json:"role"`
	Reason  string `json:"reason,omitempty"`
}

func (d *Datasource) handleRaceStatus(w http.ResponseWriter, r *http.Request) {
	if st, ok := d.currentRace(w, r, "read the race status"); ok {
		user := backend.UserFromContext(r.Context())
		allowed, why := d.raceControl(user)
		st.Control = &raceControlJSON{Allowed: allowed, Role: roleOf(user), Reason: why}
		writeJSON(w, http.StatusOK, st)
	}
}

// currentRace is the race of raceStatus for a request, or false once it
// has answered the error (could not <what>).
func (d *Datasource) currentRace(w http.ResponseWriter, r *http.Request, what string) (raceStatusJSON, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*d.settings.Timeout)
	defer cancel()
	st, err := d.raceStatus(ctx)
	if err != nil {
		writeRaceError(w, what, err)
		return st, false
	}
	return st, true
}

// raceStatus works out the current race from the two topics.
func (d *Datasource) raceStatus(ctx context.Context) (raceStatusJSON, error) {
	now := time.Now()
	last, lastStart, err := d.latestCommands(ctx)
	if err != nil {
		return raceStatusJSON{}, err
	}
	raceID := ""
	switch {
	case last == nil:
	case last.RaceID != "":
		raceID = last.RaceID
	case lastStart != nil:
		raceID = lastStart.RaceID
	}
	events, latestRace, err := d.raceEvents(ctx, raceID)
	if err != nil {
		return raceStatusJSON{}, err
	}
	if raceID == "" {
		raceID = latestRace
	}
	st := raceStatusJSON{State: raceIdle, RaceID: raceID}
	if last != nil {
		st.Command, st.CommandTs = last.Command, last.Ts
	}
	if lastStart != nil && lastStart.RaceID == raceID {
		st.Circuit, st.TotalLaps, st.Drivers, st.SelectedDriver = lastStart.Circuit, lastStart.Laps, lastStart.Drivers, lastStart.SelectedDriver
		speed := lastStart.Speed
		st.Speed = &speed
		if c, err := f1.CircuitByName(lastStart.Circuit); err == nil && st.TotalLaps == 0 {
			st.TotalLaps = c.Laps
		}
	}
	if st.Circuit == "" && raceID != "" {
		st.Circuit = circuitOfRace(raceID)
	}
	stopped := last != nil && strings.EqualFold(last.Command, f1.CommandStop)
	if len(events) == 0 {
		switch {
		case raceID == "" || stopped || last == nil:
			st.State = raceIdle
		case now.Sub(time.UnixMilli(last.Ts)) < raceStartGrace:
			st.State, st.Running = raceStarting, true
		default:
			st.State = raceNotStarted
			st.Message = fmt.Sprintf("no race-control event of race %s since its start command %s ago: is `producer serve` running and reading %s?",
				raceID, now.Sub(time.UnixMilli(last.Ts)).Round(time.Second), f1.TopicRaceCommands)
		}
		return st, nil
	}
	events = lastRun(events)
	lb := f1.NewLeaderboard()
	for i := range events {
		lb.ApplyRaceControl(&events[i])
	}
	race := lb.Race()
	st.Lap, st.Flag, st.FastestDriver = race.Lap, race.Flag, race.FastestDriver
	if race.TotalLaps > 0 {
		st.TotalLaps = race.TotalLaps
	}
	st.ElapsedS = float64(int64(race.ElapsedS()*10)) / 10
	st.LastEventTs = events[len(events)-1].Ts
	switch {
	case race.Aborted:
		st.State = raceAborted
	case race.Finished:
		st.State = raceFinished
	case stopped:
		st.State = raceStopping
		if wait := now.Sub(time.UnixMilli(last.Ts)); wait > raceStartGrace {
			st.Message = fmt.Sprintf("no ABORTED event of race %s since its stop command %s ago: is `producer serve` running and reading %s?",
				raceID, wait.Round(time.Second), f1.TopicRaceCommands)
		}
	default:
		st.State, st.Running = raceRunning, true
		if quiet := now.Sub(time.UnixMilli(st.LastEventTs)); quiet > raceQuietWarn {
			st.Message = fmt.Sprintf("no race-control event for %s: is the producer still running?", quiet.Round(time.Minute))
		}
	}
	return st, nil
}

// lastRun is the events from the race's last lights out on: a race id run
// again (`producer serve --demo` restarted names its race after the circuit
// and seed) must not carry the earlier run's ABORTED or chequered flag.
func lastRun(events []f1.RaceControl) []f1.RaceControl {
	for i := len(events) - 1; i > 0; i-- {
		if events[i].Type == f1.EventLightsOut {
			return events[i:]
		}
	}
	return events
}

// circuitOfRace is the circuit key a race id starts with ("monza-42").
func circuitOfRace(raceID string) string {
	prefix, _, _ := strings.Cut(raceID, "-")
	if c, err := f1.CircuitByName(prefix); err == nil {
		return c.Key
	}
	return ""
}

// latestCommands reads the newest commands on f1-race-commands and returns
// the latest one and the latest start. A missing topic means no command.
func (d *Datasource) latestCommands(ctx context.Context) (last, lastStart *f1.RaceCommand, err error) {
	recs, err := d.tailRecords(ctx, f1.TopicRaceCommands, 0, raceCommandsScan)
	if err != nil || len(recs) == 0 {
		return nil, nil, err
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Timestamp.Before(recs[j].Timestamp) })
	for _, kr := range recs {
		c, err := f1wire.DecodeRaceCommand(kr.Value, kr.Timestamp)
		if err != nil {
			d.log.Debug("skipping a race command", "partition", kr.Partition, "offset", kr.Offset, "error", err)
			continue
		}
		if c.Command == "" {
			continue
		}
		last = &c
		if strings.EqualFold(c.Command, f1.CommandStart) {
			lastStart = &c
		}
	}
	return last, lastStart, nil
}

// raceEvents returns the race-control events of raceID in order, scanning
// f1-race-control back from its end until the race's lights out (or the
// start of the topic, or the scan bound). With raceID empty it is the race
// of the newest event, also returned as latestRace. A missing topic means no
// events.
func (d *Datasource) raceEvents(ctx context.Context, raceID string) (events []f1.RaceControl, latestRace string, err error) {
	dec := codec.NewDecoder(codec.FormatAuto, f1.TopicRaceControl, d.registry, d.limits)
	rd := f1wire.NewReader()
	var rec codec.Record
	skip := 0
	for chunk := 0; chunk < raceEventsMaxChunks; chunk++ {
		recs, err := d.tailRecords(ctx, f1.TopicRaceControl, skip, raceEventsChunk)
		if err != nil {
			return nil, "", err
		}
		if len(recs) == 0 {
			break
		}
		skip += raceEventsChunk
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].Timestamp.Before(recs[j].Timestamp) })
		var got []f1.RaceControl
		lightsOut := false
		for _, kr := range recs {
			if err := dec.Decode(ctx, kr.Value, &rec); err != nil {
				continue
			}
			var e f1.RaceControl
			if !rd.RaceControl(&rec, dec.Names(), kr.Timestamp, &e) {
				continue
			}
			if e.RaceID != "" {
				latestRace = e.RaceID
			}
			got = append(got, e)
		}
		if raceID == "" {
			raceID = latestRace
		}
		var mine []f1.RaceControl
		for _, e := range got {
			if e.RaceID == raceID {
				mine = append(mine, e)
				lightsOut = lightsOut || e.Type == f1.EventLightsOut
			}
		}
		events = append(mine, events...)
		if lightsOut || (len(mine) == 0 && len(events) > 0) {
			break // the race's start, or past its events
		}
	}
	return events, latestRace, nil
}

// tailRecords reads up to n records per partition of topic, ending skip
// records before each partition's end. A missing topic gives none.
func (d *Datasource) tailRecords(ctx context.Context, topic string, skip, n int) ([]*kgo.Record, error) {
	ranges, err := d.tailRanges(ctx, topic, skip, n)
	if errors.Is(err, kafka.ErrUnknownTopic) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*kgo.Record
	held := 0
	err = d.kafka.ReadRange(ctx, topic, ranges, func(r *kgo.Record) error {
		if len(r.Value) > maxStatusRecord {
			return nil // no command or race event is this large: hostile or foreign
		}
		if held += len(r.Key) + len(r.Value); held > maxStatusBytes {
			return errStatusBytes
		}
		out = append(out, r)
		return nil
	})
	if errors.Is(err, errStatusBytes) {
		d.log.Warn("race status read cut at its byte bound", "topic", topic, "records", len(out), "bound", maxStatusBytes)
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", topic, err)
	}
	return out, nil
}

// The race status holds the records it scans (they are sorted by time),
// so it bounds them by bytes as well as by count: a record larger than
// maxStatusRecord is skipped, and a scan stops once maxStatusBytes are held.
const (
	maxStatusRecord = 64 << 10
	maxStatusBytes  = 16 << 20
)

var errStatusBytes = errors.New("race status byte bound reached")
