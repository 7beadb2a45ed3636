package pipeline

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1frame"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// member is a stream that a shared consumer (a feed, fanout.go) feeds. While
// it is a member the feed's goroutine owns its pipeline and faults: it adds
// the records, calls Frames when the member's flush policy says so, and
// hands the frames over in out; the stream's own goroutine only sends them
// (shared.go). Detached (too slow) or failed, the member is dropped by the
// feed and its pipeline goes back to the stream.
type member struct {
	q       *query.Query
	pipe    Pipeline
	faults  *Faults
	notices *streamNotices
	policy  flushPolicy
	route   routing

	// start is where the stream stands when it asks to join: the next
	// offset of each partition. The feed checks it against its own.
	start kafka.Offsets

	// Set by the feed goroutine (the index is the feed's partition list).
	skip []int64 // records below are not for it (it had read them)
	next []int64 // the offset after the last record handed to it
	mark uint64  // the record being routed, so a member gets it once

	out      chan batch    // frames to send; one batch at a time
	detached chan struct{} // closed by the feed: the member is too slow
	failed   chan struct{} // closed by the feed: Kafka failed (err says why)
	err      error
	left     atomic.Bool // set by the stream: it ended; the feed drops it
	// blocked: the feed had rows to hand over while a batch was still
	// waiting; the stream wakes the feed when it has sent it.
	blocked atomic.Bool
	gone    bool // the feed is detaching it
}

// batch is what one flush of a member made.
type batch struct {
	frames []*data.Frame
	next   []int64 // where its records end, by the feed's partition index
	lag    int64   // the feed's lag when it was made
}

func newMember(q *query.Query, pipe Pipeline, faults *Faults, notices *streamNotices, policy flushPolicy, start kafka.Offsets) *member {
	return &member{q: q, pipe: pipe, faults: faults, notices: notices, policy: policy, route: routingOf(q), start: start,
		out: make(chan batch, 1), detached: make(chan struct{}), failed: make(chan struct{})}
}

// due is when the member should next send (see liveStream.due).
func (m *member) due() time.Time {
	var held time.Time
	if h, ok := m.pipe.(holder); ok {
		held = h.Due()
	}
	return m.policy.due(m.pipe.Pending() > 0, held)
}

// routing is how a shared consumer tells that a record cannot be of a
// member's drivers, so that it does not hand the record to it: with many
// streams over one topic, each a driver or two, most records are for few
// of them. It is only a shortcut: a routed member gets a superset of the
// records its pipeline keeps, never fewer.
type routing struct {
	rule    routeRule
	drivers []string // upper-case codes
}

type routeRule uint8

const (
	// routeAll: every record (no driver filter, or a type whose filter
	// keeps records of other drivers: leaderboard, race control, alerts).
	routeAll routeRule = iota
	// routeFieldElseKey: the driver is the record's "driver" string field,
	// else its key (telemetry and the F1 types that read telemetry alone).
	// A record without a driver goes to the member (it counts it).
	routeFieldElseKey
	// routeKeyOrField: the key or the "driver" field names the driver
	// (raw).
	routeKeyOrField
)

func routingOf(q *query.Query) routing {
	if len(q.Drivers) == 0 {
		return routing{}
	}
	drivers := make([]string, len(q.Drivers))
	for i, d := range q.Drivers {
		drivers[i] = strings.ToUpper(d)
	}
	switch q.QueryType {
	case query.Raw:
		return routing{rule: routeKeyOrField, drivers: drivers}
	case query.Telemetry, string(f1frame.WheelSpin), string(f1frame.GearAnomalies), string(f1frame.AverageSpeed):
		return routing{rule: routeFieldElseKey, drivers: drivers}
	}
	return routing{}
}
