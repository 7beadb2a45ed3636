package table

import (
	"slices"
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// Decimate cuts each series (rows of one label) to at most maxPoints rows
// without losing extremes and keeps whole rows, the way pkg/decimate does
// rows: the time span [from, to] (unix ns; the rows' own span when from >=
// to) is cut into maxPoints/2 buckets (decimate.Span), and of each bucket
// the rows holding a number column's lowest or highest value are kept as
// they were read, every column of one record (decimate.Keep); a bucket
// without numbers keeps its first and last row. When the columns peak at
// so many different rows that a series would hold more than maxPoints,
// its buckets are widened until it fits (decimate.Fit). The rows end in
// time order (equal times in the order they were). Decimating again with
// the same span keeps the same rows, so a long read can be decimated as it
// goes (once it holds decimate.Above(maxPoints) rows per series).
func (t *Table) Decimate(maxPoints int, from, to int64) {
	if maxPoints <= 0 || len(t.times) <= maxPoints {
		return
	}
	t.pad()
	t.decimations++
	if from >= to {
		from, to = t.Span()
	}
	span := decimate.NewSpan(maxPoints, from, to)
	if t.levels == nil || t.levelsOf != [3]int64{int64(maxPoints), from, to} {
		t.levels, t.levelsOf = map[string]int{}, [3]int64{int64(maxPoints), from, to}
	}

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
	var cols []decimate.Column
	for _, c := range t.cols {
		if c.kind == codec.KindNumber {
			cols = append(cols, decimate.Column{Vals: c.nums, Null: c.null})
		}
	}

	// Rows in time order (a sorted read, Take) need no sorting: each
	// series' rows are, and so are the kept ones, taken in row order.
	inOrder := slices.IsSorted(t.times)
	keep := make([]int, 0, min(len(t.times), len(order)*maxPoints))
	longest := 0
	for _, rows := range series {
		longest = max(longest, len(rows))
	}
	buckets := make([]int64, 0, longest)
	for _, l := range order {
		rows := series[l]
		if len(rows) <= maxPoints {
			keep = append(keep, rows...)
			continue
		}
		if !inOrder {
			sort.SliceStable(rows, func(a, b int) bool { return t.times[rows[a]] < t.times[rows[b]] })
		}
		buckets = buckets[:0]
		for _, r := range rows {
			buckets = append(buckets, span.Bucket(t.times[r]))
		}
		var kept []int
		kept, t.levels[l] = decimate.Fit(rows, buckets, cols, maxPoints, t.levels[l])
		keep = append(keep, kept...)
	}
	// One time order over all series, equal times in row order.
	if inOrder {
		kept := make([]bool, len(t.times))
		for _, r := range keep {
			kept[r] = true
		}
		keep = keep[:0]
		for r, k := range kept {
			if k {
				keep = append(keep, r)
			}
		}
	} else {
		sort.Slice(keep, func(a, b int) bool {
			ta, tb := t.times[keep[a]], t.times[keep[b]]
			return ta < tb || ta == tb && keep[a] < keep[b]
		})
	}

	// A long read decimates again once the rows have grown back to this
	// size: make room for them now, so the columns are not regrown (and
	// reallocated several times) after each decimation.
	out := t.emptyLike(cap(t.times))
	t.series = len(order)
	for _, r := range keep {
		out.copyRow(t, r)
	}
	t.times, t.labels, t.cols = out.times, out.labels, out.cols
}

// Widening is how many times wider than maxPoints/2 buckets over [from,
// to] the widest buckets of the last decimation were (1 unless a series'
// columns peaked at more rows than its budget: decimate.Fit). Kept rows
// of a continuous series are less than two of those buckets apart.
func (t *Table) Widening() int {
	level := 0
	for _, l := range t.levels {
		level = max(level, l)
	}
	return 1 << min(level, 30)
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
