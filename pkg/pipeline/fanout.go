package pipeline

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// A feed is one shared consumer (see Hub): one goroutine polls Kafka,
// decodes each record once, hands it to the members that may want it
// (routing), and, when a member's flush policy says so, takes its frames
// and passes them to the member's stream, whose goroutine sends them. So a
// slow sender never holds the feed: its batches wait in its member (at most
// one), its rows in its pipeline, and past MaxStreamRows it is detached —
// it leaves and reads on its own consumer (no record lost), while the
// others go on.
type feed struct {
	hub    *Hub
	key    feedKey
	src    *Source
	o      feedOptions
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	cons   *kafka.Consumer

	// The partitions, in a fixed order: the index of every per-partition
	// slice (members' too).
	list  []topicPartition
	index map[string]map[int32]int
	next  []int64 // the offset after the last record polled
	multi bool    // several topics: records of a poll are merged by time

	// The last records polled, for joiners (a stream that caught up a
	// little behind the feed): floor is, per partition, where they begin.
	recent    []*kgo.Record
	recentIdx []int
	floor     []int64

	// dec decodes each record once (the key's format, precision and key
	// format are every member's); its faults count a bad record once for
	// the metrics, notes collects them for the members' notices.
	dec    *recordFeeder
	faults Faults
	notes  []fault

	// Members and their routes; only the feed's goroutine touches them.
	members  []*member
	all      []*member            // members that get every record
	byField  map[string][]*member // routeFieldElseKey members by driver
	anyField []*member            // every routeFieldElseKey member
	byKey    map[string][]*member // routeKeyOrField members by driver
	routed   bool
	seq      uint64
	scratch  []*member
	driverID idCache
	lag      int64
	size     atomic.Int32 // len(members), for Hub.Stats

	mu     sync.Mutex
	reqs   []*joinReq
	wakeFn context.CancelFunc // cancels the poll in progress
}

// fault is a bad record (or a warning about one) for the members' notices.
type fault struct {
	kind       codec.ErrClass
	where, msg string
}

type topicPartition struct {
	topic string
	part  int32
}

// replayMax is how many of its last records a feed keeps for joiners.
const replayMax = 2000

// pollMax is the most records a feed takes per poll.
const pollMax = 1000

// startFeed starts a feed at first.start, with first as its member. The
// hub's lock is held.
func startFeed(h *Hub, src *Source, key feedKey, o feedOptions, first *member) (*feed, error) {
	cons, err := src.Kafka.Consume(first.start, key.iso)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &feed{hub: h, key: key, src: src, o: o, ctx: ctx, cancel: cancel, done: make(chan struct{}), cons: cons,
		index: map[string]map[int32]int{}, multi: len(first.start) > 1}
	f.dec = newFeeder(src, first.q, nil, &f.faults)
	f.dec.notes = func(kind codec.ErrClass, _, where, msg string) { f.notes = append(f.notes, fault{kind, where, msg}) }
	var tps []topicPartition
	for t, ps := range first.start {
		for p := range ps {
			tps = append(tps, topicPartition{t, p})
		}
	}
	sort.Slice(tps, func(i, j int) bool {
		return tps[i].topic < tps[j].topic || tps[i].topic == tps[j].topic && tps[i].part < tps[j].part
	})
	f.list = tps
	for i, tp := range tps {
		if f.index[tp.topic] == nil {
			f.index[tp.topic] = map[int32]int{}
		}
		f.index[tp.topic][tp.part] = i
		f.next = append(f.next, first.start[tp.topic][tp.part])
	}
	f.floor = append([]int64(nil), f.next...)
	first.skip = append([]int64(nil), f.next...)
	first.next = append([]int64(nil), f.next...)
	f.members = []*member{first}
	f.reindex()
	metricSharedConsumers.Inc()
	go f.run()
	return f, nil
}

// wake makes the feed look at its requests and members now.
func (f *feed) wake() {
	f.mu.Lock()
	if f.wakeFn != nil {
		f.wakeFn()
	}
	f.mu.Unlock()
}

