package predict

import (
	"math"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// lifeShare is the prior stint length of each compound as a share of the
// race distance. Races are planned around one or two stops and the rule
// that a dry race uses two dry compounds, so a hard stint is about half a
// race and longer than a medium, a soft about a third. Strategy folklore,
// not fitted to any race.
var lifeShare = map[string]float64{
	f1.TyreSoft:         0.30,
	f1.TyreMedium:       0.40,
	f1.TyreHard:         0.55,
	f1.TyreIntermediate: 0.50,
	f1.TyreWet:          0.50,
}

// expectedLife is the prior stint length of compound c in a race of total
// laps: its share of the race distance.
func expectedLife(c string, total int) float64 {
	share, ok := lifeShare[c]
	if !ok {
		share = lifeShare[f1.TyreMedium]
	}
	return math.Max(5, share*float64(max(total, 1)))
}

// stintEnd is a finished stint: its compound and its length.
type stintEnd struct {
	compound string
	age      int
}

// maxStintEnds bounds the stints a Predictor remembers: 30 cars × 10 stops.
const maxStintEnds = 300

// field is what this race has shown of one compound so far: the lengths
// of the stints on it that ended in a stop, and the tyre ages of the other
// cars still out on it.
type field struct {
	ended, running []int
}

// fieldOf gathers the field of compound c, leaving car self out.
func (p *Predictor) fieldOf(c, self string) field {
	var f field
	for _, e := range p.ended {
		if e.compound == c {
			f.ended = append(f.ended, e.age)
		}
	}
	for code, d := range p.drivers {
		if code != self && !d.finished && d.tyre == c {
			f.running = append(f.running, d.age)
		}
	}
	return f
}

// share is the share of the stints on the compound that had ended by tyre
// age a: completed stints of age ≤ a over completed stints plus the cars
// now on it whose set is at least a laps old (a Kaplan-Meier-like estimate
// that counts a car still out as evidence the compound lasts). It learns
// what the compound allows at this circuit on this day. The count is
// shrunk towards 0 with two pseudo-stints, so a handful of early stops
// does not read as the whole field. ended is how many stints it counted as
// ended, known how many in all.
func (f *field) share(a int) (share float64, ended, known int) {
	for _, age := range f.ended {
		known++
		if age <= a {
			ended++
		}
	}
	for _, age := range f.running {
		if age >= a {
			known++
		}
	}
	return float64(ended) / float64(known+2), ended, known
}

// hazard is the rate at which the stints on the compound ended around tyre
// age a: stints that ended at ages a−1..a+1 over three times the stints
// that reached age a−1 (ended later, or cars still out at that age or
// older), with one pseudo-stint that did not end. It is the pit window the
// field has shown: high where many cars stopped.
func (f *field) hazard(a int) float64 {
	ended, atRisk := 0, 0
	for _, age := range f.ended {
		if age < a-1 {
			continue
		}
		atRisk++
		if age <= a+1 {
			ended++
		}
	}
	for _, age := range f.running {
		if age >= a-1 {
			atRisk++
		}
	}
	return float64(ended) / float64(3*atRisk+1)
}

// dry reports whether c is a dry-weather compound (the two-compound rule
// counts only those).
func dry(c string) bool { return c == f1.TyreSoft || c == f1.TyreMedium || c == f1.TyreHard }
