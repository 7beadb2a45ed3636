// Package table is the columnar table engine of the raw and telemetry query
// types: rows of one time (and, for Live, one series label) with typed
// columns created as fields first appear, turned into Grafana data frames
// (frame.go) and decimated to a panel's point budget (decimate.go, with
// pkg/decimate's buckets and extremes).
//
// Rules: a column's type is fixed by its first non-null value; a later value
// of another type is stored as null and counted (Faults), so a column never
// changes type and a stream's schema only changes when a new field appears.
// A Table is not safe for concurrent use. It knows decoded fields
// (pkg/codec) and frames, nothing of Kafka, queries or F1.
package table
