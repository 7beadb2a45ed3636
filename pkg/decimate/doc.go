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
// Why two bucketings of one rule (the lowest and highest of each bucket),
// and not one: a Series does not know its time span in advance (a live
// series, a range read whose samples arrive one by one), so it buckets by
// count of consecutive samples and merges neighbours as it grows, in
// O(budget) memory; time buckets would need the span first. A table's rows
// hold many number columns and many series at once, its span is the read's
// time range, and it is decimated again and again as a long read goes
// (Above): fixed time buckets (Span) keep its series aligned in time with
// each other and make a second decimation keep what the first kept, which
// count buckets over a growing table would not. Both live here, written
// once each; nothing else in the project thins points (pkg/f1frame's
// decimator moved here; pkg/table decimates with Span and Extremes).
//
// Detection never sees decimated data: only what is drawn is thinned. The
// package is pure Go and imports nothing of the project.
package decimate
