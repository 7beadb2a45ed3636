package f1

import "fmt"

// Event is a detected condition with a duration — a wheel spin or a gear
// anomaly — from its first to its last sample. It is what an annotation with
// time and timeEnd shows. The onset Alert of the same condition has Ts equal
// to StartTs.
type Event struct {
	RaceID   string
	Driver   string
	Kind     string // AlertWheelSpin or AlertGearAnomaly
	Anomaly  string // for AlertGearAnomaly: AnomalyLugging, AnomalyOverRev, ...
	Severity string
	StartTs  int64 // ms, first sample in the condition
	EndTs    int64 // ms, last sample in the condition
	// Peak is the most telling value: slip % (spin), rpm (over-rev; the
	// lowest rpm for lugging), the implied gear (mismatch) or the gear
	// reached (upshift skip).
	Peak      float64
	Gear      int     // reported gear at the peak
	OtherGear int     // implied gear (mismatch) or the gear before an upshift skip
	SpeedKph  float64 // at the peak
	RPM       float64 // at the peak
	Samples   int
}

// Title is a short annotation title such as "VER wheel spin".
func (e Event) Title() string {
	if e.Kind == AlertGearAnomaly && e.Anomaly != "" {
		return e.Driver + " " + anomalyLabel(e.Anomaly)
	}
	return e.Driver + " " + kindLabel(e.Kind)
}

// Message is a human sentence describing the event.
func (e Event) Message() string {
	switch {
	case e.Kind == AlertWheelSpin:
		return spinMessage(e.Driver, e.Peak, e.Gear, e.SpeedKph)
	case e.Anomaly == AnomalyOverRev:
		return fmt.Sprintf("%s over-rev: %.0f rpm in gear %d at %.0f km/h", e.Driver, e.RPM, e.Gear, e.SpeedKph)
	case e.Anomaly == AnomalyLugging:
		return fmt.Sprintf("%s lugging: %.0f rpm at full throttle in gear %d (%.0f km/h)", e.Driver, e.RPM, e.Gear, e.SpeedKph)
	case e.Anomaly == AnomalyGearMismatch:
		return fmt.Sprintf("%s gear mismatch: gear %d reported, but %.0f km/h at %.0f rpm means gear %d",
			e.Driver, e.Gear, e.SpeedKph, e.RPM, e.OtherGear)
	case e.Anomaly == AnomalyUpshiftSkip:
		return fmt.Sprintf("%s upshift skipped a gear: %d to %d at %.0f km/h", e.Driver, e.OtherGear, e.Gear, e.SpeedKph)
	}
	return e.Driver + " " + e.Kind
}

// Alert is the onset alert of the event (Ts = StartTs).
func (e Event) Alert() Alert {
	return Alert{
		Ts: e.StartTs, RaceID: e.RaceID, Driver: e.Driver, Severity: e.Severity,
		Kind: e.Kind, Value: e.Peak, Message: e.Message(),
	}
}

// DurationMs is EndTs − StartTs.
func (e Event) DurationMs() int64 { return e.EndTs - e.StartTs }

func spinMessage(driver string, peak float64, gear int, speed float64) string {
	return fmt.Sprintf("%s wheel spin: %.1f %% slip in gear %d at %.0f km/h", driver, peak, gear, speed)
}

func kindLabel(kind string) string {
	switch kind {
	case AlertWheelSpin:
		return "wheel spin"
	case AlertGearAnomaly:
		return "gear anomaly"
	case AlertBrakeTemp:
		return "brake temperature"
	case AlertOverspeed:
		return "overspeed"
	case AlertDRS:
		return "DRS"
	}
	return kind
}

func anomalyLabel(name string) string {
	switch name {
	case AnomalyLugging:
		return "lugging"
	case AnomalyOverRev:
		return "over-rev"
	case AnomalyGearMismatch:
		return "gear mismatch"
	case AnomalyUpshiftSkip:
		return "upshift skip"
	}
	return name
}

// maxPendingEvents bounds the events an Analyzer holds between two calls of
// Events; older ones are dropped and counted (DroppedEvents).
const maxPendingEvents = 4096

// record keeps a finished event until the caller collects it.
func (a *Analyzer) record(e Event) {
	if len(a.events) >= maxPendingEvents {
		n := copy(a.events, a.events[1:])
		a.events = a.events[:n]
		a.dropped++
	}
	a.events = append(a.events, e)
}

// Events appends to dst the events that ended since the last call, in the
// order they ended, and forgets them. Call it after Observe (live) or after
// Flush (time range).
func (a *Analyzer) Events(dst []Event) []Event {
	dst = append(dst, a.events...)
	a.events = a.events[:0]
	return dst
}

// Flush ends every open spin or anomaly run, as if the data stopped here,
// so that Events returns them too. Use it at the end of a time range.
func (a *Analyzer) Flush() {
	for _, s := range a.order {
		a.closeRuns(s)
	}
}

// closeRuns ends one driver's open runs.
func (a *Analyzer) closeRuns(s *driverState) {
	a.endSpin(s)
	a.endAnomaly(s, &s.anom.rev, AnomalyOverRev)
	a.endAnomaly(s, &s.anom.mm, AnomalyGearMismatch)
	a.endAnomaly(s, &s.anom.lug, AnomalyLugging)
}

// DroppedEvents is how many events were dropped because Events was not
// called for more than maxPendingEvents events.
func (a *Analyzer) DroppedEvents() int64 { return a.dropped }
