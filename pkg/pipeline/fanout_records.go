package pipeline

import (
	"bytes"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// dispatch decodes a poll's records once and hands each to the members
// that may want it. A member that reaches MaxStreamRows rows is flushed at
// once, or, while its last batch is still being sent, detached.
func (f *feed) dispatch(recs []*kgo.Record) {
	if f.multi {
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].Timestamp.Before(recs[j].Timestamp) })
	}
	for _, r := range recs {
		idx, ok := f.index[r.Topic][r.Partition]
		if !ok {
			continue
		}
		f.notes = f.notes[:0]
		err := f.dec.decode(f.ctx, r) // counted in f.faults, said in f.notes
		to := f.targets(r, err == nil)
		f.deliver(r, idx, err == nil, to)
		f.next[idx] = r.Offset + 1
		f.remember(r, idx)
		for _, m := range to {
			if !m.gone && m.pipe.Pending() >= MaxStreamRows {
				f.flush(m, time.Now(), true)
			}
		}
	}
	// Control records (transaction markers) move the offsets too.
	for t, ps := range f.cons.Next() {
		for p, off := range ps {
			if idx, ok := f.index[t][p]; ok && off > f.next[idx] {
				f.next[idx] = off
			}
		}
	}
	for _, m := range f.members {
		if !m.gone {
			f.position(m)
		}
	}
	f.dropGone()
	if lost := f.cons.TakeDataLoss(); len(lost) > 0 {
		ns := dataLossNotices(lost)
		for _, m := range f.members {
			m.notices.add(ns...)
		}
	}
	f.lag = f.cons.Lag()
	f.dec.flushCounts("stream")
	f.faults.flushMetrics()
}

// position sets m.next: every record before it was offered to m.
func (f *feed) position(m *member) {
	for i, off := range f.next {
		m.next[i] = max(m.skip[i], off)
	}
}

// deliver hands the decoded record (or, when it did not decode, nothing)
// to the members, and its faults to their notices. The metrics count a bad
// record once (dispatch); each member's notices name it.
func (f *feed) deliver(r *kgo.Record, idx int, decoded bool, to []*member) {
	for _, m := range to {
		if m.gone || r.Offset < m.skip[idx] {
			continue
		}
		for _, n := range f.notes {
			m.faults.note(n.kind, n.where, n.msg)
		}
		if decoded {
			m.pipe.Add(&f.dec.cur)
		}
	}
}

// targets are the members that may want r (see routing).
func (f *feed) targets(r *kgo.Record, decoded bool) []*member {
	if !f.routed || !decoded {
		return f.members
	}
	f.seq++
	t := append(f.scratch[:0], f.all...)
	var field []byte
	if id, ok := f.driverID.id(f.dec.cur.Names, "driver"); ok {
		if v, ok := f.dec.cur.Lookup(id); ok && v.Kind == codec.KindString {
			field = v.Bytes
		}
	}
	if len(f.anyField) > 0 {
		d := field
		if len(d) == 0 {
			d = r.Key
		}
		if len(d) == 0 {
			t = f.mark(t, f.anyField)
		} else {
			t = f.mark(t, byDriver(f.byField, d))
		}
	}
	if len(f.byKey) > 0 {
		t = f.mark(t, byDriver(f.byKey, r.Key))
		if len(field) > 0 {
			t = f.mark(t, byDriver(f.byKey, field))
		}
	}
	f.scratch = t
	return t
}

// mark appends the members of ms not yet in t for this record.
func (f *feed) mark(t, ms []*member) []*member {
	for _, m := range ms {
		if m.mark != f.seq {
			m.mark = f.seq
			t = append(t, m)
		}
	}
	return t
}

// byDriver looks a driver code up without case.
func byDriver(idx map[string][]*member, code []byte) []*member {
	if ms, ok := idx[string(code)]; ok {
		return ms
	}
	if up := bytes.ToUpper(code); !bytes.Equal(up, code) {
		return idx[string(up)]
	}
	return nil
}

// remember keeps r for joiners, dropping the oldest half past replayMax.
func (f *feed) remember(r *kgo.Record, idx int) {
	if len(f.recent) >= replayMax {
		half := len(f.recent) / 2
		for i, old := range f.recent[:half] {
			f.floor[f.recentIdx[i]] = old.Offset + 1
		}
		n := copy(f.recent, f.recent[half:])
		clear(f.recent[n:])
		f.recent = f.recent[:n]
		f.recentIdx = f.recentIdx[:copy(f.recentIdx, f.recentIdx[half:])]
	}
	f.recent = append(f.recent, r)
	f.recentIdx = append(f.recentIdx, idx)
}

// flushMembers flushes every member whose flush is due.
func (f *feed) flushMembers(now time.Time) {
	for _, m := range f.members {
		full := m.pipe.Pending() >= MaxStreamRows
		if due := m.due(); full || (!due.IsZero() && !now.Before(due)) {
			f.flush(m, now, full)
		}
	}
	f.dropGone()
}

// flush takes m's frames and hands them to its stream. A member whose
// previous batch is still being sent keeps batching; if it is full, it is
// detached where it stands.
func (f *feed) flush(m *member, now time.Time, full bool) {
	if len(m.out) > 0 {
		m.blocked.Store(true)
		if full {
			f.position(m)
			m.gone = true
		}
		return
	}
	frames := m.pipe.Frames(false)
	liveNotices(frames, m.faults, m.notices)
	m.faults.flushMetrics()
	m.policy.sent(now, len(frames) > 0)
	if len(frames) == 0 && m.policy.fixed == 0 {
		return
	}
	next := make([]int64, len(f.next))
	for i, off := range f.next {
		next[i] = max(m.skip[i], off)
	}
	m.out <- batch{frames: frames, next: next, lag: f.lag}
}

// dropGone lets go of the members being detached: their streams read on
// their own from where they stand.
func (f *feed) dropGone() {
	kept := f.members[:0]
	for _, m := range f.members {
		if !m.gone {
			kept = append(kept, m)
			continue
		}
		metricStreamsDetached.WithLabelValues(f.o.UID).Inc()
		close(m.detached)
	}
	if len(kept) == len(f.members) {
		return
	}
	clear(f.members[len(kept):])
	f.members = kept
	f.reindex()
}
