package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// A dashboard's panels ask for the same records at once: the F1 dashboard
// opens with a dozen time-range queries over the same 5 minutes of
// f1-telemetry (speed, rpm, gear, throttle, brake, wheel spin, anomalies,
// average speed...). Read alone, each fetched and decoded the whole range
// again; on two cores five such reads at once took 5 s each where one took
// 0.7 s, and the browser's six connections waited on them (issue 11).
//
// ReadJoint lets time-range queries that read the same records (the same
// datasource, topics, range, partition, format and read options; or, for a
// query over f1-telemetry, a read of more topics: jointwiden.go) share one
// read: one fetch and one decode of each record feed every member's
// pipeline, in the order Read feeds one (a member of a wider read is handed
// its own topics' records only). The first query starts reading at once.
// A query that arrives while the read runs joins it: it is first handed
// the records read so far, decoded again for it alone, then every record
// after, so it answers exactly what it answers alone. Faults of records
// that do not decode reach every member that reads their topic; the
// metrics count them once. A member whose request ends is handed nothing
// more; the read stops when no member waits.
//
// What a joiner missed comes from what the read keeps, or else from Kafka.
// Keeping costs: a record kept holds its fetch's batch in memory, and a
// lone query (Explore, an alert, one panel) kept its whole range for
// nothing, which doubled its peak heap. So a read with one member keeps at
// most JointLoneKeptMax (the records a dashboard's queries, sent together,
// find read when they arrive); past that it keeps nothing and notes how far
// it has handed each partition on. A query that joins it then reads the
// partitions' records up to those offsets itself (fetchMissed: Kafka's
// records at given offsets do not change), and the read keeps those and
// every record after for the queries that come later (a dashboard's).
// A read with several members keeps at most min(the query's byte budget,
// jointKeptMax): past that it keeps nothing more and takes no more members
// (a later query reads alone). Kept records count as their keys and values
// (as the query's byte budget counts them) plus their kgo.Record. They are
// let go when the read ends, or kept a few seconds more for the same query
// (jointcache.go).

// JointReads turns sharing on; off, every time-range query reads alone
// (the benchmarks compare both).
var JointReads = true

// jointKeptMax bounds the bytes of records one joint read keeps for the
// queries that join it while it reads (a var for tests).
var jointKeptMax int64 = 64 << 20

// JointLoneKeptMax bounds what a read keeps while it has one member (the
// benchmarks raise it to have a lone read kept for the cache).
var JointLoneKeptMax int64 = 4 << 20

// keptRecordOverhead is what keeping a record costs beyond its key and
// value: its kgo.Record (160 bytes in franz-go 1.22) and its place in the
// list.
const keptRecordOverhead = 168

var joints = struct {
	sync.Mutex
	open        map[string]*jointRead
	cached      map[string]*jointCached // jointcache.go
	cachedBytes int64
}{open: map[string]*jointRead{}, cached: map[string]*jointCached{}}

type jointRead struct {
	key     string
	base    string                 // the key but for the topics (jointwiden.go)
	topics  []string               // what it reads, in the order of its merge
	trimmed map[string]data.Notice // per topic: its range starts before what Kafka keeps
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	notices []data.Notice
	err     error

	// Guarded by joints.Mutex.
	pending []*jointMember // joined, not yet handed the records read before
	waiting int            // members (pending too) still waiting; none: the read stops
	// arrived says pending has members, so that the read need not take
	// the lock on every record.
	arrived atomic.Bool

	// The read's goroutine's own.
	members   []*jointMember // handed each record; members[0] started the read
	kept      []*kgo.Record  // while keeping: the records handed on so far, in that order
	keptBytes int64
	keepMax   int64
	keeping   bool // kept holds every record handed on so far
	shut      bool // past keepMax with members: no one joins any more
	// handed is, when not keeping, the offset after the last record handed
	// on, per partition: what a joiner reads itself (fetchMissed).
	handed map[tp]int64
	share  *readShare // what the read reads (its ranges)
	src    *Source
	q      *query.Query
	env    *Env
	replay *recordFeeder // decodes records again for a joiner
}

type jointMember struct {
	pipe   Pipeline
	faults *Faults
	topics []string        // its query's own, in its order
	only   map[string]bool // of the read's topics, those it is handed (nil: all)
	gone   atomic.Bool     // its request ended: it is handed nothing more
	err    error           // set by the read: what it missed could not be read
}

