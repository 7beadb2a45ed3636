package table

import (
	"sort"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Span is the earliest and latest row time (unix ns); 0, 0 without rows.
func (t *Table) Span() (from, to int64) {
	for i, ts := range t.times {
		if i == 0 || ts < from {
			from = ts
		}
		if i == 0 || ts > to {
			to = ts
		}
	}
	return from, to
}

// SplitAt moves the rows at or after cut (unix ns) out of t, into a table
// of the same columns that it returns; t keeps the earlier rows, sorted by
// time. Append puts them back.
func (t *Table) SplitAt(cut int64) *Table {
	t.SortByTime()
	t.pad()
	k := sort.Search(len(t.times), func(i int) bool { return t.times[i] >= cut })
	rest := t.emptyLike(len(t.times) - k)
	for r := k; r < len(t.times); r++ {
		rest.copyRow(t, r)
	}
	t.times = t.times[:k]
	if t.opt.Labels {
		t.labels = t.labels[:k]
	}
	for _, c := range t.cols {
		c.nums, c.strs, c.bools, c.null = c.nums[:min(k, len(c.nums))], c.strs[:min(k, len(c.strs))], c.bools[:min(k, len(c.bools))], c.null[:k]
	}
	return rest
}

// Append adds the rows of o, a table SplitAt returned from t (the same
// columns, or a prefix of t's: t may have gained columns since).
func (t *Table) Append(o *Table) {
	o.pad()
	t.pad()
	for r := range o.times {
		t.times = append(t.times, o.times[r])
		if t.opt.Labels {
			t.labels = append(t.labels, o.labels[r])
		}
		for ci, c := range t.cols {
			if ci < len(o.cols) {
				c.copyFrom(o.cols[ci], r)
			} else {
				c.appendNull()
			}
		}
	}
}

// emptyLike is a table of t's columns (names, kinds, lookups) without
// rows, with room for n.
func (t *Table) emptyLike(n int) *Table {
	out := &Table{opt: t.opt, index: t.index, interns: t.interns, faults: t.faults, where: t.where, bound: t.bound, byID: t.byID,
		times: make([]int64, 0, n), series: t.series}
	if t.opt.Labels {
		out.labels = make([]string, 0, n)
	}
	for _, c := range t.cols {
		oc := &column{name: c.name, kind: c.kind, null: make([]bool, 0, n)}
		switch c.kind {
		case codec.KindNumber, codec.KindTime:
			oc.nums = make([]float64, 0, n)
		case codec.KindString:
			oc.strs = make([]string, 0, n)
		default:
			oc.bools = make([]bool, 0, n)
		}
		out.cols = append(out.cols, oc)
	}
	return out
}
