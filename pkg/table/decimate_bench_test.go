package table

import (
	"fmt"
	"math"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// BenchmarkDecimate is one final decimation of a range read's table, the
// work Take does at the end of a query (built anew each time, untimed):
//   - telemetry: 20 drivers in Live's labels layout, 7 number columns (a
//     car sample's speed, rpm, gear, throttle, brake, drs, x), 200k rows,
//     1000 points per driver;
//   - trackmap: one series of 20 cars' x and y (and the driver's code),
//     60k rows, 1000 points.
func BenchmarkDecimate(b *testing.B) {
	cases := []struct {
		name            string
		rows, series    int
		cols            []string
		labels, drivers bool
	}{
		{"telemetry_20x7cols", 200_000, 20, []string{"speed_kph", "rpm", "gear", "throttle_pct", "brake", "drs", "x"}, true, false},
		{"trackmap_1x2cols", 60_000, 20, []string{"x", "y"}, false, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			kept := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				tb := benchTable(c.rows, c.series, c.cols, c.labels, c.drivers)
				b.StartTimer()
				tb.Decimate(1000, 0, int64(c.rows)*1e6)
				kept = tb.Rows()
			}
			b.ReportMetric(float64(kept), "rows-kept")
		})
	}
}

// benchTable fills a table with rows of series round-robin (a car's
// numbers move at different phases, so its columns peak at different rows).
func benchTable(rows, series int, cols []string, labels, drivers bool) *Table {
	names := codec.NewNames(0)
	tb := New(Options{Labels: labels}, nil)
	lab := make([]string, series)
	for s := range lab {
		lab[s] = fmt.Sprintf("driver=D%02d", s)
	}
	for i := 0; i < rows; i++ {
		s := i % series
		tb.AddRow(int64(i)*1e6, lab[s])
		if drivers {
			tb.SetField(names, strField(names, "driver", lab[s][7:]))
		}
		for c, name := range cols {
			tb.SetField(names, numField(names, name, math.Round(100*math.Sin(float64(i/series)/37+float64(s)+float64(c)))))
		}
	}
	return tb
}

// BenchmarkTakeOnGrid is a Live telemetry table's final Take (decimation,
// then the frame) with its decimated points put on shared places
// (Options.Grid, what the telemetry query does) and, as the baseline,
// without: 20 drivers in the labels layout, one number column (a panel's
// field) and all seven, 200k rows, 800 points per driver. It measures
// what OnGrid adds to the plugin's side of a range answer; the browser's
// side (a join of 800 rows, not 16,000) is measured in a browser (README,
// "One time grid for twenty drivers").
func BenchmarkTakeOnGrid(b *testing.B) {
	for _, cols := range [][]string{{"speed_kph"}, {"speed_kph", "rpm", "gear", "throttle_pct", "brake", "drs", "x"}} {
		for _, grid := range []bool{false, true} {
			b.Run(fmt.Sprintf("cols=%d/grid=%v", len(cols), grid), func(b *testing.B) {
				b.ReportAllocs()
				const rows = 200_000
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					tb := benchTable(rows, 20, cols, true, false)
					tb.opt.Grid = grid
					b.StartTimer()
					tb.Take("t", nil, true, 800, 0, int64(rows)*1e6)
				}
			})
		}
	}
}