// ReadJoint is Read, sharing the read with the queries that read the same
// records at the same time. Other offset modes read alone.
func ReadJoint(ctx context.Context, src *Source, q *query.Query, env *Env, pipe Pipeline) ([]data.Notice, error) {
	if q.Offset != query.OffsetTimeRange || !JointReads {
		return Read(ctx, src, q, env, pipe)
	}
	own := topics(q)
	base := jointBaseKey(src, q, env)
	m := &jointMember{pipe: pipe, faults: env.Faults, topics: own}
	joints.Lock()
	if g := openReadOf(base, own); g != nil {
		m.handedOf(g.topics)
		g.pending = append(g.pending, m)
		g.waiting++
		g.arrived.Store(true)
		joints.Unlock()
		return g.wait(ctx, m)
	}
	reads := widen(q, own)
	from := cachedReadOf(base, own)
	if from != nil {
		reads = from.topics
	}
	m.handedOf(reads)
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &jointRead{key: base + "|" + strings.Join(reads, ","), base: base, topics: reads,
		trimmed: map[string]data.Notice{}, ctx: rctx, cancel: cancel, done: make(chan struct{}), waiting: 1,
		members: []*jointMember{m}, keepMax: min(src.queryBytes(), jointKeptMax), keeping: true,
		src: src, q: q, env: env}
	joints.open[g.key] = g
	joints.Unlock()
	go g.run(src, q, env, from)
	return g.wait(ctx, m)
}

// run reads once for all members (from Kafka, or from a read that just
// ended: from), then hands the records to those that joined too late to be
// handed the last of them.
func (g *jointRead) run(src *Source, q *query.Query, env *Env, from *jointCached) {
	defer close(g.done)
	defer g.cancel()
	g.replay = newFeeder(src, q, nil, nil)
	g.replay.replay = true // counted once, by the read
	// The read counts its bad records in the metrics once (its own Faults)
	// and tells each member of those of its topics (note).
	lead := *env
	lead.Faults = &Faults{}
	if from != nil && from.holds(g.ctx, src, q, env) {
		g.notices, g.err = g.rerun(src, q, &lead, from)
	} else {
		share := &readShare{notes: g.note, feed: g.feed, topics: g.topics, trimmed: g.trimmed}
		g.share = share
		g.notices, g.err = read(g.ctx, src, q, &lead, jointPipe{g}, share)
		g.cache(share)
	}
	late := g.closeDoor()
	if g.err == nil {
		g.admit(late)
	}
	g.kept, g.handed = nil, nil
}

// feed keeps r for joiners (or notes how far the read got) and hands it on
// (decode), after handing the members that joined since the last record
// what was read before.
func (g *jointRead) feed(r *kgo.Record, decode func(*kgo.Record)) {
	if g.arrived.Load() {
		g.admit(g.takePending())
	}
	if g.keeping {
		keepMax := g.keepMax
		if len(g.members) == 1 {
			keepMax = min(keepMax, JointLoneKeptMax)
		}
		if n := recBytes(r) + keptRecordOverhead; g.keptBytes+n <= keepMax {
			g.kept = append(g.kept, r)
			g.keptBytes += n
		} else if len(g.members) > 1 {
			g.admit(g.closeDoor())
			g.shut = true
			g.kept, g.keptBytes, g.keeping = nil, 0, false
		} else {
			g.forget()
		}
	}
	if !g.keeping && !g.shut {
		g.handed[tp{r.Topic, r.Partition}] = r.Offset + 1
	}
	decode(r)
}

// forget lets the kept records go, noting how far they reach.
func (g *jointRead) forget() {
	g.handed = map[tp]int64{}
	for _, k := range g.kept {
		g.handed[tp{k.Topic, k.Partition}] = k.Offset + 1 // a partition's records come in offset order
	}
	g.kept, g.keptBytes, g.keeping = nil, 0, false
}

// takePending returns the members that joined since the last call.
func (g *jointRead) takePending() []*jointMember {
	joints.Lock()
	defer joints.Unlock()
	late := g.pending
	g.pending = nil
	g.arrived.Store(false)
	return late
}

// closeDoor lets no one join any more and returns who joined last.
func (g *jointRead) closeDoor() []*jointMember {
	joints.Lock()
	if joints.open[g.key] == g {
		delete(joints.open, g.key)
	}
	joints.Unlock()
	return g.takePending()
}