// run is the feed's goroutine.
func (f *feed) run() {
	defer close(f.done)
	defer metricSharedConsumers.Dec()
	alive := newLiveness(f.o.AliveEvery, f.o.LossAfter, f.src.Timeout, time.Now())
	for {
		f.takeRequests()
		if len(f.members) == 0 && f.idleExit() {
			f.cons.Close()
			return
		}
		now := time.Now()
		f.flushMembers(now)
		deadline := alive.due()
		for _, m := range f.members {
			if !m.blocked.Load() {
				deadline = earliest(deadline, m.due())
			}
		}
		if !deadline.After(now) {
			deadline = now.Add(time.Millisecond)
		}
		pctx, cancel := context.WithDeadline(f.ctx, deadline)
		f.mu.Lock()
		f.wakeFn = cancel
		if len(f.reqs) > 0 {
			cancel() // a request came in meanwhile
		}
		f.mu.Unlock()
		recs, err := f.cons.Poll(pctx, pollMax)
		f.mu.Lock()
		f.wakeFn = nil
		f.mu.Unlock()
		cancel()
		if f.ctx.Err() != nil {
			f.fail(fmt.Errorf("datasource closed"))
			return
		}
		if err != nil {
			f.fail(err)
			return
		}
		f.dispatch(recs)
		now = time.Now()
		if len(recs) > 0 {
			alive.read(now)
			continue
		}
		// Idle: is the broker still there? (as a stream on its own checks)
		err = alive.check(f.ctx, f.cons, now)
		switch {
		case f.ctx.Err() != nil:
			f.fail(fmt.Errorf("datasource closed"))
			return
		case err != nil:
			f.fail(err)
			return
		}
	}
}

// idleExit removes the feed from its hub when nobody uses or asks for it.
func (f *feed) idleExit() bool {
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) > 0 {
		return false
	}
	f.hub.remove(f)
	return true
}

// fail ends the feed: its members and the streams asking to join get err.
func (f *feed) fail(err error) {
	f.hub.mu.Lock()
	f.hub.remove(f)
	f.mu.Lock()
	reqs := f.reqs
	f.reqs = nil
	f.mu.Unlock()
	f.hub.mu.Unlock()
	for _, r := range reqs {
		r.reply <- errFeedGone
	}
	for _, m := range f.members {
		m.err = err
		close(m.failed)
	}
	f.members = nil
	f.size.Store(0)
	f.cons.Close()
	f.o.Log.Warn("shared consumer stopped", "topics", f.key.topics, "error", err)
}

// takeRequests admits or refuses the streams asking to join and drops the
// members whose streams ended.
func (f *feed) takeRequests() {
	f.mu.Lock()
	reqs := f.reqs
	f.reqs = nil
	f.mu.Unlock()
	changed := false
	for _, r := range reqs {
		err := f.admit(r.m)
		r.reply <- err
		changed = changed || err == nil
	}
	kept := f.members[:0]
	for _, m := range f.members {
		if !m.left.Load() {
			kept = append(kept, m)
		}
	}
	clear(f.members[len(kept):])
	changed = changed || len(kept) != len(f.members)
	f.members = kept
	if changed {
		f.reindex()
	}
}

// admit takes m if it stands where the feed can take it on: at or past the
// oldest record the feed keeps, on the same partitions. The records it
// missed are handed to it from those the feed keeps.
func (f *feed) admit(m *member) error {
	if m.left.Load() {
		return errFeedGone
	}
	n := 0
	for _, ps := range m.start {
		n += len(ps)
	}
	if n != len(f.list) {
		return errPartitions
	}
	skip := make([]int64, len(f.list))
	for i, tp := range f.list {
		off, ok := m.start[tp.topic][tp.part]
		if !ok {
			return errPartitions
		}
		if off < f.floor[i] {
			return errBehind
		}
		skip[i] = off
	}
	m.skip, m.next = skip, make([]int64, len(f.list))
	for i := range m.next {
		m.next[i] = max(skip[i], f.next[i])
	}
	target := []*member{m}
	f.dec.replay = true
	for i, r := range f.recent {
		if idx := f.recentIdx[i]; r.Offset >= skip[idx] {
			f.notes = f.notes[:0]
			f.deliver(r, idx, f.dec.decode(f.ctx, r) == nil, target)
		}
	}
	f.dec.replay = false
	f.members = append(f.members, m)
	return nil
}

// reindex rebuilds the routes after members changed.
func (f *feed) reindex() {
	f.size.Store(int32(len(f.members))) // #nosec G115 -- streams of one datasource
	f.all, f.anyField = f.all[:0], f.anyField[:0]
	f.byField, f.byKey = map[string][]*member{}, map[string][]*member{}
	f.routed = false
	for _, m := range f.members {
		switch m.route.rule {
		case routeFieldElseKey:
			f.routed = true
			f.anyField = append(f.anyField, m)
			for _, d := range m.route.drivers {
				f.byField[d] = append(f.byField[d], m)
			}
		case routeKeyOrField:
			f.routed = true
			for _, d := range m.route.drivers {
				f.byKey[d] = append(f.byKey[d], m)
			}
		default:
			f.all = append(f.all, m)
		}
	}
}
