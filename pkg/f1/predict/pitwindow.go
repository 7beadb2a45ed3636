package predict

import (
	"fmt"
	"math"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// pitFeatures are the inputs of the pit-window model for one driver at the
// end of one lap.
type pitFeatures struct {
	compound  string
	age       int     // tyre age at the end of this lap
	life      float64 // expected stint length of the compound in this race
	deg       float64 // fuel-corrected trend of the last degLaps clean laps, s/lap
	degLaps   int     // clean laps the trend was measured on
	loss      float64 // last two clean laps vs the stint's best, s
	gapBehind float64 // s to the car behind at the line (+Inf: none, NaN: not known)
	pitLoss   float64 // what a stop costs now (s): the circuit's pit loss, less under SC/VSC
	flag      string  // f1.FlagSC, f1.FlagVSC or "" (green)
	lapsLeft  int     // laps still to run after this one
	needStop  bool    // dry race and only one dry compound used so far
	wave      int     // other cars seen stopping over the last two laps
	rival     string  // a car that was within rivalGapS and stopped over the last two laps
	// field[j] is the share of this race's stints on the compound that had
	// ended by age+j (field.share); fieldEnded/fieldKnown at j = maxHorizon.
	field                  [maxHorizon + 1]float64
	window                 [maxHorizon + 1]float64 // field.hazard at age+j
	fieldEnded, fieldKnown int
}

// maxHorizon is the longest pit-window horizon.
const maxHorizon = 5

// degLaps is how many recent clean laps measure the degradation trend.
const degLaps = 5

// Pit loss under neutralisation, as a share of the green pit loss: the
// field is slowed while the car is in the lane.
const (
	scPitShare  = 0.5
	vscPitShare = 0.6
)

// Feature indexes of the pit-window model. For each horizon k (1, 3, 5)
// the probability of a stop at the end of one of laps L+1..L+k is
// σ(Σ PitModel[k][i] · x[i]), x the features below taken at the end of
// the window (tyre age age+k).
const (
	xBias      = iota // 1
	xAge              // min(u, 1), u = (age + k) / the compound's prior life (lifeShare of the race)
	xAgeOver          // max(u − 1, 0), capped at 1: how far past that life
	xDeg              // fuel-corrected trend of the last 5 clean laps, s/lap, in [−0.2, 1]
	xLoss             // last two clean laps vs the stint's best, s, in [0, 8]
	xFree             // 1 when the gap behind exceeds the pit loss (a stop loses no place)
	xNeutral          // 1 under SC or VSC on a set past a third of its life
	xForced           // 1 when a dry race's second compound is still due and ≤ 2 laps remain after L+k
	xNoPayback        // share of the pit loss fresh tyres cannot win back before the flag, in [0, 1]
	xWave             // other cars seen stopping over the last two laps, capped at 4
	xField            // share of this race's stints on the compound ended by age+k (field.share)
	xRival            // 1 when a car within 3 s stopped over the last two laps (undercut)
	xDemand           // (age + laps left) / prior life, over 2, capped at 1: can the set reach the flag?
	xWindow           // the field's stop rate around age+k on this compound (field.hazard)
	xSoft             // 1 on softs
	xHard             // 1 on hards
	xWet              // 1 on intermediates or wets: stops follow the weather, not wear
	nFeatures
)

// FeatureNames name the features, in order.
var FeatureNames = [nFeatures]string{"bias", "age", "age_over", "deg", "loss", "free", "neutral", "forced",
	"no_payback", "wave", "field", "rival", "demand", "window", "soft", "hard", "wet"}

// Coefficients weigh the features for one horizon.
type Coefficients [nFeatures]float64

// PitModel is the pit-window model: one logistic regression per horizon of
// Horizons, in that order. Each is fitted to its own outcome ("a stop
// within k laps"), so each horizon is calibrated on its own.
type PitModel [len(Horizons)]Coefficients

// prior1 is the one-lap model as reasoned before looking at any race, the
// centre the fit is pulled towards:
//   - bias −7.8 and age +6.4: about 1 % a lap at half the expected life
//     and 20 % at the expected life (if stints spread by ±20 % around it,
//     the hazard there is about 4/life);
//   - age_over 0: past the expected life the hazard stays where it is (a
//     car still out is on another plan);
//   - deg +3 (+0.3 s/lap of wear is worth +0.9), loss +0.6 per s (1.5 s
//     off the best is +0.9, a wet track's 5 s +3);
//   - free +0.8, neutral +2 (a stop at half price), forced +4 (the rule
//     leaves no choice), no_payback −2, wave +0.3 per car (covering an
//     undercut), rival +1 (a car within 3 s stopping forces an answer);
//   - field +2 and window +3: where the field has stopped, this car will;
//   - demand and the compounds 0: no view before the data.
var prior1 = Coefficients{-7.8, 6.4, 0, 3.0, 0.6, 0.8, 2.0, 4.0, -2.0, 0.3, 2.0, 1.0, 0, 3.0, 0, 0, 0}

// Prior is prior1 for every horizon, with the bias raised by ln k (k laps
// at a small per-lap rate h give about k·h).
var Prior = func() PitModel {
	var m PitModel
	for i, k := range Horizons {
		m[i] = prior1
		m[i][xBias] += math.Log(float64(k))
	}
	return m
}()

// features is the feature vector for the window of the next k laps.
func (f *pitFeatures) features(k int) [nFeatures]float64 {
	var x [nFeatures]float64
	u := float64(f.age+k) / f.life
	x[xBias] = 1
	x[xAge] = math.Min(u, 1)
	x[xAgeOver] = clamp(u-1, 0, 1)
	x[xDeg] = clamp(f.deg, -0.2, 1.0)
	x[xLoss] = clamp(f.loss, 0, 8)
	if f.gapBehind > f.pitLoss {
		x[xFree] = 1
	}
	if float64(f.age)/f.life >= 0.35 && (f.flag == f1.FlagSC || f.flag == f1.FlagVSC) {
		x[xNeutral] = 1
	}
	left := f.lapsLeft - k // laps after the window
	if f.needStop && left <= 2 {
		x[xForced] = 1
	}
	if !f.needStop {
		gain := math.Max(f.loss, f.deg*float64(f.age+k)) // per lap, from fresh tyres
		x[xNoPayback] = clamp((f.pitLoss-float64(max(left, 0))*math.Max(0, gain))/f.pitLoss, 0, 1)
	}
	x[xWave] = math.Min(float64(f.wave), 4)
	x[xField] = f.field[min(k, maxHorizon)]
	if f.rival != "" {
		x[xRival] = 1
	}
	x[xDemand] = clamp(float64(f.age+f.lapsLeft)/f.life, 0, 2) / 2
	x[xWindow] = f.window[min(k, maxHorizon)]
	switch f.compound {
	case f1.TyreSoft:
		x[xSoft] = 1
	case f1.TyreHard:
		x[xHard] = 1
	case f1.TyreIntermediate, f1.TyreWet:
		x[xWet] = 1
	}
	return x
}

// within is the probability of a stop at the end of one of the next k
// laps (k one of Horizons); 0 when the next lap is the last.
func (f *pitFeatures) within(m *PitModel, k int) float64 {
	if f.lapsLeft <= 1 {
		return 0
	}
	i := horizonIndex(k)
	if i < 0 {
		return 0
	}
	x := f.features(k)
	return sigmoid(dot(&m[i], &x))
}

// horizonIndex is the position of k in Horizons, −1 if it is not one.
func horizonIndex(k int) int {
	for i, h := range Horizons {
		if h == k {
			return i
		}
	}
	return -1
}

// reasons is the short explanation of a pit-window prediction.
func (f *pitFeatures) reasons() string {
	r := []string{fmt.Sprintf("%s age %d of ~%.0f", f.compound, f.age, f.life)}
	if f.degLaps >= 3 {
		r = append(r, fmt.Sprintf("%+.2f s/lap over the last %d laps", f.deg, f.degLaps))
	}
	if f.loss >= 0.5 {
		r = append(r, fmt.Sprintf("%.1f s off the stint's best", f.loss))
	}
	switch {
	case math.IsNaN(f.gapBehind):
	case math.IsInf(f.gapBehind, 1):
		r = append(r, "no car behind")
	case f.gapBehind > f.pitLoss:
		r = append(r, fmt.Sprintf("%.1f s gap behind > %.0f s pit loss", f.gapBehind, f.pitLoss))
	default:
		r = append(r, fmt.Sprintf("%.1f s gap behind < %.0f s pit loss", f.gapBehind, f.pitLoss))
	}
	if f.flag != "" {
		r = append(r, f.flag+": cheap stop")
	}
	if f.fieldEnded > 0 {
		r = append(r, fmt.Sprintf("%d of %d %s stints ended by age %d", f.fieldEnded, f.fieldKnown, f.compound, f.age+maxHorizon))
	}
	if f.rival != "" {
		r = append(r, f.rival+" (within 3 s) just stopped")
	}
	if f.wave > 0 {
		r = append(r, fmt.Sprintf("%d cars stopped in the last 2 laps", f.wave))
	}
	if f.needStop {
		r = append(r, "second dry compound still to fit")
	}
	r = append(r, fmt.Sprintf("%d laps left", f.lapsLeft))
	return strings.Join(r, ", ")
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
