package table

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// record is one input row as the test wrote it: its time, label and
// columns, as frametest prints them.
type record struct {
	ts     int64
	label  string
	fields map[string]string
}

// key is a record as one string: the test compares output rows with input
// records by it.
func (r record) key(cols []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%s", r.ts/1e6, r.label)
	for _, c := range cols {
		v, ok := r.fields[c]
		if !ok {
			v = "null"
		}
		b.WriteString("|" + c + "=" + v)
	}
	return b.String()
}

// rowsOf reads a frame's rows as records (time in ms, as frametest prints).
func rowsOf(t *testing.T, f *data.Frame, labels bool, cols []string) []record {
	t.Helper()
	times := frametest.Values(t, f, "time")
	var lab []string
	if labels {
		lab = frametest.Values(t, f, "labels")
	}
	vals := map[string][]string{}
	for _, c := range cols {
		vals[c] = frametest.Values(t, f, c)
	}
	out := make([]record, len(times))
	for i := range times {
		var ms int64
		fmt.Sscan(times[i], &ms)
		out[i] = record{ts: ms * 1e6, fields: map[string]string{}}
		if labels {
			out[i].label = lab[i]
		}
		for _, c := range cols {
			out[i].fields[c] = vals[c][i]
		}
	}
	return out
}

// A car going round a circle: its x and y peak at different samples, so a
// decimation that takes each column's extremes on its own pairs one
// sample's x with another's y. Every decimated row must be a record as it
// was read, and the rows holding each column's lowest and highest value of
// each bucket must all be there.
func TestDecimateKeepsWholeRecords(t *testing.T) {
	names := codec.NewNames(0)
	tb := New(Options{Labels: true}, nil)
	cols := []string{"driver", "x", "y", "note"}
	var in []record
	rng := rand.New(rand.NewPCG(3, 4))
	const n, mdp = 4000, 200
	for i := 0; i < n; i++ {
		for _, d := range []string{"VER", "LEC"} {
			a := float64(i) / 40 * 2 * math.Pi
			if d == "LEC" {
				a += 1
			}
			r := record{ts: int64(i) * 250e6, label: "driver=" + d, fields: map[string]string{
				"driver": d,
				"x":      fmt.Sprint(math.Round(1000 * math.Cos(a))),
				"y":      fmt.Sprint(math.Round(1000*math.Sin(a)) + float64(rng.IntN(3))),
				"note":   fmt.Sprint("s", i),
			}}
			tb.AddRow(r.ts, r.label)
			tb.SetField(names, strField(names, "driver", d))
			var x, y float64
			fmt.Sscan(r.fields["x"], &x)
			fmt.Sscan(r.fields["y"], &y)
			tb.SetField(names, numField(names, "x", x))
			if i%7 != 3 { // y is missing now and then: a null is a value of the record too
				tb.SetField(names, numField(names, "y", y))
			} else {
				delete(r.fields, "y")
			}
			tb.SetField(names, strField(names, "note", r.fields["note"]))
			in = append(in, r)
		}
	}
	real := map[string]bool{}
	for _, r := range in {
		real[r.key(cols)] = true
	}
	from, to := int64(0), int64(n-1)*250e6
	tb.Decimate(mdp, from, to)
	out := rowsOf(t, tb.Frame("t", nil), true, cols)

	perSeries := map[string][]record{}
	seen := map[string]bool{}
	for i, r := range out {
		k := r.key(cols)
		if !real[k] {
			t.Fatalf("output row %d is no input record: %s", i, k)
		}
		if seen[k] {
			t.Fatalf("output row %d is a duplicate: %s", i, k)
		}
		seen[k] = true
		if i > 0 && r.ts < out[i-1].ts {
			t.Fatalf("output row %d out of time order", i)
		}
		perSeries[r.label] = append(perSeries[r.label], r)
	}
	// The extremes of every bucket (the rule: maxPoints/2 buckets over
	// [from, to]) are kept, unless the rows had to be coarsened to fit
	// the budget; then the extremes of the coarser buckets are.
	for label, rows := range perSeries {
		if len(rows) > mdp {
			t.Errorf("%s: %d rows for a budget of %d", label, len(rows), mdp)
		}
		if len(rows) < mdp/4 {
			t.Errorf("%s: only %d rows kept of a budget of %d", label, len(rows), mdp)
		}
	}
	for _, level := range []uint{0, 1, 2, 3} {
		missing := missingExtremes(in, out, cols, mdp, from, to, level)
		if level == 0 && missing == 0 {
			break // the finest buckets fitted
		}
		if level == 3 && missing > 0 {
			t.Fatalf("%d bucket extremes missing even at 8x coarser buckets", missing)
		}
		if missing == 0 {
			t.Logf("buckets coarsened %dx to fit the budget", 1<<level)
			break
		}
	}
}

