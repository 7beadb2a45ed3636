package decimate

// Rows of a table (pkg/table: many columns, one time per row) are decimated
// per series by time: the span of the read is cut into buckets, and each
// bucket of more than one row becomes two rows, at the times of its first
// and last row, each number column holding the bucket's lowest and highest
// value (Extremes) in the order they occurred. Decimating again with the
// same or a wider span keeps the extremes, so a long read is decimated as
// it goes (Above says when).

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
// buckets of two rows each.
func NewSpan(maxPoints int, from, to int64) Span {
	return Span{from: from, to: to, n: int64(max(maxPoints/2, 1))}
}

// Bucket is the bucket of time ts; times outside the span go to the first
// or the last bucket.
func (s Span) Bucket(ts int64) int64 {
	switch {
	case ts <= s.from:
		return 0
	case ts >= s.to:
		return s.n - 1
	}
	return int64(float64(ts-s.from) / float64(s.to-s.from+1) * float64(s.n))
}

// Extremes returns the rows (among rows) holding the lowest and highest of
// vals, the first of equal ones, skipping the rows null marks; -1, -1 when
// every row is null.
func Extremes(vals []float64, null []bool, rows []int) (lo, hi int) {
	lo, hi = -1, -1
	for _, r := range rows {
		if null[r] {
			continue
		}
		if lo < 0 || vals[r] < vals[lo] {
			lo = r
		}
		if hi < 0 || vals[r] > vals[hi] {
			hi = r
		}
	}
	return lo, hi
}
