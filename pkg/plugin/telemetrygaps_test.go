package plugin

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestTelemetryBreaksTheLineBetweenRaces: Grafana's time series join a
// series' points unless two are further apart than the time field's
// config.interval (applyNullInsertThreshold inserts a null there). Two races
// of one driver 90 s apart must be two lines, and the samples within a race
// one line, for the F1 dashboard's 5-minute range and for a wide range
// where the samples are decimated, in the range answer and in the history of
// a streaming query (stream: true, the dashboard's).
func TestTelemetryBreaksTheLineBetweenRaces(t *testing.T) {
	c := testCluster(t, map[string]int32{"tel": 2})
	d := newTestDS(t, c, dsOpts{})
	start := time.Date(2026, 5, 1, 14, 0, 0, 0, time.UTC).UnixMilli()
	const gapMs = 90_000
	var recs []rec
	var races [2][2]int64 // first and last sample of each race
	for race := 0; race < 2; race++ {
		first := start + int64(race)*(60_000+gapMs)
		races[race] = [2]int64{first, first + 60_000 - 250}
		for ts := first; ts < first+60_000; ts += 250 {
			recs = append(recs, rec{0, "VER", ts, []byte(fmt.Sprintf(`{"ts":%d,"driver":"VER","race_id":"r%d","speed_kph":%d}`, ts, race, 200+ts%97))})
		}
	}
	produce(t, c, "tel", recs...)
	for _, tc := range []struct {
		name     string
		from, to int64
		mdp      int64
		stream   bool
		breaks   int
	}{
		{"5 minutes", start - 30_000, start + 270_000, 1000, false, 1},
		{"5 minutes, streaming", start - 30_000, start + 270_000, 1000, true, 1},
		// 22 s a pixel: the 90 s gap is 4 pixels, no break; the decimated
		// points of each race must stay one line.
		{"6 hours, decimated", start - 3*3600_000, start + 3*3600_000, 1000, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dr := runQuery(t, d, map[string]any{"queryType": "telemetry", "topic": "tel", "fields": []string{"speed_kph"}, "stream": tc.stream}, tc.from, tc.to, tc.mdp, nil)
			if dr.Error != nil || len(dr.Frames) != 1 {
				t.Fatalf("%v %v", dr.Error, dr.Frames)
			}
			f := dr.Frames[0]
			var times []int64
			var interval float64
			for _, fld := range f.Fields {
				if !fld.Type().Time() {
					continue
				}
				if fld.Config != nil {
					interval = fld.Config.Interval
				}
				for i := 0; i < fld.Len(); i++ {
					times = append(times, fld.At(i).(time.Time).UnixMilli())
				}
			}
			if interval <= 0 {
				t.Fatal("the time field has no config.interval: Grafana joins the two races with a straight line")
			}
			breaks := 0
			for i := 1; i < len(times); i++ {
				if float64(times[i]-times[i-1]) > interval {
					breaks++
					if times[i-1] != races[0][1] || times[i] != races[1][0] {
						t.Errorf("the line breaks inside a race, between %d and %d (interval %v ms)", times[i-1], times[i], interval)
					}
				}
			}
			if breaks != tc.breaks {
				t.Fatalf("%d breaks in %d points with interval %v ms; want %d, between the races", breaks, len(times), interval, tc.breaks)
			}
		})
	}
}

// TestTelemetryLineHoldsWhenBucketsWiden: a query of several fields that
// peak at different samples keeps more rows a bucket than the budget
// allows, so the buckets widen (decimate.Fit); the kept points of one race
// are then further apart than three of the narrow buckets, and the
// time field's config.interval must say so, or Grafana breaks the line of
// a running race into pieces.
func TestTelemetryLineHoldsWhenBucketsWiden(t *testing.T) {
	c := testCluster(t, map[string]int32{"tel": 1})
	d := newTestDS(t, c, dsOpts{})
	first := time.Date(2026, 5, 1, 14, 0, 0, 0, time.UTC).UnixMilli()
	const mdp = 20
	var recs []rec
	for i := 0; i < 480; i++ { // 2 minutes, 4 samples a second
		// a rising trend with a wave at three phases: the columns peak at
		// different samples
		v := func(c int) float64 { return float64(i) + 50*math.Sin(2*math.Pi*float64(i)/13+float64(c)*2*math.Pi/3) }
		ts := first + int64(i)*250
		recs = append(recs, rec{0, "VER", ts, []byte(fmt.Sprintf(`{"ts":%d,"driver":"VER","speed_kph":%.0f,"rpm":%.0f,"throttle_pct":%.0f}`,
			ts, v(0), v(1), v(2)))})
	}
	produce(t, c, "tel", recs...)
	dr := runQuery(t, d, map[string]any{"queryType": "telemetry", "topic": "tel", "fields": []string{"speed_kph", "rpm", "throttle_pct"}},
		first-30_000, first+150_000, mdp, nil)
	if dr.Error != nil || len(dr.Frames) != 1 {
		t.Fatalf("%v %v", dr.Error, dr.Frames)
	}
	f := dr.Frames[0]
	if f.Rows() > mdp || f.Rows() < mdp/4 {
		t.Fatalf("%d rows for a budget of %d", f.Rows(), mdp)
	}
	tf := f.Fields[0]
	if tf.Config == nil || tf.Config.Interval <= 0 {
		t.Fatal("no config.interval")
	}
	widest := int64(0)
	for i := 1; i < tf.Len(); i++ {
		widest = max(widest, tf.At(i).(time.Time).UnixMilli()-tf.At(i-1).(time.Time).UnixMilli())
	}
	if float64(widest) > tf.Config.Interval {
		t.Fatalf("two kept points %d ms apart, config.interval %v ms: Grafana breaks the race's line", widest, tf.Config.Interval)
	}
	// Three buckets of the budget, not widened: what config.interval said
	// before buckets could widen.
	if narrow := int64(3 * 2 * 180_000 / mdp); widest <= narrow {
		t.Errorf("the widest gap is %d ms, within three narrow buckets (%d ms): the test shows nothing", widest, narrow)
	}
}
