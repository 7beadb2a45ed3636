// Package predict holds Pitwall's race-strategy models: the pit window (the
// probability that a driver pits within the next 1, 3 or 5 laps) and the
// tyre cliff (the probability that the current stint's fuel-corrected lap
// time loss is accelerating past the compound's usual life).
//
// Rules of the package:
//   - Pure F1 domain: it imports pkg/f1 and the standard library only,
//     nothing of Kafka, Grafana or the plugin SDK.
//   - Causal: a Predictor sees the race as a stream of f1.Position and
//     f1.RaceControl records, in order, and a prediction made on lap L uses
//     only what was known at the end of lap L. The same code runs in the
//     producer and in the scoring tests on real races.
//   - Explainable: the pit window is one logistic regression per horizon
//     over named features (pitwindow.go), its coefficients (model.go)
//     fitted by FitPitWindow on 50 real races that are not the ones it is
//     scored on, pulled towards reasoned priors and kept to their signs;
//     the tyre cliff is a probit formula with reasoned constants. Every
//     prediction carries a short reasons text built from the features.
//     docs/predictions.md has the features, the fit and the scores.
//   - Bounded: per driver it keeps one stint of laps (at most a race
//     distance), and it ignores malformed records (unknown driver code,
//     negative or absurd lap numbers and times) rather than trusting them.
package predict
