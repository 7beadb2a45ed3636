package f1frame

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// livePt is a point waiting for a Live push: its series id, ts and value,
// and when a Flush first saw it (unix ns; 0: not yet), for the hold.
type livePt struct {
	s    int32
	ts   int64
	v    float64
	seen int64
}

// reduceMode is how a series' points of one flush are thinned.
type reduceMode int

const (
	keepExtremes reduceMode = iota // lowest and highest of each slice (slip %)
	keepLast                       // the latest value (running averages)
)

// timelineResetMs: a point this far before what was pushed starts a new
// timeline (a replay of an older race after a live one) instead of being late.
const timelineResetMs = 60_000

// budgetPeriod is the span Options.MaxPointsPerFlush is counted over: a
// stream that flushes more often than this gets a share of it per flush,
// so flushing sooner draws no more points a second.
const budgetPeriod = 100 * time.Millisecond

// liveBuf holds a series set's points until they are pushed.
//
// What a panel needs: Grafana Live appends each push (same schema) to one
// buffer per channel, and the labels layout splits it into one column per
// series joined on time: each push's rows are put in time order, pushes
// are appended. A series whose points were appended out of time order
// draws a line back; rows of different series out of order across pushes
// do not (each series' points are still in its own time order, and the
// time series panel sorts the frame when it sees it is not).
//
// So each series' points are pushed in time order, always: a point older
// than what its series already pushed is counted late and not drawn
// (Stats.Late; one driver's records come from one partition in order, so
// this takes a replay gone backwards or a producer that reorders). Across
// series a flush pushes the points up to the watermark — the oldest latest
// time among the series at most LateAllowanceMs behind the newest — so
// that pushes stay in time order, but only for LiveHoldMs: a point the
// others have not caught up with by then is pushed anyway, and a sample
// of a slower driver that comes later goes in a later push, behind newer
// points of others but in its own series' order. The hold thus bounds
// the wait for the slowest driver's newest sample, which used to last
// until that sample came (a sample period at 1x).
type liveBuf struct {
	pend     []livePt
	ready    []livePt
	pushed   int64   // the newest ts pushed, of any series
	pushedBy []int64 // per series id: the newest ts pushed
	started  bool
	lastTake time.Time
	counts   []int32 // scratch of thin, per series
	drop     []bool  // scratch of thin, per point
	// credit is the share of the point budget (per series) earned since the
	// last take and not yet used: a flush every 33 ms earns 5.3 points of
	// 16, and the fractions add up rather than being lost to rounding.
	credit float64
}

func (l *liveBuf) add(id int32, p decimate.Point) {
	l.pend = append(l.pend, livePt{s: id, ts: p.Ts, v: p.V})
}

// newTimeline reports whether p is so far before what was pushed that a new
// timeline has begun.
func (l *liveBuf) newTimeline(ts int64) bool {
	return l.started && ts < l.pushed-timelineResetMs
}

// reset forgets what was pushed: a new timeline starts.
func (l *liveBuf) reset() {
	l.started, l.pend = false, l.pend[:0]
	l.pushedBy = l.pushedBy[:0]
}

// pushedOf is the newest ts series id pushed (MinInt64: none).
func (l *liveBuf) pushedOf(id int32) int64 {
	if int(id) < len(l.pushedBy) {
		return l.pushedBy[id]
	}
	return math.MinInt64
}

func (l *liveBuf) setPushed(id int32, ts int64) {
	for int(id) >= len(l.pushedBy) {
		l.pushedBy = append(l.pushedBy, math.MinInt64)
	}
	if ts > l.pushedBy[id] {
		l.pushedBy[id] = ts
	}
	if !l.started || ts > l.pushed {
		l.pushed = ts
	}
	l.started = true
}

// due is when the points held by the last take must go out (zero: none
// held).
func (l *liveBuf) due(hold time.Duration) time.Time {
	var first int64
	for _, p := range l.pend {
		if p.seen != 0 && (first == 0 || p.seen < first) {
			first = p.seen
		}
	}
	if first == 0 {
		return time.Time{}
	}
	return time.Unix(0, first).Add(hold)
}

