package decimate

import (
	"math"
	"slices"
	"testing"
)

// x peaks at one row and y at another: each is kept whole, once, in order.
func TestKeepKeepsTheRowsOfEachColumnsExtremes(t *testing.T) {
	//            row:  0  1  2  3  4  5 | 6  7  8 | 9 10 11
	x := Column{Vals: []float64{1, 5, 3, 3, 0, 2, 7, 7, 7, 0, 0, 0}, Null: make([]bool, 12)}
	y := Column{Vals: []float64{4, 4, 9, 1, 4, 4, 1, 2, 3, 0, 0, 0}, Null: make([]bool, 12)}
	y.Null[9], y.Null[10], y.Null[11] = true, true, true
	x.Null[9], x.Null[10], x.Null[11] = true, true, true
	rows := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	buckets := []int64{0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2}
	got := Keep(nil, rows, buckets, []Column{x, y})
	// bucket 0: x min row 4, x max row 1, y min row 3, y max row 2;
	// bucket 1: x all equal (first: 6) and y min 6, max 8;
	// bucket 2: no numbers: its first and last row.
	want := []int{1, 2, 3, 4, 6, 8, 9, 11}
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	// A NaN first in its bucket does not hide the bucket's extremes.
	nan := Column{Vals: []float64{math.NaN(), 3, 1, 2}, Null: make([]bool, 4)}
	if got := Keep(nil, []int{0, 1, 2, 3}, []int64{0, 0, 0, 0}, []Column{nan}); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("with a NaN first: kept %v, want [1 2]", got)
	}
	// Keeping again keeps the same rows: a long read decimates as it goes.
	if again := Keep(nil, got, []int64{0, 0, 0, 0, 1, 1, 2, 2}, []Column{x, y}); !slices.Equal(again, want) {
		t.Fatalf("kept again %v, want %v", again, want)
	}
}

// When the columns peak at too many different rows, Fit widens the buckets
// until the rows fit, and a bucket's extremes at that width are all kept.
func TestFitWidensBucketsToTheBudget(t *testing.T) {
	const n, nb = 4096, 64
	cols := make([]Column, 4) // four columns peaking at four different phases
	rows := make([]int, n)
	buckets := make([]int64, n)
	for c := range cols {
		cols[c] = Column{Vals: make([]float64, n), Null: make([]bool, n)}
	}
	for i := 0; i < n; i++ {
		rows[i], buckets[i] = i, int64(i*nb/n)
		for c := range cols {
			cols[c].Vals[i] = math.Sin(float64(i)/7 + float64(c))
		}
	}
	all, level := Fit(rows, slices.Clone(buckets), cols, 1<<20, 0)
	if level != 0 || len(all) <= 2*nb {
		t.Fatalf("no budget: level %d, %d rows (4 columns peak at different rows: want more than %d)", level, len(all), 2*nb)
	}
	kept, level := Fit(rows, slices.Clone(buckets), cols, 2*nb, 0)
	if len(kept) > 2*nb || level == 0 {
		t.Fatalf("budget %d: %d rows at level %d", 2*nb, len(kept), level)
	}
	// Every column's extremes of every widened bucket are there.
	for c, col := range cols {
		for b := int64(0); b < nb>>level; b++ {
			lo, hi := -1, -1
			for i := 0; i < n; i++ {
				if buckets[i]>>level != b {
					continue
				}
				if lo < 0 || col.Vals[i] < col.Vals[lo] {
					lo = i
				}
				if hi < 0 || col.Vals[i] > col.Vals[hi] {
					hi = i
				}
			}
			if !slices.Contains(kept, lo) || !slices.Contains(kept, hi) {
				t.Fatalf("column %d bucket %d (level %d): extremes %d, %d not kept", c, b, level, lo, hi)
			}
		}
	}
	// Starting at that level keeps the same rows (a later decimation).
	bk := make([]int64, len(kept))
	for i, r := range kept {
		bk[i] = buckets[r]
	}
	if again, l := Fit(kept, bk, cols, 2*nb, level); l != level || !slices.Equal(again, kept) {
		t.Fatalf("refit from level %d: level %d, %d rows (want the same %d)", level, l, len(again), len(kept))
	}
}
