package predict

// Horizons are the pit-window horizons in laps: the probability of pitting
// at the end of one of the next 1, 3 or 5 laps.
//
// The predictions are f1.Prediction records (the f1-predictions topic):
// for f1.ModelPitWindow HorizonLaps is 1, 3 or 5 and Probability is the
// chance that one of laps Lap+1..Lap+HorizonLaps is an in-lap (ends in the
// pit lane); for f1.ModelTyreCliff HorizonLaps is 0, the stint as it is now.
var Horizons = [...]int{1, 3, 5}
