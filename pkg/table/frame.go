package table

import (
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Frame builds a frame from the rows: ["labels",] "time", then one nullable
// typed field per column, each with fieldLabels. The frame owns its memory;
// the table may be Reset and refilled afterwards.
func (t *Table) Frame(name string, fieldLabels data.Labels) *data.Frame {
	t.pad()
	n := len(t.times)
	fields := make([]*data.Field, 0, len(t.cols)+2)
	if t.opt.Labels {
		fields = append(fields, data.NewField("labels", nil, append([]string(nil), t.labels...)))
	}
	times := make([]time.Time, n)
	for i, ns := range t.times {
		times[i] = time.Unix(0, ns).UTC()
	}
	fields = append(fields, data.NewField("time", nil, times))
	for _, c := range t.cols {
		var f *data.Field
		switch c.kind {
		case codec.KindTime:
			vals := make([]time.Time, n)
			ptrs := make([]*time.Time, n)
			for i := range ptrs {
				if !c.null[i] {
					vals[i] = time.Unix(0, codec.TimeNanos(c.nums[i])).UTC()
					ptrs[i] = &vals[i]
				}
			}
			f = data.NewField(c.name, fieldLabels, ptrs)
		case codec.KindNumber:
			vals := append([]float64(nil), c.nums...)
			ptrs := make([]*float64, n)
			for i := range ptrs {
				if !c.null[i] {
					ptrs[i] = &vals[i]
				}
			}
			f = data.NewField(c.name, fieldLabels, ptrs)
		case codec.KindString:
			vals := append([]string(nil), c.strs...)
			ptrs := make([]*string, n)
			for i := range ptrs {
				if !c.null[i] {
					ptrs[i] = &vals[i]
				}
			}
			f = data.NewField(c.name, fieldLabels, ptrs)
		default:
			vals := append([]bool(nil), c.bools...)
			ptrs := make([]*bool, n)
			for i := range ptrs {
				if !c.null[i] {
					ptrs[i] = &vals[i]
				}
			}
			f = data.NewField(c.name, fieldLabels, ptrs)
		}
		fields = append(fields, f)
	}
	return data.NewFrame(name, fields...)
}

// Take returns the rows as a frame (Frame), in time order and, for the last
// frame of a query (final), decimated to maxPoints per series over [from,
// to] and, with Options.Grid, put on its buckets' places (OnGrid), and
// empties the table, keeping its columns.
func (t *Table) Take(name string, fieldLabels data.Labels, final bool, maxPoints int, from, to int64) *data.Frame {
	t.SortByTime()
	if final {
		t.Decimate(maxPoints, from, to)
		if t.opt.Grid {
			t.OnGrid(maxPoints, from, to)
		}
	}
	f := t.Frame(name, fieldLabels)
	t.Reset()
	return f
}

// SortByTime orders the rows by time, keeping the order of equal times (so
// records of one partition stay in offset order).
func (t *Table) SortByTime() {
	if sort.SliceIsSorted(t.times, func(i, j int) bool { return t.times[i] < t.times[j] }) {
		return
	}
	t.pad()
	perm := make([]int, len(t.times))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return t.times[perm[a]] < t.times[perm[b]] })
	t.permute(perm)
}

// permute reorders the rows: row i becomes old row perm[i].
func (t *Table) permute(perm []int) {
	times := make([]int64, len(perm))
	for i, p := range perm {
		times[i] = t.times[p]
	}
	t.times = times
	if t.opt.Labels {
		labels := make([]string, len(perm))
		for i, p := range perm {
			labels[i] = t.labels[p]
		}
		t.labels = labels
	}
	for _, c := range t.cols {
		null := make([]bool, len(perm))
		switch c.kind {
		case codec.KindNumber, codec.KindTime:
			v := make([]float64, len(perm))
			for i, p := range perm {
				v[i], null[i] = c.nums[p], c.null[p]
			}
			c.nums = v
		case codec.KindString:
			v := make([]string, len(perm))
			for i, p := range perm {
				v[i], null[i] = c.strs[p], c.null[p]
			}
			c.strs = v
		default:
			v := make([]bool, len(perm))
			for i, p := range perm {
				v[i], null[i] = c.bools[p], c.null[p]
			}
			c.bools = v
		}
		c.null = null
	}
}