// admit hands each joiner the records handed on so far (kept, or read
// again from Kafka), then makes it a member.
func (g *jointRead) admit(late []*jointMember) {
	for _, m := range late {
		if m.gone.Load() {
			continue
		}
		g.replay.pipe, g.replay.notes = m.pipe, m.noteFault
		if g.keeping {
			for _, r := range g.kept {
				if m.wants(r.Topic) {
					g.replay.feed(g.ctx, r)
				}
			}
		} else if err := g.fetchMissed(m); err != nil {
			m.err = fmt.Errorf("joint range read: reading the records read before this query joined: %w", err)
			g.leave(m)
			continue // it returns m.err when the read ends
		}
		g.members = append(g.members, m)
	}
	g.replay.pipe, g.replay.notes = nil, nil
}

// note tells the members of a record of their topics that did not decode
// (the read counts it in the metrics).
func (g *jointRead) note(kind codec.ErrClass, topic, where, msg string) {
	for _, m := range g.members {
		if !m.gone.Load() && m.wants(topic) {
			m.faults.note(kind, where, msg)
		}
	}
}

// noteFault tells m of a record that did not decode.
func (m *jointMember) noteFault(kind codec.ErrClass, _, where, msg string) {
	m.faults.note(kind, where, msg)
}

// handedOf sets what m is handed of a read of topics: the records of its
// own topics only, when the read reads more.
func (m *jointMember) handedOf(topics []string) {
	m.only = nil
	if len(topics) != len(m.topics) {
		m.only = make(map[string]bool, len(m.topics))
		for _, t := range m.topics {
			m.only[t] = true
		}
	}
}

// wanted says whether a member is handed the records of topic (a rerun
// decodes no record that none is handed).
func (g *jointRead) wanted(topic string) bool {
	for _, m := range g.members {
		if m.wants(topic) {
			return true
		}
	}
	return false
}

// wants says whether m is handed the records of topic.
func (m *jointMember) wants(topic string) bool { return m.only == nil || m.only[topic] }

// wait returns the joint read's result, or ctx's error when this member's
// request ends first (the read stops when no member waits for it).
func (g *jointRead) wait(ctx context.Context, m *jointMember) ([]data.Notice, error) {
	select {
	case <-g.done:
		// The read counted its records' faults in the metrics; what m's
		// pipeline found (a value that does not fit its column) is m's.
		m.faults.flushMetrics()
		if m.err != nil {
			return nil, m.err
		}
		notices := slices.Clone(g.notices) // each member appends its own
		for _, t := range m.topics {
			if n, ok := g.trimmed[t]; ok {
				notices = append(notices, n)
			}
		}
		return notices, g.err
	case <-ctx.Done():
		g.leave(m)
		return nil, fmt.Errorf("joint range read: %w", ctx.Err())
	}
}

// leave hands m nothing more; the read stops when no member waits.
func (g *jointRead) leave(m *jointMember) {
	if !m.gone.CompareAndSwap(false, true) {
		return // it left already
	}
	joints.Lock()
	defer joints.Unlock()
	g.waiting--
	if g.waiting == 0 {
		if joints.open[g.key] == g {
			delete(joints.open, g.key) // no one joins a read being stopped
		}
		g.cancel()
	}
}

// jointBaseKey names the records a read fetches, but for their topics, and
// how it decodes them: reads of the same base share when one reads every
// topic of the other (jointwiden.go).
func jointBaseKey(src *Source, q *query.Query, env *Env) string {
	return fmt.Sprintf("%p|%p|%s|%d|%d|%d|%d|%s|%s|%s|%t",
		src.Kafka, src.Registry, q.Format, q.Partition,
		env.From.UnixNano(), env.To.UnixNano(), q.Limit, q.Isolation, q.KeyFormat, q.PrecisionUnit(), q.ShowsKey())
}

// jointPipe hands each record to every member's pipeline.
type jointPipe struct{ g *jointRead }

func (j jointPipe) Add(r *Rec) {
	for _, m := range j.g.members {
		if !m.gone.Load() && m.wants(r.Kafka.Topic) {
			m.pipe.Add(r)
		}
	}
}

func (j jointPipe) Pending() int              { return 0 }
func (j jointPipe) Frames(bool) []*data.Frame { return nil }
