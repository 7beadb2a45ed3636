// Command predictfit fits the pit-window coefficients of pkg/f1/predict on
// a corpus of per-lap race summaries and scores them on the evaluation
// races of ../shared/data, which the fit never sees:
//
//	go run ./internal/predictfit/cmd/predictfit -corpus DIR [-loro]
//
// DIR holds data_<Grand Prix>_<year>.csv files (AiLab-F1's data/Gare20xx,
// see docs/predictions.md). -loro also fits on all corpus races but one
// and scores that one, for every race.
//
// The command reads its flags and files, runs the fit and prints: fitting and
// scoring are in internal/predictfit, where the scoring tests use them too.
package main
