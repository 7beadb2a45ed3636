package predict

import (
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Stop is a real pit stop: the driver's in-lap (the lap that ended in the
// pit lane).
type Stop struct {
	Driver string
	InLap  int
}

// StopsFrom finds the stops in a race's timing records: a driver's stop
// count rises between the record of one completed lap and the next, so the
// earlier lap was the in-lap. A car that retires in the pit lane never
// shows a higher count and is not a stop. Records need not be sorted.
func StopsFrom(positions []f1.Position) []Stop {
	type lapEnd struct{ lap, stops int }
	by := map[string][]lapEnd{}
	for i := range positions {
		p := &positions[i]
		if p.Status == f1.StatusFinished {
			continue
		}
		by[p.Driver] = append(by[p.Driver], lapEnd{p.Lap, p.PitStops})
	}
	var out []Stop
	for d, ls := range by {
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].lap < ls[j].lap })
		// the first record of each lap is its end; later ones of the same lap are updates
		prevLap, prevStops := -1, -1
		for _, l := range ls {
			if l.lap == prevLap {
				continue
			}
			if prevLap >= 0 && l.stops > prevStops {
				out = append(out, Stop{Driver: d, InLap: prevLap})
			}
			prevLap, prevStops = l.lap, l.stops
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].InLap != out[j].InLap {
			return out[i].InLap < out[j].InLap
		}
		return out[i].Driver < out[j].Driver
	})
	return out
}

// Score is how well pit-window predictions did against the real stops.
type Score struct {
	// Brier is the mean squared error of the probability per horizon (0 is
	// perfect; always saying the base rate scores base·(1−base)), over N
	// predictions.
	Brier map[int]float64
	N     map[int]int
	// BaseRate is the share of predictions whose horizon held a stop.
	BaseRate map[int]float64
	// Stops is the number of real stops; Flagged how many of them had a
	// "within 3 laps" probability ≥ FlagAt on one of the three laps before
	// the in-lap (so at least one lap ahead).
	Stops, Flagged int
	// Alarms is how many "within 3 laps" predictions were ≥ FlagAt, and
	// TrueAlarms how many of those had a stop within the 3 laps.
	Alarms, TrueAlarms int
	// AUC is the chance that a "within 3 laps" prediction followed by a
	// stop is higher than one that is not (0.5 is no skill, ties count
	// half): discrimination, whatever the calibration.
	AUC float64
	// Reliability is, per tenth of probability (0-0.1, ..., 0.9-1), how many
	// "within 3 laps" predictions fell in it and how many of those had a
	// stop: calibration at a glance.
	Reliability [10][2]int
}

// FlagAt is the probability from which a "within 3 laps" prediction counts
// as flagging a stop.
const FlagAt = 0.5

// FlaggedShare is Flagged/Stops.
func (s Score) FlaggedShare() float64 { return ratio(s.Flagged, s.Stops) }

