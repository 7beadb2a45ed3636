// Package pipeline turns Kafka records into frames, the same way for a
// time-range query (Read, for QueryData) and for a live stream (RunStream):
// it reads the partitions a query.Query asks for (read.go, stream.go) from a
// Source (source.go: a datasource's Kafka client and registry, and the byte
// budget of a query), decodes each record (and, for a raw query's keyFormat,
// its key) with pkg/codec (feed.go), counts what it cannot use (faults.go,
// metrics.go) and hands the rest to the query type's Pipeline (New): raw.go
// and telemetry.go fill a pkg/table (rawcols.go: the key, header and series
// columns of raw frames), f1.go reads F1 records with pkg/f1wire into a
// pkg/f1frame Builder. Several topics are merged by timestamp as they are
// read (merge.go); resume.go keeps a failed stream's place and says what a
// stream that lost it re-read, skipped or lost. Reads and streams use the
// query's isolation level.
//
// Live streams (stream.go; where they start: starts.go) read on a consumer
// of their own (private.go) until they have caught up — one that starts at
// the end joins at once — then share one consumer and one decode per
// datasource, topics, partition, format, isolation, precision and key
// format (hub.go; a feed, fanout.go), which hands each its records and its
// frames to send (member.go, shared.go); flush.go says when a stream sends,
// sender.go what (sameschema.go: whether a frame's schema is the last
// one's), liveness.go when an idle reader gives its broker up.
//
// Rules: a bad record is counted and named in a notice, never fatal, and
// never stops the records around it; a stream batches records into frames,
// never one per record — as they arrive but at most MaxFramesPerSecond
// frames a second, or per flushMs (flush.go) — and its memory is bounded by
// MaxStreamRows rows plus one fetch per broker (a member of a shared
// consumer: MaxStreamRows rows and one batch in hand; past that it leaves,
// and no other stream waits for it); a stream that fails saves
// where it stopped (Resumes) so that nothing is lost and nothing arrives
// twice, and a stream that cannot (a plugin restart, records deleted by
// retention) says so in a notice. A lone read holds no raw record: records are
// handed on as they are read, its bytes are bounded (DefaultQueryBytes, a
// notice when cut), and reads are bounded process-wide (readslots.go).
// Time-range queries over the same records share one read (jointread.go);
// a query joins a read of more topics and is handed its own, and an F1
// query that reads f1-telemetry with other topics reads the sparse F1
// topics too, so that a dashboard's F1 queries read f1-telemetry once
// (jointwiden.go).
// Alone, a read keeps at most 4 MiB of the records it has read for queries
// that join it, then nothing; a query that joins it past that reads what it
// missed from Kafka itself (jointmissed.go). A read with several members
// keeps its records for later joiners, at most min(the query's byte budget,
// 64 MiB); a finished read that kept all its records answers the same
// query for 3 s more, only while Kafka's offsets for it are unchanged,
// 64 MiB of them in all (jointcache.go).
// Metrics are counted locally and added per batch. The package knows no
// Grafana handler: pkg/plugin calls it.
package pipeline
