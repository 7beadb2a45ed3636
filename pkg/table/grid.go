package table

import (
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// OnGrid puts the rows of each series on places that every series of the
// table shares: the span [from, to] is cut into buckets as Decimate cuts
// it for maxPoints rows per series (decimate.Span), each bucket into as
// many places as a decimation may keep rows there (a lowest and a highest
// row per number column), and each row goes to the place it falls in, or
// to the nearest free one of its bucket when a row of its series took
// that place. Rows stay in their bucket and in their order, so no row
// moves by a bucket (two of a panel's points) or more. A series with more
// rows in a bucket than it has places (not decimated and dense), or a row
// outside the span, keeps its times.
//
// Why: Grafana's time series panel joins its series on time before it
// draws them. Twenty drivers sampled at their own instants, decimated to
// 800 points each, joined into 16,000 rows of twenty columns, nearly all
// null, and five such panels kept a browser busy for seconds (issue 11).
// On shared places the join has at most maxPoints rows per number column,
// and the lines look the same.
func (t *Table) OnGrid(maxPoints int, from, to int64) {
	if maxPoints <= 0 || to <= from || len(t.times) == 0 {
		return
	}
	t.pad()
	span := decimate.NewSpan(maxPoints, from, to)
	numbers := 0
	for _, c := range t.cols {
		if c.kind == codec.KindNumber {
			numbers++
		}
	}
	places := 2 * max(numbers, 1)

	series := map[string]*gridSeries{}
	var order []*gridSeries
	for r, ns := range t.times {
		l := ""
		if t.opt.Labels {
			l = t.labels[r]
		}
		s := series[l]
		if s == nil {
			s = &gridSeries{bucket: -1}
			series[l] = s
			order = append(order, s)
		}
		if s.off {
			continue
		}
		if ns < from || ns > to {
			s.off = true
			continue
		}
		b, i := span.Places(ns, places)
		if b != s.bucket {
			s.settle(places)
			s.bucket = b
		}
		s.open = append(s.open, gridRow{row: r, bucket: b, place: i})
	}
	moved := false
	for _, s := range order {
		s.settle(places)
		if s.off {
			continue
		}
		for _, g := range s.done {
			if at := span.Slot(g.bucket, g.place, places); t.times[g.row] != at {
				t.times[g.row] = at
				moved = true
			}
		}
	}
	if moved {
		t.SortByTime()
	}
}

type gridRow struct {
	row    int
	bucket int64
	place  int
}

// gridSeries is one series' rows on their way to places: those of the
// bucket being read (open) and those placed (done).
type gridSeries struct {
	bucket     int64
	open, done []gridRow
	off        bool // a row outside the span or a full bucket: keeps its times
}

// settle gives the open bucket's rows distinct places in their order, each
// as near the place it fell in as the others allow.
func (s *gridSeries) settle(places int) {
	n := len(s.open)
	if n == 0 || s.off {
		s.open = s.open[:0]
		return
	}
	if n > places {
		s.off, s.open, s.done = true, nil, nil
		return
	}
	prev := -1
	for k := range s.open {
		p := max(s.open[k].place, prev+1)
		p = min(p, places-(n-k)) // leave room for the rows after it
		s.open[k].place = p
		prev = p
	}
	s.done = append(s.done, s.open...)
	s.open = s.open[:0]
}
