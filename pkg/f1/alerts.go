package f1

import (
	"fmt"
	"slices"
	"strings"
)

// Alert rules. Each alert fires on the transition into its condition, not
// on every sample: overspeed and brake temperature re-arm only after the
// value drops a hysteresis below the threshold, and two alerts of one kind
// for one driver are at least Rules.CooldownMs apart (DRS excepted: every
// open and close is one alert).

// alertSlot indexes the per-driver cooldown clock of each alert kind.
const (
	slotOverspeed = iota
	slotBrakeTemp
	slotSpin
	slotLugging
	slotOverRev
	slotMismatch
	slotUpshiftSkip
	slotDRS
	numSlots
)

func alertSlot(kind, anomaly string) int {
	switch kind {
	case AlertOverspeed:
		return slotOverspeed
	case AlertBrakeTemp:
		return slotBrakeTemp
	case AlertWheelSpin:
		return slotSpin
	case AlertDRS:
		return slotDRS
	}
	switch anomaly {
	case AnomalyLugging:
		return slotLugging
	case AnomalyOverRev:
		return slotOverRev
	case AnomalyGearMismatch:
		return slotMismatch
	}
	return slotUpshiftSkip
}

// alertState is one driver's alert memory.
type alertState struct {
	overspeedArmed bool
	drsOpen        bool
	brakeLevel     int // 0 ok, 1 medium, 2 high
	lastTs         [numSlots]int64
	fired          [numSlots]bool
	firedRank      [numSlots]uint8 // severity rank of the last alert fired in the slot
}

// SeverityRank orders severities, low (and unknown) 1, medium 2, high 3:
// an escalation passes a cooldown, and a query may ask for a minimum.
func SeverityRank(sev string) uint8 {
	switch sev {
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	}
	return 1
}

func newAlertState() alertState { return alertState{overspeedArmed: true} }

// DRSOpen reports whether a FastF1 DRS code means the flap is open
// (10, 12, 14; any code of 10 or more is treated as open). 0, 1 and 8
// (off, eligible) are closed.
func DRSOpen(code int) bool { return code >= 10 }

// raise appends an alert unless the kind's cooldown for this driver has not
// passed. DRS alerts have no cooldown, and an escalation (a higher severity
// than the last alert of the kind, such as brake temperature going from
// medium to high) is never held back by it.
func (a *Analyzer) raise(s *driverState, out []Alert, kind, anomaly string, ts int64, severity string,
	value float64, msg string) []Alert {
	slot := alertSlot(kind, anomaly)
	st := &s.alert
	rank := SeverityRank(severity)
	if slot != slotDRS && st.fired[slot] && rank <= st.firedRank[slot] &&
		ts-st.lastTs[slot] < a.rules.CooldownMs && ts >= st.lastTs[slot] {
		a.suppressed++
		return out
	}
	st.fired[slot], st.lastTs[slot], st.firedRank[slot] = true, ts, rank
	return append(out, Alert{Ts: ts, RaceID: s.raceID, Driver: s.driver, Severity: severity,
		Kind: kind, Value: value, Message: msg})
}

// checkAlerts runs the sample rules: overspeed, DRS and brake temperature.
func (a *Analyzer) checkAlerts(s *driverState, t *Telemetry, out []Alert) []Alert {
	r := &a.rules
	st := &s.alert

	if t.SpeedKph > r.OverspeedKph {
		if st.overspeedArmed {
			st.overspeedArmed = false
			out = a.raise(s, out, AlertOverspeed, "", t.Ts, SeverityMedium, t.SpeedKph,
				fmt.Sprintf("%s overspeed: %.0f km/h (limit %.0f)", s.driver, t.SpeedKph, r.OverspeedKph))
		}
	} else if t.SpeedKph < r.OverspeedKph-r.HysteresisKph {
		st.overspeedArmed = true
	}

	if open := DRSOpen(t.DRS); open != st.drsOpen {
		st.drsOpen = open
		msg := s.driver + " DRS closed"
		if open {
			msg = s.driver + " DRS opened"
		}
		out = a.raise(s, out, AlertDRS, "", t.Ts, SeverityLow, float64(t.DRS), msg)
	}

	if t.BrakeTempC > 0 {
		level := 0
		switch {
		case t.BrakeTempC > r.BrakeTempHighC:
			level = 2
		case t.BrakeTempC > r.BrakeTempMediumC:
			level = 1
		}
		if level > st.brakeLevel {
			st.brakeLevel = level
			sev, limit := SeverityMedium, r.BrakeTempMediumC
			if level == 2 {
				sev, limit = SeverityHigh, r.BrakeTempHighC
			}
			out = a.raise(s, out, AlertBrakeTemp, "", t.Ts, sev, t.BrakeTempC,
				fmt.Sprintf("%s brake temperature %.0f °C (above %.0f °C)", s.driver, t.BrakeTempC, limit))
		} else {
			// Step down only once clearly below the level's threshold.
			for st.brakeLevel > 0 {
				limit := r.BrakeTempMediumC
				if st.brakeLevel == 2 {
					limit = r.BrakeTempHighC
				}
				if t.BrakeTempC >= limit-r.HysteresisC {
					break
				}
				st.brakeLevel--
			}
		}
	}
	return out
}

