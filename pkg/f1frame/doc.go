// Package f1frame turns Pitwall's F1 records into Grafana data frames, one
// Builder per query (QueryData, a time range) or per Live stream (RunStream).
//
// It depends only on pkg/f1 and the plugin SDK's data package: no Kafka, no
// plugin code. The plugin decodes records, hands each to a Builder (Add or
// the typed Add* methods), and asks for frames:
//
//   - Frames: the complete result so far, for a time-range query (and, with
//     Options.Live, the first frame of a stream, in the stream's layout).
//   - Flush: what is new since the last Flush, for a Live push, or nil when
//     nothing changed. Snapshot kinds (leaderboard, distributions, latest
//     tables) return the whole snapshot, only when it changed.
//
// Detection (wheel spin, gear anomalies, alert rules) runs on every record the
// driver filter lets through. Only what is drawn is decimated: series keep at
// most Options.MaxDataPoints points (the minimum and maximum of each bucket,
// so peaks survive), and a Live flush at most Options.MaxPointsPerFlush per
// series.
//
// Frame layouts are documented on each kind's builder and in FRAMES.md.
// A Builder is not safe for concurrent use.
package f1frame
