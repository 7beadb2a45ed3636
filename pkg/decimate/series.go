package f1frame

import "math"

// point is one sample of a series: ts in ms and a value.
type point struct {
	ts int64
	v  float64
}

// bucket holds the extremes of a run of consecutive samples.
type bucket struct {
	lo, hi point // lowest and highest value (the first of equal ones)
	n      int
}

// decimator keeps a series in at most max buckets of consecutive samples,
// each remembered by its lowest and highest sample, so a series of any length
// is drawn with at most 2·max points and its peaks survive. When the buckets
// are full, neighbours merge in pairs and each bucket takes twice as many
// samples from then on. Memory is O(max); adding does not allocate once the
// buckets have grown to max.
type decimator struct {
	max int // buckets kept, ≥ 1
	per int // samples a new bucket takes
	b   []bucket
	n   int64 // samples added
}

func newDecimator(maxPoints int) decimator {
	m := maxPoints / 2
	if m < 1 {
		m = 1
	}
	return decimator{max: m, per: 1}
}

func (d *decimator) add(p point) {
	if math.IsNaN(p.v) {
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
func (d *decimator) fold(p point) bool {
	n := len(d.b)
	if n == 0 || d.b[n-1].n >= d.per {
		return false
	}
	last := &d.b[n-1]
	if p.v < last.lo.v {
		last.lo = p
	}
	if p.v > last.hi.v {
		last.hi = p
	}
	last.n++
	return true
}

// halve merges neighbouring buckets in pairs.
func (d *decimator) halve() {
	j := 0
	for i := 0; i < len(d.b); i += 2 {
		x := d.b[i]
		if i+1 < len(d.b) {
			y := d.b[i+1]
			if y.lo.v < x.lo.v {
				x.lo = y.lo
			}
			if y.hi.v > x.hi.v {
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

// points appends the kept points in time order.
func (d *decimator) points(dst []point) []point {
	for _, b := range d.b {
		switch {
		case b.lo.ts == b.hi.ts:
			dst = append(dst, b.lo)
		case b.lo.ts < b.hi.ts:
			dst = append(dst, b.lo, b.hi)
		default:
			dst = append(dst, b.hi, b.lo)
		}
	}
	return dst
}

// kept is how many points points would return.
func (d *decimator) kept() int {
	k := 0
	for _, b := range d.b {
		if b.lo.ts == b.hi.ts {
			k++
		} else {
			k += 2
		}
	}
	return k
}

// reduceMinMax keeps at most max points of a run of samples in time order:
// the lowest and highest of each of max/2 equal slices (all of them when
// there are few). It works in place and returns the kept prefix.
func reduceMinMax(pts []point, max int) []point {
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
			if pts[i].v < pts[mn].v {
				mn = i
			}
			if pts[i].v > pts[mx].v {
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
