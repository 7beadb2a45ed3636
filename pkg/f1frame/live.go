package f1frame

import (
	"cmp"
	"math"
	"slices"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// livePt is a point waiting for a Live push: its series id, ts and value.
type livePt struct {
	s  int32
	ts int64
	v  float64
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

// liveBuf holds a series set's points until they can be pushed in time
// order. Each driver's records arrive in time order, but drivers come from
// different partitions that may lag one another. A flush pushes only points
// up to the watermark — the oldest latest time among the series that are at
// most LateAllowanceMs behind the newest — so every later point of any
// series is newer than everything pushed, and Grafana's streaming frame
// stays sorted by time. A series further behind (a car in the garage, a
// stalled partition) does not hold the others; its points that arrive after
// newer ones were pushed are counted as late and not drawn.
type liveBuf struct {
	pend    []livePt
	ready   []livePt
	pushed  int64 // the newest ts pushed
	started bool
	counts  []int32 // scratch of thin, per series
	drop    []bool  // scratch of thin, per point
}

func (l *liveBuf) add(id int32, p decimate.Point) {
	l.pend = append(l.pend, livePt{s: id, ts: p.Ts, v: p.V})
}

// newTimeline reports whether p is so far before what was pushed that a new
// timeline has begun.
func (l *liveBuf) newTimeline(ts int64) bool {
	return l.started && ts < l.pushed-timelineResetMs
}

// take returns the points to push now, thinned to perSeries points per series
// and sorted by time, and forgets them. The slice is reused by the next call.
func (l *liveBuf) take(set *seriesSet, allowanceMs int64, perSeries int, mode reduceMode, st *Stats) []livePt {
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
		if x.hasPoint && x.lastTs >= newest-allowanceMs && x.lastTs < wm {
			wm = x.lastTs
		}
	}
	ready, keep := l.ready[:0], 0
	for _, p := range l.pend {
		switch {
		case l.started && p.ts < l.pushed:
			st.Late++
		case p.ts <= wm:
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
	n := len(ready)
	ready = l.thin(ready, len(set.list), perSeries, mode)
	st.Decimated += int64(n - len(ready))
	// Arrival order is time order for one driver; across drivers it is
	// only nearly so.
	if !slices.IsSortedFunc(ready, byTs) {
		slices.SortFunc(ready, byTsSeries)
	}
	if last := ready[len(ready)-1].ts; !l.started || last > l.pushed {
		l.pushed = last
	}
	l.started = true
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
