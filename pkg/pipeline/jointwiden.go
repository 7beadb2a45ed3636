package pipeline

import (
	"slices"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// The F1 dashboard's first screen asks at once for the leaderboard
// (positions, telemetry, race control), the alerts (f1-alerts and
// telemetry) and the telemetry panels (telemetry): three sets of topics,
// three joint reads, and each read fetched and decoded the whole range of
// f1-telemetry, the one topic that is large. During a 10x race the three
// took 1.8 to 2.8 s to answer where one took under a second (issue 11).
//
// So a joint read is shared by topics too: a query that reads f1-telemetry
// joins an open read (or reruns a kept one) of the same base (jointBaseKey:
// the same datasource, range, partition, format and read options) that
// reads every one of its topics, and is handed the records of its own
// topics only, in the order it reads them alone (the read's topic order
// keeps its own: ties of equal timestamps come out as they would alone). A
// query of sparse topics only (race control) shares only a read of its own
// topics: joining a wider one, it waited for all of f1-telemetry (2.8 s
// where it took 75 ms alone). And a query that reads
// f1-telemetry with other F1 topics reads all of jointFamily: the others
// are sparse (a record a lap per driver, a message now and then), so
// adding them costs little, and every F1 type's query over f1-telemetry can
// then join the read. A query of f1-telemetry alone (a telemetry panel, an
// Explore query) does not widen what it reads: alone, it would merge
// topics it does not need.
//
// What a member sees is what it sees alone, but for the read's limits:
// the query's record limit and byte budget count the records of the
// read's other topics too.

// JointWiden turns the wider reads on; off, a query shares only with the
// queries of the same topics (the benchmarks compare both).
var JointWiden = true

// jointFamily are the topics a read of F1 topics with f1-telemetry reads,
// in an order that keeps every F1 type's own (its main topic first: the
// leaderboard's positions, telemetry, race control; the alerts' f1-alerts,
// telemetry).
var jointFamily = []string{f1.TopicPositions, f1.TopicAlerts, f1.TopicTelemetry, f1.TopicRaceControl}

// widen is what a query of topics own reads when it starts a joint read.
func widen(q *query.Query, own []string) []string {
	if !JointWiden || q.Partition >= 0 || len(own) < 2 || !slices.Contains(own, f1.TopicTelemetry) || !readsAllOf(jointFamily, own) {
		return own
	}
	return jointFamily
}

// readsAllOf says whether a read of topics hands on every topic of own in
// own's order (own is a subsequence of topics).
func readsAllOf(topics, own []string) bool {
	i := 0
	for _, t := range topics {
		if i < len(own) && own[i] == t {
			i++
		}
	}
	return i == len(own)
}

// sharesWith says whether a query of topics own may share a read of
// topics: one of the same topics, or, for a query that reads f1-telemetry
// (the topic worth waiting for), one of more topics that keeps own's
// order. A query of sparse topics only (race control: tens of
// milliseconds alone) would wait for the whole read of f1-telemetry.
func sharesWith(topics, own []string) bool {
	if len(topics) == len(own) {
		return slices.Equal(topics, own)
	}
	return JointWiden && slices.Contains(own, f1.TopicTelemetry) && readsAllOf(topics, own)
}

// openReadOf is an open joint read of base that own shares with
// (sharesWith), the one that reads the fewest other topics (joints
// locked); nil if none.
func openReadOf(base string, own []string) *jointRead {
	var found *jointRead
	for _, g := range joints.open {
		if g.base != base || !sharesWith(g.topics, own) {
			continue
		}
		if found == nil || len(g.topics) < len(found.topics) {
			found = g
		}
	}
	return found
}
