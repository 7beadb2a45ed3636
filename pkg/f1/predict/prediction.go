package predict

// Model names, as written in the `model` field of f1-predictions.
const (
	ModelPitWindow = "pit_window"
	ModelTyreCliff = "tyre_cliff"
)

// Horizons are the pit-window horizons in laps: the probability of pitting
// at the end of one of the next 1, 3 or 5 laps.
var Horizons = [...]int{1, 3, 5}

// Prediction is one model output for one driver, made at the end of Lap.
// For the pit window HorizonLaps is 1, 3 or 5 and Probability is the chance
// that one of laps Lap+1..Lap+HorizonLaps is an in-lap (ends in the pit
// lane). For the tyre cliff HorizonLaps is 0: Probability is about the
// stint as it is now.
type Prediction struct {
	Ts          int64 // ms, the ts of the record the prediction was made on
	Driver      string
	Lap         int
	Model       string
	HorizonLaps int
	Probability float64
	Reasons     string
}