// missingExtremes counts the (series, bucket, column) extremes of in (each
// bucket's first row with the lowest and with the highest value) that out
// lacks, with buckets 2^level times the width of maxPoints/2 over [from, to].
func missingExtremes(in, out []record, cols []string, maxPoints int, from, to int64, level uint) int {
	kept := map[string]bool{}
	for _, r := range out {
		kept[r.key(cols)] = true
	}
	nb := float64(maxPoints / 2)
	type group struct {
		label string
		b     int64
	}
	groups := map[group][]record{}
	var order []group
	for _, r := range in {
		b := int64(float64(r.ts-from)/float64(to-from+1)*nb) >> level
		g := group{r.label, b}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], r)
	}
	missing := 0
	for _, g := range order {
		rows := groups[g]
		sort.SliceStable(rows, func(a, b int) bool { return rows[a].ts < rows[b].ts })
		for _, c := range []string{"x", "y"} {
			lo, hi := -1, -1
			var lv, hv float64
			for i, r := range rows {
				s, ok := r.fields[c]
				if !ok {
					continue
				}
				var v float64
				fmt.Sscan(s, &v)
				if lo < 0 || v < lv {
					lo, lv = i, v
				}
				if hi < 0 || v > hv {
					hi, hv = i, v
				}
			}
			for _, i := range []int{lo, hi} {
				if i >= 0 && !kept[rows[i].key(cols)] {
					missing++
				}
			}
		}
	}
	return missing
}

// A long read decimates as it goes (Compact) and once more at the end: it
// keeps the rows one decimation of the whole read would keep, whole.
func TestCompactThenDecimateKeepsWhatOneDecimationKeeps(t *testing.T) {
	const n, mdp = 30_000, 300
	from, to := int64(0), int64(n-1)*1e6
	feed := func(compact bool) *Table {
		names := codec.NewNames(0)
		tb := New(Options{Labels: true}, nil)
		for i := 0; i < n; i++ {
			d := []string{"VER", "LEC", "NOR"}[i%3]
			a := float64(i) / 90
			tb.AddRow(int64(i)*1e6, "driver="+d)
			tb.SetField(names, numField(names, "x", math.Round(1000*math.Cos(a+float64(i%3)))))
			tb.SetField(names, numField(names, "y", math.Round(1000*math.Sin(a+float64(i%3)))))
			tb.SetField(names, numField(names, "speed", float64(i%97)))
			if compact {
				tb.Compact(mdp, from, to)
			}
		}
		tb.Decimate(mdp, from, to)
		return tb
	}
	asGoing, once := feed(true), feed(false)
	if asGoing.Decimations() < 3 {
		t.Fatalf("%d decimations: the read was not decimated as it went", asGoing.Decimations())
	}
	cols := []string{"x", "y", "speed"}
	a := rowsOf(t, asGoing.Frame("t", nil), true, cols)
	b := rowsOf(t, once.Frame("t", nil), true, cols)
	if len(a) != len(b) {
		t.Fatalf("decimated as it went: %d rows; at once: %d", len(a), len(b))
	}
	for i := range a {
		if a[i].key(cols) != b[i].key(cols) {
			t.Fatalf("row %d: %s as it went, %s at once", i, a[i].key(cols), b[i].key(cols))
		}
	}
}
