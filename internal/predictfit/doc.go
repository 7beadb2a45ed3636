// Package predictfit sets and checks the coefficients of the pit-window
// model (pkg/f1/predict) on real races. It is development tooling, not
// part of the plugin or the producer:
//
//   - Race is a real race as the predictor sees it: the timing records a
//     replay publishes (internal/replay parses the files), the race-control
//     SC/VSC periods and the true pit stops.
//   - LoadSummary reads a per-lap summary (the AiLab-F1 format of
//     ../shared/data/monaco2023_race_laps) and repairs what that format
//     loses: stops onto the same compound (found from the out-lap's time,
//     within the file's own stop count) and SC/VSC periods (from
//     track_status).
//   - Samples and Fit turn races into the model's one-lap samples and fit
//     the coefficients (predict.FitPitWindow); cmd/predictfit prints them.
//
// The evaluation races of docs/predictions.md (Monza 2024, Monaco 2023)
// are never among the races a fit sees.
package predictfit
