package f1

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// AvgSpeed is the running average of speed per (driver, race id): the
// earlier lab's Flink SQL job
//
//	SELECT driver_name, race_id, AVG(speed) FROM telemetry GROUP BY driver_name, race_id
//
// computed in Pitwall (docs/flink-average-speed.sql has the Flink version).
// Like SQL AVG it is the plain mean of the samples (not time-weighted), and
// NaN speeds (SQL NULL) are skipped. Not safe for concurrent use.
type AvgSpeed struct {
	m    map[avgKey]*avgEntry
	last *avgEntry
}

// AvgSpeedRow is one group of the aggregation.
type AvgSpeedRow struct {
	Driver      string
	RaceID      string
	AvgSpeedKph float64
	Samples     int64
	LastTs      int64 // ts of the latest sample in the group
}

type avgKey struct{ driver, raceID string }

type avgEntry struct {
	row  AvgSpeedRow
	mean speedMean
}

// speedMean is an incremental mean (no large sums, no allocation).
type speedMean struct {
	n    int64
	mean float64
}

// add takes one speed and returns the mean so far.
func (m *speedMean) add(v float64) float64 {
	if math.IsNaN(v) {
		return m.mean
	}
	m.n++
	m.mean += (v - m.mean) / float64(m.n)
	return m.mean
}

// NewAvgSpeed starts an empty aggregation.
func NewAvgSpeed() *AvgSpeed { return &AvgSpeed{m: make(map[avgKey]*avgEntry, 24)} }

// Add folds one sample in and returns its group's average so far.
func (a *AvgSpeed) Add(t *Telemetry) float64 {
	e := a.last
	if e == nil || e.row.Driver != t.Driver || e.row.RaceID != t.RaceID {
		e = a.m[avgKey{t.Driver, t.RaceID}]
		if e == nil {
			d, r := strings.Clone(t.Driver), strings.Clone(t.RaceID)
			e = &avgEntry{row: AvgSpeedRow{Driver: d, RaceID: r}}
			a.m[avgKey{d, r}] = e
		}
		a.last = e
	}
	e.row.AvgSpeedKph = e.mean.add(t.SpeedKph)
	e.row.Samples = e.mean.n
	if t.Ts > e.row.LastTs {
		e.row.LastTs = t.Ts
	}
	return e.row.AvgSpeedKph
}

// Get returns one group.
func (a *AvgSpeed) Get(driver, raceID string) (AvgSpeedRow, bool) {
	e := a.m[avgKey{driver, raceID}]
	if e == nil {
		return AvgSpeedRow{}, false
	}
	return e.row, true
}

// Rows appends every group to dst, sorted by race id then driver.
func (a *AvgSpeed) Rows(dst []AvgSpeedRow) []AvgSpeedRow {
	n := len(dst)
	for _, e := range a.m {
		dst = append(dst, e.row)
	}
	slices.SortFunc(dst[n:], func(x, y AvgSpeedRow) int {
		return cmp.Or(strings.Compare(x.RaceID, y.RaceID), strings.Compare(x.Driver, y.Driver))
	})
	return dst
}
