package f1

import (
	"regexp"
	"strconv"
	"strings"
)

// Race flag states of the leaderboard.
const (
	FlagGreen     = "GREEN"
	FlagYellow    = "YELLOW"
	FlagSC        = "SC"
	FlagVSC       = "VSC"
	FlagRed       = "RED"
	FlagChequered = "CHEQUERED"
)

// FlagOf is the race flag state a race-control event sets, if any:
//   - LIGHTS_OUT: GREEN; FINISH: CHEQUERED; ABORTED: RED.
//   - SAFETY_CAR / VSC: SC / VSC, or GREEN when the message says it ends
//     ("ENDING", "ENDED", "END", "WITHDRAWN"); "IN THIS LAP" keeps SC.
//   - FLAG: from the words of the message — CHEQUERED, RED, YELLOW (also
//     DOUBLE YELLOW), GREEN or CLEAR. Other flags (BLUE, BLACK AND WHITE)
//     set nothing.
//
// Words are matched whole and case-insensitively ("CLEARED" is not "RED").
func FlagOf(rc *RaceControl) (string, bool) {
	switch rc.Type {
	case EventLightsOut:
		return FlagGreen, true
	case EventFinish:
		return FlagChequered, true
	case EventAborted:
		return FlagRed, true
	case EventSafetyCar, EventVSC:
		w := words(rc.Message)
		if w["ENDING"] || w["ENDED"] || w["END"] || w["WITHDRAWN"] {
			return FlagGreen, true
		}
		if rc.Type == EventVSC {
			return FlagVSC, true
		}
		return FlagSC, true
	case EventFlag:
		w := words(rc.Message)
		switch {
		case w["CHEQUERED"] || w["CHECKERED"]:
			return FlagChequered, true
		case w["RED"]:
			return FlagRed, true
		case w["YELLOW"]:
			return FlagYellow, true
		case w["GREEN"] || w["CLEAR"]:
			return FlagGreen, true
		}
	}
	return "", false
}

// words is the set of upper-cased words of s (letters and digits).
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		out[w] = true
	}
	return out
}

// Penalty is a time penalty announced by race control.
type Penalty struct {
	Driver  string  // three-letter code
	Seconds float64 // added time
	Ts      int64   // when it was announced
	Served  bool    // the message says it was served
}

var penaltyRE = regexp.MustCompile(`(?i)\b(\d+)\s*(?:SECOND|SEC|S)\s+(?:TIME\s+)?PENALTY\s+FOR\s+CAR\s+(\d+)(?:\s*\(([A-Z]{3})\))?`)

// PenaltyOf reads a time penalty from a race-control message in the
// stewards' wording, e.g. "FIA STEWARDS: 5 SECOND TIME PENALTY FOR CAR 3
// (RIC) - FORCING ANOTHER CAR OFF THE TRACK", whatever the event type. The
// driver comes from the code in brackets, else the car number (2024 grid),
// else the event's driver. A message with the word SERVED marks the penalty
// served. Drive-throughs and stop-go penalties are not time penalties.
func PenaltyOf(rc *RaceControl) (Penalty, bool) {
	m := penaltyRE.FindStringSubmatch(rc.Message)
	if m == nil {
		return Penalty{}, false
	}
	secs, err := strconv.ParseFloat(m[1], 64)
	if err != nil || secs <= 0 {
		return Penalty{}, false
	}
	code := strings.ToUpper(m[3])
	if code == "" {
		if n, err := strconv.Atoi(m[2]); err == nil {
			if d, ok := DriverByNumber(n); ok {
				code = d.Code
			}
		}
	}
	if code == "" {
		code = rc.Driver
	}
	if code == "" {
		return Penalty{}, false
	}
	return Penalty{Driver: code, Seconds: secs, Ts: rc.Ts, Served: words(rc.Message)["SERVED"]}, true
}
