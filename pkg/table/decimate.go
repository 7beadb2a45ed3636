package table

import (
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// Decimate cuts each series (rows of one label) to about maxPoints rows
// without losing extremes, the way pkg/decimate does rows: the time span
// [from, to] (unix ns; the rows' own span when from >= to) is cut into
// maxPoints/2 buckets (decimate.Span), and each bucket with more than one
// row becomes two rows, at the times of its first and last row. Each number
// column holds the bucket's minimum and maximum (decimate.Extremes), in the
// order they occurred; strings and bools hold the values of the first and
// last row. Rows end sorted by time within each series. Decimating again
// (with the same or a wider span) keeps the extremes, so a long read can be
// decimated as it goes (once it holds decimate.Above(maxPoints) rows).
func (t *Table) Decimate(maxPoints int, from, to int64) {
	if maxPoints <= 0 || len(t.times) <= maxPoints {
		return
	}
	t.pad()
	t.decimations++
	if from >= to {
		from, to = t.times[0], t.times[0]
		for _, ts := range t.times {
			from, to = min(from, ts), max(to, ts)
		}
	}
	bucket := decimate.NewSpan(maxPoints, from, to).Bucket

	// Group the rows by series, keeping first-seen series order.
	var order []string
	series := map[string][]int{}
	for i := range t.times {
		l := ""
		if t.opt.Labels {
			l = t.labels[i]
		}
		if _, ok := series[l]; !ok {
			order = append(order, l)
		}
		series[l] = append(series[l], i)
	}

	// A long read decimates again once the rows have grown back to this
	// size: make room for them now, so the columns are not regrown (and
	// reallocated several times) after each decimation.
	out := t.emptyLike(cap(t.times))
	t.series = len(order)
	for _, l := range order {
		rows := series[l]
		sort.SliceStable(rows, func(a, b int) bool {
			ba, bb := bucket(t.times[rows[a]]), bucket(t.times[rows[b]])
			if ba != bb {
				return ba < bb
			}
			return t.times[rows[a]] < t.times[rows[b]]
		})
		if len(rows) <= maxPoints {
			for _, r := range rows {
				out.copyRow(t, r)
			}
			continue
		}
		for start := 0; start < len(rows); {
			end := start + 1
			b := bucket(t.times[rows[start]])
			for end < len(rows) && bucket(t.times[rows[end]]) == b {
				end++
			}
			t.emitBucket(out, rows[start:end])
			start = end
		}
	}
	t.times, t.labels, t.cols = out.times, out.labels, out.cols
}

// Compact decimates the rows to maxPoints per series once they hold more
// than decimate.Above(maxPoints) per series (as many series as the last
// decimation found, at least one), so that a long read's memory stays
// bounded and each record costs O(1) on average; maxPoints 0 (no budget)
// never decimates.
//
// Per series, not per table: a decimation keeps up to maxPoints rows of each
// series, so a table of 20 drivers holds ~20·maxPoints rows right after one.
// Compared with the whole table, the threshold 2·maxPoints+1024 was crossed
// again by the next record, and a Live range read of 20 drivers decimated on
// almost every record (34 s for what took 0.8 s without stream, issue 11).
func (t *Table) Compact(maxPoints int, from, to int64) {
	if maxPoints > 0 && len(t.times) > decimate.Above(maxPoints)*max(1, t.series) {
		t.Decimate(maxPoints, from, to)
	}
}

// emitBucket writes one bucket's one or two rows to out.
func (t *Table) emitBucket(out *Table, rows []int) {
	first, last := rows[0], rows[len(rows)-1]
	if len(rows) == 1 {
		out.copyRow(t, first)
		return
	}
	out.times = append(out.times, t.times[first], t.times[last])
	if t.opt.Labels {
		out.labels = append(out.labels, t.labels[first], t.labels[last])
	}
	for ci, c := range t.cols {
		oc := out.cols[ci]
		if c.kind != codec.KindNumber {
			oc.copyFrom(c, first)
			oc.copyFrom(c, last)
			continue
		}
		lo, hi := decimate.Extremes(c.nums, c.null, rows)
		switch {
		case lo < 0:
			oc.appendNull()
			oc.appendNull()
		case t.times[lo] <= t.times[hi]:
			oc.copyFrom(c, lo)
			oc.copyFrom(c, hi)
		default:
			oc.copyFrom(c, hi)
			oc.copyFrom(c, lo)
		}
	}
}

// copyRow appends row r of t.
func (out *Table) copyRow(t *Table, r int) {
	out.times = append(out.times, t.times[r])
	if t.opt.Labels {
		out.labels = append(out.labels, t.labels[r])
	}
	for ci, c := range t.cols {
		out.cols[ci].copyFrom(c, r)
	}
}

func (c *column) copyFrom(src *column, r int) {
	if src.null[r] {
		c.appendNull()
		return
	}
	switch c.kind {
	case codec.KindNumber, codec.KindTime:
		c.nums = append(c.nums, src.nums[r])
	case codec.KindString:
		c.strs = append(c.strs, src.strs[r])
	default:
		c.bools = append(c.bools, src.bools[r])
	}
	c.null = append(c.null, false)
}