// take returns the points to push at now, thinned per series (perFlush
// points per budgetPeriod since the last take, at least 2) and sorted by
// time, and forgets them. The slice is reused by the next call.
func (l *liveBuf) take(set *seriesSet, o *Options, perFlush int, mode reduceMode, st *Stats, now time.Time) []livePt {
	elapsed, first := now.Sub(l.lastTake), l.lastTake.IsZero()
	l.lastTake = now
	if len(l.pend) == 0 {
		return nil
	}
	newest := int64(math.MinInt64)
	for _, x := range set.list {
		if x.hasPoint && x.lastTs > newest {
			newest = x.lastTs
		}
	}
	wm := newest
	for _, x := range set.list {
		if x.hasPoint && x.lastTs >= newest-o.LateAllowanceMs && x.lastTs < wm {
			wm = x.lastTs
		}
	}
	nowNs, hold := now.UnixNano(), int64(time.Duration(o.LiveHoldMs)*time.Millisecond)
	ready, keep := l.ready[:0], 0
	for _, p := range l.pend {
		if p.seen == 0 {
			p.seen = nowNs
		}
		switch {
		case l.started && p.ts < l.pushedOf(p.s):
			st.Late++
		case p.ts <= wm || nowNs-p.seen >= hold:
			ready = append(ready, p)
		default:
			l.pend[keep] = p
			keep++
		}
	}
	l.pend = l.pend[:keep]
	if len(ready) == 0 {
		l.ready = ready
		return nil
	}
	perSeries := perFlush
	if perFlush > 2 && !first && elapsed < budgetPeriod {
		l.credit = min(float64(perFlush), l.credit+float64(perFlush)*float64(elapsed)/float64(budgetPeriod))
		perSeries = int(l.credit)
		if mode == keepExtremes {
			perSeries &^= 1 // kept in pairs (lowest, highest): the odd one waits
		}
		perSeries = max(2, perSeries)
		l.credit = max(0, l.credit-float64(perSeries))
	} else {
		l.credit = 0
	}
	n := len(ready)
	ready = l.thin(ready, len(set.list), perSeries, mode)
	st.Decimated += int64(n - len(ready))
	// Arrival order is time order for one driver; across drivers it is
	// only nearly so.
	if !slices.IsSortedFunc(ready, byTs) {
		slices.SortFunc(ready, byTsSeries)
	}
	for _, p := range ready {
		l.setPushed(p.s, p.ts)
	}
	l.ready = ready
	return ready
}

func byTs(a, b livePt) int { return cmp.Compare(a.ts, b.ts) }

func byTsSeries(a, b livePt) int { return cmp.Or(cmp.Compare(a.ts, b.ts), cmp.Compare(a.s, b.s)) }

// thin keeps at most max points of each series, in arrival order: all of
// them for a series under the cap (the common case, costing one count), else
// the latest (keepLast) or the lowest and highest of each of max/2 slices.
func (l *liveBuf) thin(pts []livePt, series, max int, mode reduceMode) []livePt {
	if cap(l.counts) < series {
		l.counts = make([]int32, series)
	}
	counts := l.counts[:series]
	clear(counts)
	over := false
	for _, p := range pts {
		counts[p.s]++
		over = over || int(counts[p.s]) > max
	}
	if !over {
		return pts
	}
	drop := l.drop[:0]
	for range pts {
		drop = append(drop, false)
	}
	l.drop = drop
	var idx []int
	var run []decimate.Point
	for s := range counts {
		if int(counts[s]) <= max {
			continue
		}
		idx = idx[:0]
		for i, p := range pts {
			if p.s == int32(s) {
				idx = append(idx, i)
				drop[i] = true
			}
		}
		if mode == keepLast {
			drop[idx[len(idx)-1]] = false
			continue
		}
		run = run[:0]
		for _, i := range idx {
			run = append(run, decimate.Point{Ts: int64(i), V: pts[i].v}) // ts holds the index
		}
		for _, k := range decimate.MinMax(run, max) {
			drop[k.Ts] = false
		}
	}
	out := 0
	for i, p := range pts {
		if !drop[i] {
			pts[out] = p
			out++
		}
	}
	return pts[:out]
}
