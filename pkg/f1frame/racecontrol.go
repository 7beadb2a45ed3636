package f1frame

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// raceControl is the RaceControl query type.
//
// Default frame (and ViewLogs): the logs frame "race_control" (see
// logsFrame; the log level is warning for yellow flags, safety cars and
// VSCs, error for a red flag, critical for an aborted race, else info) with
// the columns type, driver, lap, total_laps, flag (the flag state the event
// sets, if any) and race_id. ViewAnnotations: time, title, text, tags (type,
// driver, flag), without timeEnd (race events are instants).
//
// Live: the new events since the last push, in the same logs layout.
//
// The driver filter leaves out only driver events (PIT, FASTEST_LAP and
// unknown types that name a driver); race-wide events always stay.
type raceControl struct {
	noInput
	e   *env
	evs []f1.RaceControl // Live: those not pushed yet
}

func newRaceControl(e *env) impl { return &raceControl{e: e} }

func (r *raceControl) raceControl(rc *f1.RaceControl) {
	if rc.Ts == 0 {
		r.e.stats.Invalid++
		return
	}
	if rc.Driver != "" && driverEvent(rc.Type) && !r.e.filter.has(rc.Driver) {
		r.e.stats.Filtered++
		return
	}
	r.evs = append(r.evs, *rc)
}

// driverEvent reports whether an event type concerns one driver only.
func driverEvent(typ string) bool {
	switch typ {
	case f1.EventLightsOut, f1.EventLap, f1.EventFlag, f1.EventSafetyCar, f1.EventVSC, f1.EventFinish, f1.EventAborted:
		return false
	}
	return true
}

func (r *raceControl) frames() data.Frames {
	if r.e.opts.Live {
		// The first frame of a stream: what came so far, then only news.
		f := r.logs(r.sorted())
		r.evs = r.evs[:0]
		return data.Frames{f}
	}
	if r.e.opts.View == ViewAnnotations {
		return data.Frames{annotationFrame(r.rows(r.sorted()))}
	}
	return data.Frames{r.logs(r.sorted())}
}

func (r *raceControl) flush() *data.Frame {
	if len(r.evs) == 0 {
		return nil
	}
	// A Live stream keeps no history: the panel holds it.
	f := r.logs(r.sorted())
	r.evs = r.evs[:0]
	return f
}

func (r *raceControl) sorted() []f1.RaceControl {
	out := slices.Clone(r.evs)
	slices.SortStableFunc(out, func(a, b f1.RaceControl) int { return cmp.Compare(a.Ts, b.Ts) })
	return out
}

func (r *raceControl) rows(evs []f1.RaceControl) []eventRow {
	rows := make([]eventRow, len(evs))
	for i := range evs {
		rc := &evs[i]
		flag, _ := f1.FlagOf(rc)
		tags := []string{rc.Type}
		labels := []kv{{"type", rc.Type}}
		if rc.Driver != "" {
			tags = append(tags, rc.Driver)
			labels = append(labels, kv{"driver", rc.Driver})
		}
		if flag != "" {
			tags = append(tags, flag)
			labels = append(labels, kv{"flag", flag})
		}
		if rc.Lap > 0 {
			labels = append(labels, kv{"lap", strconv.Itoa(rc.Lap)})
		}
		if rc.RaceID != "" {
			labels = append(labels, kv{"race_id", rc.RaceID})
		}
		title := rcTitle(rc, flag)
		text := rc.Message
		if text == "" {
			text = title
		}
		rows[i] = eventRow{start: rc.Ts, title: title, text: text, level: rcLevel(rc, flag), tags: tags, labels: labels}
	}
	return rows
}

func (r *raceControl) logs(evs []f1.RaceControl) *data.Frame {
	f := logsFrame("race_control", r.rows(evs))
	f.Fields = append(f.Fields,
		perEvent("type", evs, func(rc *f1.RaceControl) string { return rc.Type }),
		perEvent("driver", evs, func(rc *f1.RaceControl) string { return rc.Driver }),
		perEvent("lap", evs, func(rc *f1.RaceControl) int64 { return int64(rc.Lap) }),
		perEvent("total_laps", evs, func(rc *f1.RaceControl) int64 { return int64(rc.TotalLaps) }),
		perEvent("flag", evs, func(rc *f1.RaceControl) string { flag, _ := f1.FlagOf(rc); return flag }),
		perEvent("race_id", evs, func(rc *f1.RaceControl) string { return rc.RaceID }),
	)
	return f
}

// rcTitle is a short annotation title for a race event.
func rcTitle(rc *f1.RaceControl, flag string) string {
	withDriver := func(s string) string {
		if rc.Driver == "" {
			return s
		}
		return rc.Driver + " " + s
	}
	switch rc.Type {
	case f1.EventLightsOut:
		return "Lights out"
	case f1.EventLap:
		if rc.TotalLaps > 0 {
			return "Lap " + strconv.Itoa(rc.Lap) + "/" + strconv.Itoa(rc.TotalLaps)
		}
		return "Lap " + strconv.Itoa(rc.Lap)
	case f1.EventFlag:
		if flag != "" {
			return flag + " flag"
		}
		return "Flag"
	case f1.EventSafetyCar:
		if flag == f1.FlagGreen {
			return "Safety car ending"
		}
		return "Safety car"
	case f1.EventVSC:
		if flag == f1.FlagGreen {
			return "Virtual safety car ending"
		}
		return "Virtual safety car"
	case f1.EventPit:
		return withDriver("pit stop")
	case f1.EventFastestLap:
		return withDriver("fastest lap")
	case f1.EventFinish:
		return "Chequered flag"
	case f1.EventAborted:
		return "Race aborted"
	}
	if rc.Type == "" {
		return withDriver("race control")
	}
	return withDriver(rc.Type)
}

// rcLevel is the log level of a race event.
func rcLevel(rc *f1.RaceControl, flag string) string {
	if rc.Type == f1.EventAborted {
		return levelCritical
	}
	switch flag {
	case f1.FlagRed:
		return levelError
	case f1.FlagYellow, f1.FlagSC, f1.FlagVSC:
		return levelWarning
	}
	return levelInfo
}
