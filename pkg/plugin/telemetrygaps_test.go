package plugin

import (
	"fmt"
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
