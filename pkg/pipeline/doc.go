// Package pipeline turns Kafka records into frames, the same way for a
// time-range query (Read, for QueryData) and for a live stream (RunStream):
// it reads the partitions a query.Query asks for (read.go, stream.go),
// decodes each record with pkg/codec (feed.go), counts what it cannot use
// (faults.go, metrics.go) and hands the rest to the query type's Pipeline
// (New): raw.go and telemetry.go fill a pkg/table, f1.go reads F1 records
// with pkg/f1wire into a pkg/f1frame Builder.
//
// Rules: a bad record is counted and named in a notice, never fatal, and
// never stops the records around it; a stream sends frames per flush
// interval, never one per record, and its memory is bounded by
// maxStreamRows rows plus one fetch per broker; a stream that fails saves
// where it stopped (Resumes) so that nothing is lost and nothing arrives
// twice. Metrics are counted locally and added per batch. The package
// knows no Grafana handler: pkg/plugin calls it.
package pipeline
