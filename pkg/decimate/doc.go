// Package decimate is Pitwall's one home for thinning what is drawn to a
// panel's point budget without losing the peaks: every way keeps the lowest
// and highest value of each bucket.
//
//   - Series (series.go): a series that grows point by point (pkg/f1frame's
//     wheel spin and average speed), in O(budget) memory, at the points'
//     own times; MinMax thins a run of points in one go (a Live push).
//   - Span, Keep and Fit (rows.go): the rows of a table (pkg/table, for raw
//     and telemetry), per series and time bucket, whole: each kept row is
//     a record as it was read, all its columns, and of each bucket the
//     rows holding every number column's lowest and highest value are
//     kept; buckets widen when those rows would exceed the budget. A long
//     read is decimated as it goes (Above).
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
// decimator moved here; pkg/table decimates with Span and Fit).
//
// Whole rows, never a row made of several records: a table's columns are
// read together (a track map's x and y, a lap's sector times), and a row
// holding one sample's lowest x beside another sample's lowest y is a
// point no car was at.
//
// Detection never sees decimated data: only what is drawn is thinned. The
// package is pure Go and imports nothing of the project.
package decimate
