package pipeline

import (
	"container/heap"

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
type merger struct {
	feed   func(*kgo.Record)
	wait   recHeap // ordered by timestamp, then topic rank, partition, offset
	held   int64
	latest map[tp]int64 // latest timestamp seen, per open partition
	open   map[tp]bool
	// early counts records handed on before the watermark allowed.
	early int
}

// newMerger starts a merge of the given partitions (all open). topics
// ranks the topics for records of equal timestamps: the query's main topic
// first, as when the topics were read one after the other.
func newMerger(topics []string, parts []tp, feed func(*kgo.Record)) *merger {
	m := &merger{feed: feed, latest: map[tp]int64{}, open: map[tp]bool{}}
	m.wait.rank = map[string]int{}
	for i, t := range topics {
		m.wait.rank[t] = i
	}
	for _, p := range parts {
		m.open[p] = true
	}
	return m
}

// add takes one record of an open partition.
func (m *merger) add(r *kgo.Record) {
	k := tp{r.Topic, r.Partition}
	ts := r.Timestamp.UnixNano()
	if ts > m.latest[k] {
		m.latest[k] = ts
	}
	heap.Push(&m.wait, r)
	m.held += recBytes(r)
	m.release()
}

// done closes a partition: it brings nothing more.
func (m *merger) done(topic string, partition int32) {
	delete(m.open, tp{topic, partition})
	m.release()
}

// flush hands on everything still waiting (the read is over).
func (m *merger) flush() {
	for m.wait.Len() > 0 {
		m.pop()
	}
}

// release hands on what the watermark allows, and the oldest records while
// more than maxMergeHeld bytes wait.
func (m *merger) release() {
	wm, bounded := m.watermark()
	for m.wait.Len() > 0 {
		r := m.wait.recs[0]
		switch {
		case !bounded || r.Timestamp.UnixNano() <= wm:
		case m.held > maxMergeHeld:
			m.early++
		default:
			return
		}
		m.pop()
	}
}

func (m *merger) pop() {
	r := heap.Pop(&m.wait).(*kgo.Record)
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
	first := true
	var wm int64
	for k := range m.open {
		ts, ok := m.latest[k]
		if !ok {
			return -1 << 63, true
		}
		if first || ts < wm {
			wm, first = ts, false
		}
	}
	return wm, true
}

func recBytes(r *kgo.Record) int64 { return int64(len(r.Key) + len(r.Value)) }

// recHeap orders records by timestamp, then topic rank, partition and
// offset (so equal timestamps come out the same way every time).
type recHeap struct {
	recs []*kgo.Record
	rank map[string]int
}

func (h *recHeap) Len() int { return len(h.recs) }
func (h *recHeap) Less(i, j int) bool {
	a, b := h.recs[i], h.recs[j]
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	if a.Topic != b.Topic {
		return h.rank[a.Topic] < h.rank[b.Topic]
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.Offset < b.Offset
}
func (h *recHeap) Swap(i, j int) { h.recs[i], h.recs[j] = h.recs[j], h.recs[i] }
func (h *recHeap) Push(x any)    { h.recs = append(h.recs, x.(*kgo.Record)) }
func (h *recHeap) Pop() any {
	n := len(h.recs) - 1
	r := h.recs[n]
	h.recs[n] = nil
	h.recs = h.recs[:n]
	return r
}