// Precision is TrueAlarms/Alarms.
func (s Score) Precision() float64 { return ratio(s.TrueAlarms, s.Alarms) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ScorePitWindow scores pit-window predictions against stops. Predictions
// made on an in-lap are left out (the stop is already under way; a replay
// of a file without pit flags cannot know that).
func ScorePitWindow(preds []f1.Prediction, stops []Stop) Score {
	in := newStopSet(stops)
	sc := Score{Brier: map[int]float64{}, N: map[int]int{}, BaseRate: map[int]float64{}, Stops: len(stops)}
	flagged := map[Stop]bool{}
	var pos3, neg3 []float64
	for _, p := range preds {
		if p.Model != f1.ModelPitWindow || in[Stop{p.Driver, p.Lap}] {
			continue
		}
		y := 0.0
		if in.within(p.Driver, p.Lap, p.HorizonLaps, nil) {
			y = 1
		}
		e := p.Probability - y
		sc.Brier[p.HorizonLaps] += e * e
		sc.BaseRate[p.HorizonLaps] += y
		sc.N[p.HorizonLaps]++
		if p.HorizonLaps == 3 {
			b := min(9, int(p.Probability*10))
			sc.Reliability[b][0]++
			sc.Reliability[b][1] += int(y)
			if y == 1 {
				pos3 = append(pos3, p.Probability)
			} else {
				neg3 = append(neg3, p.Probability)
			}
		}
		if p.HorizonLaps == 3 && p.Probability >= FlagAt {
			sc.Alarms++
			if y == 1 {
				sc.TrueAlarms++
			}
			in.within(p.Driver, p.Lap, 3, flagged)
		}
	}
	sc.AUC = auc(pos3, neg3)
	for h, n := range sc.N {
		sc.Brier[h] /= float64(n)
		sc.BaseRate[h] /= float64(n)
	}
	sc.Flagged = len(flagged)
	return sc
}

// auc is the Mann-Whitney estimate of P(a positive scores above a
// negative), ties counting half.
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0.5
	}
	sort.Float64s(neg)
	var sum float64
	for _, p := range pos {
		lo := sort.SearchFloat64s(neg, p)                                   // negatives below p
		hi := sort.Search(len(neg), func(i int) bool { return neg[i] > p }) // negatives ≤ p
		sum += float64(lo) + float64(hi-lo)/2
	}
	return sum / float64(len(pos)*len(neg))
}

// FlaggedWithin is how many of the stops one of the n highest "within 3
// laps" predictions flags (made on one of the three laps before the
// in-lap): the share of stops a model catches when it may raise n alarms,
// for comparing two models at the same number of alarms whatever their
// calibration. Predictions made on an in-lap are left out.
func FlaggedWithin(preds []f1.Prediction, stops []Stop, n int) int {
	in := newStopSet(stops)
	var p3 []f1.Prediction
	for _, p := range preds {
		if p.Model == f1.ModelPitWindow && p.HorizonLaps == 3 && !in[Stop{p.Driver, p.Lap}] {
			p3 = append(p3, p)
		}
	}
	sort.SliceStable(p3, func(i, j int) bool { return p3[i].Probability > p3[j].Probability })
	flagged := map[Stop]bool{}
	for _, p := range p3[:min(n, len(p3))] {
		in.within(p.Driver, p.Lap, 3, flagged)
	}
	return len(flagged)
}

// stopSet is a set of stops (driver and in-lap).
type stopSet map[Stop]bool

func newStopSet(stops []Stop) stopSet {
	in := make(stopSet, len(stops))
	for _, s := range stops {
		in[s] = true
	}
	return in
}

// within reports whether driver d stops on one of laps lap+1..lap+h, and
// adds those stops to flagged when it is not nil.
func (in stopSet) within(d string, lap, h int, flagged map[Stop]bool) bool {
	found := false
	for l := lap + 1; l <= lap+h; l++ {
		if s := (Stop{d, l}); in[s] {
			found = true
			if flagged != nil {
				flagged[s] = true
			}
		}
	}
	return found
}

// BinaryScore is how well probabilities did against yes/no outcomes.
type BinaryScore struct {
	N, Positives int
	Brier, AUC   float64
}

// ScoreBinary scores the predictions of one model and horizon against
// outcome, which says what happened for each; predictions for which ok is
// false are left out.
func ScoreBinary(preds []f1.Prediction, model string, horizon int, outcome func(p *f1.Prediction) (y, ok bool)) BinaryScore {
	var s BinaryScore
	var pos, neg []float64
	for i := range preds {
		p := &preds[i]
		if p.Model != model || p.HorizonLaps != horizon {
			continue
		}
		y, ok := outcome(p)
		if !ok {
			continue
		}
		s.N++
		e := p.Probability
		if y {
			s.Positives++
			e = 1 - e
			pos = append(pos, p.Probability)
		} else {
			neg = append(neg, p.Probability)
		}
		s.Brier += e * e
	}
	if s.N > 0 {
		s.Brier /= float64(s.N)
	}
	s.AUC = auc(pos, neg)
	return s
}
