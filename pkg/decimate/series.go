package decimate

import "math"

// Point is one sample of a series: Ts in ms and a value.
type Point struct {
	Ts int64
	V  float64
}

// bucket holds the extremes of a run of consecutive samples.
type bucket struct {
	lo, hi Point // lowest and highest value (the first of equal ones)
	n      int
}

// Series keeps a series that grows point by point in at most max buckets
// of consecutive samples, each remembered by its lowest and highest sample,
// so a series of any length is drawn with at most 2·max points and its
// peaks survive. When the buckets are full, neighbours merge in pairs and
// each bucket takes twice as many samples from then on. Memory is O(max);
// adding does not allocate once the buckets have grown to max.
type Series struct {
	max int // buckets kept, ≥ 1
	per int // samples a new bucket takes
	b   []bucket
	n   int64 // samples added
}

// NewSeries returns a series drawn with at most maxPoints points.
func NewSeries(maxPoints int) Series {
	m := maxPoints / 2
	if m < 1 {
		m = 1
	}
	return Series{max: m, per: 1}
}

// Added is how many samples Add took (NaN, which cannot be drawn, is not
// taken).
func (d *Series) Added() int64 { return d.n }

// Add takes one sample.
func (d *Series) Add(p Point) {
	if math.IsNaN(p.V) {
		return
	}
	d.n++
	if d.fold(p) {
		return
	}
	if len(d.b) >= d.max {
		d.halve()
		if d.fold(p) {
			return
		}
	}
	d.b = append(d.b, bucket{lo: p, hi: p, n: 1})
}

// fold adds p to the last bucket if it has room.
func (d *Series) fold(p Point) bool {
	n := len(d.b)
	if n == 0 || d.b[n-1].n >= d.per {
		return false
	}
	last := &d.b[n-1]
	if p.V < last.lo.V {
		last.lo = p
	}
	if p.V > last.hi.V {
		last.hi = p
	}
	last.n++
	return true
}

// halve merges neighbouring buckets in pairs.
func (d *Series) halve() {
	j := 0
	for i := 0; i < len(d.b); i += 2 {
		x := d.b[i]
		if i+1 < len(d.b) {
			y := d.b[i+1]
			if y.lo.V < x.lo.V {
				x.lo = y.lo
			}
			if y.hi.V > x.hi.V {
				x.hi = y.hi
			}
			x.n += y.n
		}
		d.b[j] = x
		j++
	}
	d.b = d.b[:j]
	d.per *= 2
}

// Points appends the kept points in time order.
func (d *Series) Points(dst []Point) []Point {
	for _, b := range d.b {
		switch {
		case b.lo.Ts == b.hi.Ts:
			dst = append(dst, b.lo)
		case b.lo.Ts < b.hi.Ts:
			dst = append(dst, b.lo, b.hi)
		default:
			dst = append(dst, b.hi, b.lo)
		}
	}
	return dst
}

// Kept is how many points Points would return.
func (d *Series) Kept() int {
	k := 0
	for _, b := range d.b {
		if b.lo.Ts == b.hi.Ts {
			k++
		} else {
			k += 2
		}
	}
	return k
}

// MinMax keeps at most max points of a run of samples in time order: the
// lowest and highest of each of max/2 equal slices (all of them when there
// are few). It works in place and returns the kept prefix.
func MinMax(pts []Point, max int) []Point {
	if len(pts) <= max {
		return pts
	}
	k := max / 2
	if k < 1 {
		k = 1
	}
	out := 0
	for s := 0; s < k; s++ {
		lo, hi := s*len(pts)/k, (s+1)*len(pts)/k
		if lo >= hi {
			continue
		}
		mn, mx := lo, lo
		for i := lo + 1; i < hi; i++ {
			if pts[i].V < pts[mn].V {
				mn = i
			}
			if pts[i].V > pts[mx].V {
				mx = i
			}
		}
		a, b := pts[mn], pts[mx]
		if mn > mx {
			a, b = b, a
		}
		pts[out] = a
		out++
		if mn != mx {
			pts[out] = b
			out++
		}
	}
	return pts[:out]
}
