package decimate

import "sort"

// Rows of a table (pkg/table: many columns, one time per row) are decimated
// per series by time, keeping whole rows: the span of the read is cut into
// buckets, and of each bucket the rows that hold a number column's lowest
// or highest value are kept (Keep), each as it was read, with all its
// columns. A row is never made of two records' values (an x of one sample
// with the y of another). When the kept rows are more than the budget (the
// columns peak at different rows), the buckets are widened, twice as wide
// at each level, until they fit (Fit). Decimating again with the same span
// keeps the same rows, so a long read is decimated as it goes (Above says
// when).

// Above is how many rows a table of a long read may hold before it is
// decimated to maxPoints per series. A one-hour full-grid telemetry query
// (20 drivers, MaxDataPoints 1000) then holds at most about 8 MB of rows,
// not 13 MB as with 4*maxPoints+1024 (about 9 MB less peak heap, measured
// by internal/bench), for a little more decimation work.
func Above(maxPoints int) int { return 2*maxPoints + 1024 }

// Span is the time span [from, to] (unix ns, inclusive) cut into the
// buckets of a decimation to maxPoints rows per series.
type Span struct {
	from, to int64
	n        int64 // buckets
}

// NewSpan returns the buckets of [from, to] for maxPoints rows: maxPoints/2
// buckets, room for a lowest and a highest row each.
func NewSpan(maxPoints int, from, to int64) Span {
	return Span{from: from, to: to, n: int64(max(maxPoints/2, 1))}
}

// Bucket is the bucket of time ts; times outside the span go to the first
// or the last bucket. It never decreases as ts grows.
func (s Span) Bucket(ts int64) int64 {
	switch {
	case ts <= s.from:
		return 0
	case ts >= s.to:
		return s.n - 1
	}
	return int64(float64(ts-s.from) / float64(s.to-s.from+1) * float64(s.n))
}

// Places cuts each bucket into places equal places and says where ts
// falls: its bucket and its place there (0 to places-1). Place (b, i) is
// the same time for every series of the span (Slot), and the places grow
// with ts. pkg/table OnGrid puts a decimation's points on them so that
// series share their times.
func (s Span) Places(ts int64, places int) (b int64, i int) {
	b = s.Bucket(ts)
	i = int((ts - s.Slot(b, 0, places)) * int64(places) / max(s.Slot(b+1, 0, places)-s.Slot(b, 0, places), 1))
	return b, min(max(i, 0), places-1)
}

// Slot is the time (unix ns) of place i of bucket b when each bucket has
// places equal places: the bucket's start for i = 0.
func (s Span) Slot(b int64, i, places int) int64 {
	places = max(places, 1)
	per := float64(s.to-s.from+1) / float64(s.n*int64(places))
	return s.from + int64(float64(b*int64(places)+int64(i))*per)
}

// Column is one number column of a table: row r holds Vals[r] unless
// Null[r].
type Column struct {
	Vals []float64
	Null []bool
}

// Keep appends to dst the rows of one series to keep, in the order of
// rows: rows are the series' rows (indices into the columns) in time
// order, buckets[i] the bucket of rows[i] (never decreasing). Of each
// bucket it keeps, for every column, the first row holding its lowest and
// the first holding its highest value (nulls and NaN skipped), each row
// once; a bucket where no column has a number keeps its first and last
// row.
func Keep(dst, rows []int, buckets []int64, cols []Column) []int {
	var pick []int // positions in rows of one bucket's kept rows
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && buckets[end] == buckets[start] {
			end++
		}
		if end-start <= 2 {
			dst = append(dst, rows[start:end]...)
			start = end
			continue
		}
		pick = pick[:0]
		for _, c := range cols {
			lo, hi := -1, -1
			var lv, hv float64
			for p := start; p < end; p++ {
				r := rows[p]
				v := c.Vals[r]
				if c.Null[r] || v != v { // null or NaN (which compares false: it would hide the extremes)
					continue
				}
				switch {
				case lo < 0:
					lo, hi, lv, hv = p, p, v, v
				case v < lv:
					lo, lv = p, v
				case v > hv:
					hi, hv = p, v
				}
			}
			if lo >= 0 {
				pick = append(pick, lo, hi)
			}
		}
		if len(pick) == 0 {
			pick = append(pick, start, end-1)
		}
		sort.Ints(pick)
		for i, p := range pick {
			if i == 0 || p != pick[i-1] {
				dst = append(dst, rows[p])
			}
		}
		start = end
	}
	return dst
}

// Fit keeps at most maxRows of one series' rows (Keep's arguments) where it
// can: it keeps at the given level of bucket width (bucket>>level: each
// level joins pairs of neighbouring buckets), and while the kept rows are
// more than maxRows and more than one bucket is left, at the next level,
// from the rows kept so far (a wider bucket's extremes are among its
// halves'). It returns the kept rows, in the order of rows, and the level
// it ended at; a later decimation of the same series and span starts at
// that level, so it keeps what this one kept. It overwrites buckets.
func Fit(rows []int, buckets []int64, cols []Column, maxRows, level int) ([]int, int) {
	level = min(max(level, 0), 62)
	b := buckets
	for i := range b {
		b[i] >>= level
	}
	kept := Keep(make([]int, 0, min(len(rows), 2*maxRows)), rows, b, cols)
	for len(kept) > maxRows && level < 62 {
		// the buckets of the kept rows, one level wider (in place: the
		// j-th kept row is at or after position j of rows)
		at := 0
		for j, r := range kept {
			for rows[at] != r {
				at++
			}
			b[j] = b[at] >> 1
		}
		b = b[:len(kept)]
		level++
		rows = kept
		kept = Keep(make([]int, 0, len(kept)), kept, b, cols)
		if b[0] == b[len(b)-1] {
			break // one bucket left: it is as thin as the rule makes it
		}
	}
	return kept, level
}
