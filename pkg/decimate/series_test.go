package decimate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The decimator keeps every point of a short series, at most 2·(max/2)
// points of a long one, in time order, and always the global extremes.
func TestDecimatorBoundsAndExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, max int }{{5, 10}, {10, 10}, {11, 10}, {1000, 10}, {10_000, 1000}, {99_999, 37}} {
		d := NewSeries(tc.max)
		lo, hi := Point{V: math.Inf(1)}, Point{V: math.Inf(-1)}
		for i := 0; i < tc.n; i++ {
			p := Point{Ts: int64(i) * 250, V: rng.NormFloat64() * 3}
			if i == tc.n/3 {
				p.V = 55 // a spike that must survive
			}
			if p.V < lo.V {
				lo = p
			}
			if p.V > hi.V {
				hi = p
			}
			d.Add(p)
		}
		pts := d.Points(nil)
		if tc.n <= tc.max/2 && len(pts) != tc.n {
			t.Errorf("n=%d max=%d: kept %d of a short series", tc.n, tc.max, len(pts))
		}
		if len(pts) > tc.max {
			t.Errorf("n=%d max=%d: kept %d points", tc.n, tc.max, len(pts))
		}
		if d.Kept() != len(pts) || d.n != int64(tc.n) {
			t.Errorf("n=%d: kept() %d, points %d, counted %d", tc.n, d.Kept(), len(pts), d.n)
		}
		var sawLo, sawHi bool
		for i, p := range pts {
			if i > 0 && p.Ts < pts[i-1].Ts {
				t.Fatalf("n=%d: points out of time order at %d", tc.n, i)
			}
			sawLo = sawLo || p == lo
			sawHi = sawHi || p == hi
		}
		if !sawLo || !sawHi {
			t.Errorf("n=%d max=%d: lost an extreme (min %v kept %v, max %v kept %v)", tc.n, tc.max, lo, sawLo, hi, sawHi)
		}
	}
}

func TestDecimatorShortSeriesIsExact(t *testing.T) {
	d := NewSeries(1000)
	for i := 0; i < 400; i++ {
		d.Add(Point{Ts: int64(i), V: float64(i % 7)})
	}
	d.Add(Point{Ts: 400, V: math.NaN()}) // not drawable: skipped
	pts := d.Points(nil)
	if len(pts) != 400 {
		t.Fatalf("kept %d of 400", len(pts))
	}
	for i, p := range pts {
		if p.Ts != int64(i) || p.V != float64(i%7) {
			t.Fatalf("point %d = %+v", i, p)
		}
	}
}

func TestReduceMinMax(t *testing.T) {
	pts := []Point{{1, 0}, {2, 5}, {3, -4}, {4, 1}, {5, 2}, {6, 9}, {7, 0}, {8, 0}}
	got := MinMax(append([]Point(nil), pts...), 4)
	want := []Point{{2, 5}, {3, -4}, {6, 9}, {7, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if n := len(MinMax(pts[:3], 4)); n != 3 {
		t.Errorf("a run under the cap was thinned to %d", n)
	}
}