// alertClass splits alerts of one kind that are different things: a DRS
// opening is not a duplicate of a DRS closing.
func alertClass(x *Alert) int {
	if x.Kind == AlertDRS && DRSOpen(int(x.Value)) {
		return 1
	}
	return 0
}

// SameAlert is the one rule for a duplicate alert: the same driver, kind
// and severity, for DRS the same open/closed state, the same race id when
// both have one, and timestamps at most windowMs apart. MergeAlerts (a
// time range) and pkg/f1frame's live alerts both drop duplicates by it.
func SameAlert(x, y *Alert, windowMs int64) bool {
	d := x.Ts - y.Ts
	if d < 0 {
		d = -d
	}
	return d <= windowMs && x.Driver == y.Driver && x.Kind == y.Kind && x.Severity == y.Severity &&
		alertClass(x) == alertClass(y) && (x.RaceID == "" || y.RaceID == "" || x.RaceID == y.RaceID)
}

// MergeAlerts merges the alerts already on f1-alerts (stored) with alerts
// derived from telemetry (derived), dropping a derived alert that is the
// SameAlert as a stored one. Duplicates inside stored are kept (they are
// what the topic holds); duplicates inside derived are also dropped. The
// result is a new slice sorted by ts (stable: stored before derived on a
// tie). Neither input is modified.
func MergeAlerts(stored, derived []Alert, windowMs int64) []Alert {
	if windowMs < 0 {
		windowMs = 0
	}
	out := make([]Alert, 0, len(stored)+len(derived))
	out = append(out, stored...)
	// keep holds indexes into out of kept alerts, sorted by (driver, kind, ts).
	keep := make([]int, len(stored))
	for i := range keep {
		keep[i] = i
	}
	cmpKey := func(x, y *Alert) int {
		if c := strings.Compare(x.Driver, y.Driver); c != 0 {
			return c
		}
		if c := strings.Compare(x.Kind, y.Kind); c != 0 {
			return c
		}
		if c := strings.Compare(x.Severity, y.Severity); c != 0 {
			return c
		}
		if c := alertClass(x) - alertClass(y); c != 0 {
			return c
		}
		switch {
		case x.Ts < y.Ts:
			return -1
		case x.Ts > y.Ts:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(keep, func(i, j int) int { return cmpKey(&out[i], &out[j]) })
	for i := range derived {
		d := &derived[i]
		if isDuplicate(out, keep, d, windowMs, cmpKey) {
			continue
		}
		out = append(out, *d)
		pos, _ := slices.BinarySearchFunc(keep, d, func(k int, t *Alert) int { return cmpKey(&out[k], t) })
		keep = slices.Insert(keep, pos, len(out)-1)
	}
	slices.SortStableFunc(out, func(x, y Alert) int {
		switch {
		case x.Ts < y.Ts:
			return -1
		case x.Ts > y.Ts:
			return 1
		}
		return 0
	})
	return out
}

// isDuplicate looks, among kept alerts (sorted by cmpKey) from d's driver,
// kind, severity and class windowMs before d on, for the SameAlert as d.
func isDuplicate(out []Alert, keep []int, d *Alert, windowMs int64, cmpKey func(x, y *Alert) int) bool {
	lo := *d
	lo.Ts = d.Ts - windowMs
	i, _ := slices.BinarySearchFunc(keep, &lo, func(k int, t *Alert) int { return cmpKey(&out[k], t) })
	for ; i < len(keep); i++ {
		k := &out[keep[i]]
		if k.Driver != d.Driver || k.Kind != d.Kind || k.Severity != d.Severity ||
			alertClass(k) != alertClass(d) || k.Ts > d.Ts+windowMs {
			return false
		}
		if SameAlert(k, d, windowMs) {
			return true
		}
	}
	return false
}
