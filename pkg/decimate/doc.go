// Package decimate is Pitwall's one home for thinning what is drawn to a
// panel's point budget without losing the peaks: every way keeps the lowest
// and highest value of each bucket.
//
//   - Series (series.go): a series that grows point by point (pkg/f1frame's
//     wheel spin and average speed), in O(budget) memory, at the points'
//     own times; MinMax thins a run of points in one go (a Live push).
//   - Span and Extremes (rows.go): the rows of a table (pkg/table, for raw
//     and telemetry), per series and time bucket, so that a long read can
//     be decimated as it goes (Above).
//
// Detection never sees decimated data: only what is drawn is thinned. The
// package is pure Go and imports nothing of the project.
package decimate
