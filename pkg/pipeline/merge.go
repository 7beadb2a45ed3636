package pipeline

import (
	"math"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A query type that reads several topics (the F1 types that join
// telemetry, positions, race control and alerts) needs their records merged
// by timestamp. Reading the topics one after the other and sorting held
// every raw record of the read in memory (a race's telemetry: hundreds of
// megabytes). Instead all topics are read at once (kafka.ReadRanges: every
// fetch brings each open partition a little further) and a record is handed
// on as soon as no open partition can still bring an older one: each
// partition is in time order, so that point is the smallest "latest
// timestamp" among the partitions still open (the watermark). What waits is
// the skew between partitions, not the read. Should it grow past
// maxMergeHeld bytes anyway, the oldest records are handed on early (the
// merge may then be out of order by a little, and a notice says so).

// maxMergeHeld bounds the bytes of records waiting in a merge.
const maxMergeHeld = 64 << 20

type tp struct {
	topic     string
	partition int32
}

// merger hands records on in timestamp order across partitions.
//
// It is on the path of every record of a multi-topic read, and it may hold
// tens of thousands of them, so its heap orders plain values (timestamp,
// topic rank and partition, offset) rather than records behind pointers and
// an interface (container/heap): BenchmarkMerge, 575-665 ns a record before,
// measures it.
type merger struct {
	feed  func(*kgo.Record)
	wait  recHeap
	held  int64
	parts map[tp]*mergePart
	open  []*mergePart // the partitions still open
	rank  map[string]int
	// last spares most records the map lookup: a fetch brings a partition's
	// records together.
	last *mergePart
	// early counts records handed on before the watermark allowed.
	early int
}

// mergePart is one partition of a merge.
type mergePart struct {
	k      tp
	order  uint64 // topic rank << 32 | partition: the order of equal timestamps
	latest int64  // latest timestamp seen
	seen   bool   // brought a record
	open   bool
}

// newMerger starts a merge of the given partitions (all open). topics
// ranks the topics for records of equal timestamps: the query's main topic
// first, as when the topics were read one after the other.
func newMerger(topics []string, parts []tp, feed func(*kgo.Record)) *merger {
	rank := make(map[string]int, len(topics))
	for i, t := range topics {
		rank[t] = i
	}
	m := &merger{feed: feed, parts: make(map[tp]*mergePart, len(parts)), rank: rank}
	for _, p := range parts {
		if m.parts[p] != nil {
			continue
		}
		mp := &mergePart{k: p, order: uint64(rank[p.topic])<<32 | uint64(uint32(p.partition)), open: true}
		m.parts[p] = mp
		m.open = append(m.open, mp)
	}
	return m
}

// part is the state of r's partition (one the merge was not started with is
// added, closed: it never holds the others back).
func (m *merger) part(r *kgo.Record) *mergePart {
	if p := m.last; p != nil && p.k.partition == r.Partition && p.k.topic == r.Topic {
		return p
	}
	k := tp{r.Topic, r.Partition}
	p := m.parts[k]
	if p == nil {
		p = &mergePart{k: k, order: uint64(m.rank[k.topic])<<32 | uint64(uint32(k.partition))}
		m.parts[k] = p
	}
	m.last = p
	return p
}

// add takes one record of an open partition.
func (m *merger) add(r *kgo.Record) {
	p := m.part(r)
	ts := r.Timestamp.UnixNano()
	if !p.seen || ts > p.latest {
		p.latest, p.seen = ts, true
	}
	m.wait.push(mergeEntry{ts: ts, order: p.order, off: r.Offset, r: r})
	m.held += recBytes(r)
	m.release()
}

// done closes a partition: it brings nothing more.
func (m *merger) done(topic string, partition int32) {
	if p := m.parts[tp{topic, partition}]; p != nil && p.open {
		p.open = false
		for i, o := range m.open {
			if o == p {
				m.open = append(m.open[:i], m.open[i+1:]...)
				break
			}
		}
	}
	m.release()
}

// flush hands on everything still waiting (the read is over).
func (m *merger) flush() {
	for len(m.wait.e) > 0 {
		m.pop()
	}
}

// release hands on what the watermark allows, and the oldest records while
// more than maxMergeHeld bytes wait.
func (m *merger) release() {
	wm, bounded := m.watermark()
	for len(m.wait.e) > 0 {
		switch {
		case !bounded || m.wait.e[0].ts <= wm:
		case m.held > maxMergeHeld:
			m.early++
		default:
			return
		}
		m.pop()
	}
}

func (m *merger) pop() {
	r := m.wait.pop()
	m.held -= recBytes(r)
	m.feed(r)
}

// watermark is the smallest latest timestamp of the open partitions; not
// bounded when none is open. A partition that has brought nothing yet
// holds everything back.
func (m *merger) watermark() (int64, bool) {
	if len(m.open) == 0 {
		return 0, false
	}
	wm := int64(math.MaxInt64)
	for _, p := range m.open {
		if !p.seen {
			return math.MinInt64, true
		}
		wm = min(wm, p.latest)
	}
	return wm, true
}

func recBytes(r *kgo.Record) int64 { return int64(len(r.Key) + len(r.Value)) }

// mergeEntry is a waiting record with what orders it: its timestamp, then
// its topic's rank and its partition, then its offset (so equal timestamps
// come out the same way every time).
type mergeEntry struct {
	ts    int64
	order uint64
	off   int64
	r     *kgo.Record
}

func (a *mergeEntry) before(b *mergeEntry) bool {
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	if a.order != b.order {
		return a.order < b.order
	}
	return a.off < b.off
}

// recHeap is a binary min-heap of waiting records.
type recHeap struct{ e []mergeEntry }

func (h *recHeap) push(x mergeEntry) {
	h.e = append(h.e, x)
	i := len(h.e) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h.e[i].before(&h.e[parent]) {
			break
		}
		h.e[i], h.e[parent] = h.e[parent], h.e[i]
		i = parent
	}
}

// pop takes the earliest record off the heap.
func (h *recHeap) pop() *kgo.Record {
	e := h.e
	r := e[0].r
	n := len(e) - 1
	e[0] = e[n]
	e[n] = mergeEntry{}
	e = e[:n]
	h.e = e
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && e[c+1].before(&e[c]) {
			c++
		}
		if !e[c].before(&e[i]) {
			break
		}
		e[i], e[c] = e[c], e[i]
		i = c
	}
	return r
}
