package pipeline

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// A panel that asks for the same records just after a joint read of them
// ended would read Kafka again: a browser sends at most six requests at
// once, so a dashboard's later panels come when its first ones are
// answered, and a query of a request can start a moment after its
// siblings' read is done. So a joint read that kept all its records (one
// that had several members, or a lone one within JointLoneKeptMax) keeps
// them for JointCacheTTL after it ends, and a query for the same records in that
// time is answered from them by a rerun (the records handed on again,
// decoded again, in the order the read handed them on), which the queries
// that come with it join like any joint read. A rerun fetches nothing and
// counts no record as read again.
//
// A rerun never answers what a read would not: it first asks Kafka for the
// query's offsets again (what a read does first) and reruns only if every
// partition's range is the one read; Kafka's records at given offsets do
// not change, so the answer is the same. When a record has come into the
// range since (a range ending at now during a race, whose last partition
// had nothing after its end yet), the ranges differ and the query reads
// Kafka. A read that was cut by its timeout is not kept. The cache holds at
// most jointCacheMax bytes of records (counted as a joint read counts what
// it keeps) in all, an entry at most what its read kept (jointKeptMax);
// the oldest entry goes first when a new one needs room, and every entry
// goes JointCacheTTL after it came.

// JointCacheTTL is how long a finished joint read's records answer the
// same query again (0: not at all).
var JointCacheTTL = 3 * time.Second

// jointCacheMax bounds the bytes of records kept of finished reads (a var
// for tests).
var jointCacheMax int64 = 64 << 20

type jointCached struct {
	key     string
	base    string
	topics  []string
	trimmed map[string]data.Notice
	recs    []*kgo.Record
	bytes   int64
	notices []data.Notice
	ranges  map[string]map[int32]kafka.Range
	at      time.Time
}

// cachedReadOf is a fresh kept read of base that own shares with
// (sharesWith; joints locked): of own's topics alone if there is one.
func cachedReadOf(base string, own []string) *jointCached {
	var found *jointCached
	for _, c := range joints.cached {
		if c.base != base || time.Since(c.at) >= JointCacheTTL || !sharesWith(c.topics, own) {
			continue
		}
		if found == nil || len(c.topics) < len(found.topics) {
			found = c
		}
	}
	return found
}

// cache keeps what g read, if it may answer the same query again.
func (g *jointRead) cache(share *readShare) {
	ttl := JointCacheTTL
	if ttl <= 0 || g.err != nil || !g.keeping || share.timedOut || share.ranges == nil || g.keptBytes > jointCacheMax {
		return
	}
	c := &jointCached{key: g.key, base: g.base, topics: g.topics, trimmed: g.trimmed, recs: g.kept, bytes: g.keptBytes,
		notices: g.notices, ranges: share.ranges, at: time.Now()}
	joints.Lock()
	defer joints.Unlock()
	if old := joints.cached[c.key]; old != nil {
		uncache(old)
	}
	for len(joints.cached) > 0 && joints.cachedBytes+c.bytes > jointCacheMax {
		var oldest *jointCached
		for _, e := range joints.cached {
			if oldest == nil || e.at.Before(oldest.at) {
				oldest = e
			}
		}
		uncache(oldest)
	}
	joints.cached[c.key] = c
	joints.cachedBytes += c.bytes
	time.AfterFunc(ttl, func() {
		joints.Lock()
		defer joints.Unlock()
		if joints.cached[c.key] == c {
			uncache(c)
		}
	})
}

// uncache lets c go (joints locked).
func uncache(c *jointCached) {
	delete(joints.cached, c.key)
	joints.cachedBytes -= c.bytes
}

// holds says whether Kafka still holds exactly the records c read: the
// query's offsets asked again are c's.
func (c *jointCached) holds(ctx context.Context, src *Source, q *query.Query, env *Env) bool {
	n := 0
	for _, topic := range c.topics {
		now, err := queryRanges(ctx, src, q, topic, env)
		if err != nil || !maps.Equal(now, c.ranges[topic]) {
			return false
		}
		n++
	}
	return n == len(c.ranges)
}

// rerun hands a finished read's records on again as read handed them on:
// nothing is fetched, no record counted as read again (nor its faults in
// the metrics); every member is told of the records that do not decode.
func (g *jointRead) rerun(src *Source, q *query.Query, env *Env, c *jointCached) ([]data.Notice, error) {
	release, err := acquireRead(g.ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	f := newFeeder(src, q, jointPipe{g}, env.Faults)
	f.replay = true
	f.notes = g.note
	g.trimmed = c.trimmed
	// What the read keeps for joiners is c's records handed on so far: c
	// holds them already.
	for i, r := range c.recs {
		if err := g.ctx.Err(); err != nil {
			return nil, fmt.Errorf("joint range read: %w", err)
		}
		g.kept = c.recs[:i]
		if g.arrived.Load() {
			g.admit(g.takePending())
		}
		if g.wanted(r.Topic) {
			f.feed(g.ctx, r)
		}
	}
	g.kept = c.recs
	return slices.Clone(c.notices), nil
}
