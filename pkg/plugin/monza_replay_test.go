package plugin

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/realdata/realrace"
	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// monzaFiles are every file of the shared Monza 2024 race.
var monzaFiles = []string{"laps.csv", "locations.csv", "race_control.csv", "results.csv", "stints.csv", "telemetry_VER.csv", "weather.csv"}

// produceMonza replays the whole Monza 2024 set as `producer replay` does
// (internal/replay's Assemble, at the original spacing, ending a minute
// ago), as JSON, keyed and partitioned as docs/DESIGN.md says, and returns
// the items.
func produceMonza(t *testing.T, c broker) []replay.Item {
	t.Helper()
	return produceMonzaItems(t, c, realrace.Items(t, "monza2024_race", "monza2024", monzaFiles...))
}

// produceMonzaItems produces items (a Monza replay, or its start) as
// produceMonza does, ending a minute ago.
func produceMonzaItems(t *testing.T, c broker, items []replay.Item) []replay.Item {
	t.Helper()
	// Moved to end a minute ago, as `producer replay` moves it to now: a
	// real broker's retention would drop records dated 2024.
	shift := time.Now().Add(-time.Minute).UnixMilli() - items[len(items)-1].Ts
	for i := range items {
		items[i].SetTs(items[i].Ts + shift)
	}
	parts := f1TopicSpecs()
	byTopic := map[string][]rec{}
	add := func(topic, key string, ts int64, v []byte) {
		byTopic[topic] = append(byTopic[topic], rec{partition: partitionOf(key, parts[topic]), key: key, ts: ts, value: v})
	}
	for i := range items {
		it := &items[i]
		switch it.Type {
		case f1.TelemetryRecord:
			add(f1.TopicTelemetry, it.Tel.Driver, it.Ts, f1wire.TelemetryJSON(nil, &it.Tel))
		case f1.PositionRecord:
			add(f1.TopicPositions, it.Pos.Driver, it.Ts, f1wire.PositionJSON(nil, &it.Pos))
		case f1.RaceControlRecord:
			add(f1.TopicRaceControl, it.RC.RaceID, it.Ts, f1wire.RaceControlJSON(nil, &it.RC))
		case f1.WeatherRecord:
			add(f1.TopicWeather, it.Weather.RaceID, it.Ts, f1wire.WeatherJSON(nil, &it.Weather))
		case f1.LocationRecord:
			add(f1.TopicLocations, it.Loc.Driver, it.Ts, f1wire.LocationJSON(nil, &it.Loc))
		}
	}
	for topic, recs := range byTopic {
		produce(t, c, topic, recs...)
	}
	return items
}

// boardRow is one row of a leaderboard frame.
type boardRow struct {
	driver, status     string
	position, lapsDown int
	retiredLap, lap    int
	gap, interval      float64 // 0 when null
}

func readBoard(t *testing.T, f *data.Frame) []boardRow {
	t.Helper()
	col := func(name string) *data.Field {
		fd, i := f.FieldByName(name)
		if i < 0 {
			t.Fatalf("leaderboard frame has no %s", name)
		}
		return fd
	}
	pos, drv, st, ld, ret, lap := col("position"), col("driver"), col("status"), col("laps_down"), col("retired_lap"), col("lap")
	gap, itv := col("gap_to_leader_s"), col("interval_s")
	var out []boardRow
	for i := 0; i < f.Rows(); i++ {
		r := boardRow{driver: drv.At(i).(string), status: st.At(i).(string), lapsDown: int(ld.At(i).(int64)), lap: int(lap.At(i).(int64))}
		if p := pos.At(i).(*int64); p != nil {
			r.position = int(*p)
		}
		if v, ok := gap.ConcreteAt(i); ok {
			r.gap = v.(float64)
		}
		if v, ok := itv.ConcreteAt(i); ok {
			r.interval = v.(float64)
		}
		if p := ret.At(i).(*int64); p != nil {
			r.retiredLap = int(*p)
		}
		out = append(out, r)
	}
	return out
}

func leaderboardAt(t *testing.T, d *Datasource, from, to int64) []boardRow {
	t.Helper()
	resp := runQuery(t, d, map[string]any{"queryType": "leaderboard"}, from, to, 1000, nil)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	return readBoard(t, frameByName(t, resp.Frames, "leaderboard"))
}

// TestMonzaReplayThroughThePlugin replays every shared file of the 2024
// Italian GP into Kafka and reads it back through QueryData:
//   - the final leaderboard is results.csv's classification (place, status:
//     13 finished on the lead lap, 6 a lap down, TSU out on lap 7), both
//     once the classification is published and, from the laps and the
//     stewards' penalties alone, just before;
//   - at every lap end, the board gives the car laps.csv's Position for
//     that lap (1006 of 1008; the two others are ALB and COL on lap 53,
//     classified ahead of MAG and RIC, whose unserved 10-s penalties apply
//     at the flag);
//   - the F1 dashboard's Track map query (raw, f1-locations, its window
//     and point budget) gives the 20 cars, every x/y inside Monza's outline
//     (its bounding box plus 5 %) and a real sample of that car.
func TestMonzaReplayThroughThePlugin(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	items := produceMonza(t, c)
	d := newTestDS(t, c, dsOpts{})
	first, last := items[0].Ts, items[len(items)-1].Ts

	ridx, results := realdata.MustReadCSV(t, filepath.Join(realdata.Dir(t), "monza2024_race", "results.csv"))
	want := make([]string, 20)
	wantStatus := map[string]string{}
	for _, r := range results {
		p, _ := strconv.ParseFloat(r[ridx["Position"]], 64)
		code := r[ridx["Abbreviation"]]
		want[int(p)-1] = code
		wantStatus[code] = map[string]string{"Finished": "FINISHED 0", "Lapped": "FINISHED 1", "Retired": "OUT 0"}[r[ridx["Status"]]]
	}
	var classTs, lastLapTs int64
	for _, it := range items {
		if it.Type == f1.RaceControlRecord && it.RC.Type == f1.EventClassification {
			classTs = it.Ts
		}
		if it.Type == f1.PositionRecord && it.Pos.Lap > 0 && (classTs == 0 || it.Ts < classTs-1) {
			lastLapTs = max(lastLapTs, it.Ts)
		}
	}
	if classTs == 0 {
		t.Fatal("no CLASSIFICATION in the replay")
	}
	for _, when := range []struct {
		name string
		to   int64
	}{{"published classification", last + 1000}, {"laps and penalties alone", lastLapTs + 1}} {
		board := leaderboardAt(t, d, first-1000, when.to)
		var got []string
		for i, r := range board {
			got = append(got, r.driver)
			if r.position != i+1 {
				t.Errorf("%s: row %d has position %d", when.name, i, r.position)
			}
			if s := r.status + " " + strconv.Itoa(r.lapsDown); s != wantStatus[r.driver] {
				t.Errorf("%s: %s is %s, results.csv says %s", when.name, r.driver, s, wantStatus[r.driver])
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: board %v\nresults.csv %v", when.name, got, want)
		}
		if when.name == "published classification" {
			checkIntervals(t, board)
		}
		if tsu := board[19]; tsu.driver != "TSU" || tsu.retiredLap != 7 {
			t.Errorf("%s: last row %+v, want TSU out on lap 7", when.name, tsu)
		}
	}

	// Lap by lap: the board at each lap end.
	start := time.Now()
	checked, matched := 0, 0
	penalised := map[string]int{"ALB 53": 9, "COL 53": 12}
	for _, it := range items {
		if it.Type != f1.PositionRecord || it.Pos.Lap == 0 || it.Ts >= classTs-1 {
			continue
		}
		p := it.Pos
		checked++
		for _, r := range leaderboardAt(t, d, first-1000, p.Ts) {
			if r.driver != p.Driver {
				continue
			}
			key := p.Driver + " " + strconv.Itoa(p.Lap)
			switch {
			case r.position == p.Position && r.lap == p.Lap:
				matched++
			case penalised[key] == r.position:
				delete(penalised, key)
			default:
				t.Errorf("%s lap %d: board P%d (lap %d), laps.csv P%d", p.Driver, p.Lap, r.position, r.lap, p.Position)
			}
		}
	}
	t.Logf("lap ends: %d checked, %d at laps.csv's Position, %d queries in %s", checked, matched, checked, time.Since(start).Round(time.Millisecond))
	if checked != 1008 || matched != 1006 || len(penalised) != 0 {
		t.Errorf("lap ends %d checked, %d matched (want 1008, 1006); penalty reorderings not seen: %v", checked, matched, penalised)
	}

	// The track map, as the F1 dashboard queries it (its panel's query,
	// relative time and point budget), at the middle of the race and at the
	// end: the 20 cars, every point inside Monza's outline and a real
	// sample of that car (a point budget must never pair one sample's x
	// with another's y).
	real := map[string]bool{}
	for _, it := range items {
		if it.Type == f1.LocationRecord {
			real[sample(it.Loc.Driver, it.Ts, it.Loc.X, it.Loc.Y)] = true
		}
	}
	q, window, budget := trackMapQuery(t)
	for _, end := range []int64{first + (last-first)/2, last} {
		checkTrackMap(t, runQuery(t, d, q, end-window, end, budget, nil), real)
	}
	checkTrackMapDecimated(t, d, q, items, real)
}

// checkTrackMapDecimated runs the Track map query (q) over a window and
// budget that decimate it: the dashboard's 5 minutes at the 1000 points of
// its telemetry panels (3000 rows of f1-locations), and the whole race per
// car. Decimation keeps whole records, so every point is still a real
// sample of its car (before, 290 of 300 points were no car's). What it
// cannot give the panel as it is: the panel reads all cars as one series
// and splits them in the browser (Partition by values), so the cars share
// each bucket's rows and a car shows only some of its samples, often not
// its latest; that is why the panel keeps its 30 s window. Split on the
// server (seriesBy driver), each car is decimated on its own.
func checkTrackMapDecimated(t *testing.T, d *Datasource, q map[string]any, items []replay.Item, real map[string]bool) {
	t.Helper()
	first, last := items[0].Ts, items[len(items)-1].Ts
	const window, budget = int64(5 * 60_000), 1000
	samples := map[string]int{} // per car, in the window
	latest := map[string]int64{}
	type xy struct{ minX, maxX, minY, maxY float64 }
	race := map[string]*xy{} // per car, over the race
	for _, it := range items {
		if it.Type != f1.LocationRecord {
			continue
		}
		l := it.Loc
		if it.Ts >= last-window {
			samples[l.Driver]++
			latest[l.Driver] = max(latest[l.Driver], it.Ts)
		}
		e := race[l.Driver]
		if e == nil {
			e = &xy{l.X, l.X, l.Y, l.Y}
			race[l.Driver] = e
		}
		e.minX, e.maxX, e.minY, e.maxY = min(e.minX, l.X), max(e.maxX, l.X), min(e.minY, l.Y), max(e.maxY, l.Y)
	}

	// One series, as the panel reads it: decimated, every point real.
	shown := checkTrackMap(t, runQuery(t, d, q, last-window, last, budget, nil), real)
	atLatest, rows := 0, 0
	for car, times := range shown {
		rows += len(times)
		if times[latest[car]] {
			atLatest++
		}
	}
	t.Logf("track map, 5 min at %d points as one series: %d rows of %d samples, %d of 20 cars at their latest sample", budget, rows, 20*samples["VER"], atLatest)
	if rows >= 20*samples["VER"] {
		t.Errorf("track map, 5 min at %d points: %d rows, not decimated; the check above proves nothing", budget, rows)
	}

	// Per car (seriesBy driver): 5 minutes are under the budget, so each
	// car has every sample, its latest too.
	split := map[string]any{}
	for k, v := range q {
		split[k] = v
	}
	split["seriesBy"] = []string{"driver"}
	shown = checkTrackMap(t, runQuery(t, d, split, last-window, last, budget, nil), real)
	for car, n := range samples {
		if len(shown[car]) != n || !shown[car][latest[car]] {
			t.Errorf("track map per car, 5 min: %s has %d of its %d samples (latest shown: %v)", car, len(shown[car]), n, shown[car][latest[car]])
		}
	}
	// The whole race per car: decimated to the budget, each car's points
	// real samples, its furthest points on the circuit among them.
	resp := runQuery(t, d, split, first, last, budget, nil)
	shown = checkTrackMap(t, resp, real)
	for _, f := range resp.Frames {
		xf, _ := f.FieldByName("x")
		yf, _ := f.FieldByName("y")
		car := xf.Labels["driver"]
		e := race[car]
		if e == nil || f.Rows() > budget || len(shown[car]) != f.Rows() {
			t.Errorf("track map per car, whole race: frame %q (labels %v) has %d rows for a budget of %d", f.Name, xf.Labels, f.Rows(), budget)
			continue
		}
		seen := xy{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
		for i := 0; i < f.Rows(); i++ {
			x, _ := xf.ConcreteAt(i)
			y, _ := yf.ConcreteAt(i)
			seen.minX, seen.maxX = min(seen.minX, x.(float64)), max(seen.maxX, x.(float64))
			seen.minY, seen.maxY = min(seen.minY, y.(float64)), max(seen.maxY, y.(float64))
		}
		if seen != *e {
			t.Errorf("track map per car, whole race: %s reaches %+v, its samples %+v", car, seen, *e)
		}
	}
}

// checkIntervals: on the classified board, each car on the lead lap is
// its published gap behind the car ahead (PIA 2.664 s behind LEC, NOR
// 3.489 s behind PIA), and each lapped car has the interval it had at its
// last line, never the 0 of a missing one.
func checkIntervals(t *testing.T, board []boardRow) {
	t.Helper()
	for i, r := range board {
		switch {
		case i == 0 || r.status == f1.StatusOut:
		case r.lapsDown == 0:
			if want := math.Round((r.gap-board[i-1].gap)*1000) / 1000; math.Abs(r.interval-want) > 0.0005 {
				t.Errorf("classified %s: interval %.3f, gap %.3f behind %s's %.3f", r.driver, r.interval, r.gap, board[i-1].driver, board[i-1].gap)
			}
		case r.interval <= 0:
			t.Errorf("classified %s (+%d lap): interval %.3f", r.driver, r.lapsDown, r.interval)
		}
	}
	if board[1].driver != "PIA" || board[1].interval != 2.664 || board[2].interval != 3.489 {
		t.Errorf("PIA %.3f and NOR %.3f behind the car ahead, want 2.664 and 3.489", board[1].interval, board[2].interval)
	}
}

func sample(driver string, ts int64, x, y float64) string {
	return fmt.Sprintf("%s %d %.1f %.1f", driver, ts, x, y)
}

// trackMapQuery is the Track map panel's query of dashboards/f1-live.json
// (every driver, read once: no stream), the window it shows (its relative
// time, else the dashboard's) and its point budget.
func trackMapQuery(t *testing.T) (map[string]any, int64, int64) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "dashboards", "f1-live.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Time   struct{ From string }
		Panels []struct {
			Title         string
			TimeFrom      string
			MaxDataPoints int64
			Targets       []map[string]any
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	for _, p := range dash.Panels {
		if p.Title != "Track map" || len(p.Targets) != 1 {
			continue
		}
		from := p.TimeFrom
		if from == "" {
			from = "5m" // the dashboard's now-5m
			if dash.Time.From != "now-5m" {
				t.Fatalf("dashboard time from %q: teach the test its window", dash.Time.From)
			}
		}
		w, err := time.ParseDuration(from)
		if err != nil {
			t.Fatalf("Track map timeFrom %q: %v", from, err)
		}
		q := p.Targets[0]
		delete(q, "drivers") // $driver: All
		q["stream"] = false
		return q, w.Milliseconds(), p.MaxDataPoints
	}
	t.Fatal("dashboards/f1-live.json has no Track map panel with one query")
	return nil, 0, 0
}

// checkTrackMap: the answer holds the 20 cars, every point inside Monza's
// outline (its bounding box plus 5 %) and one of real's samples. It
// returns the times (unix ms) shown of each car.
func checkTrackMap(t *testing.T, resp backend.DataResponse, real map[string]bool) map[string]map[int64]bool {
	t.Helper()
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	monza, _ := f1.CircuitByName("monza")
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range monza.Outline {
		minX, maxX, minY, maxY = math.Min(minX, p.X), math.Max(maxX, p.X), math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	mx, my := (maxX-minX)*0.05, (maxY-minY)*0.05
	drivers := map[string]int{}
	shown := map[string]map[int64]bool{}
	rows, phantoms := 0, 0
	for _, f := range resp.Frames {
		drv, _ := f.FieldByName("driver")
		ts, _ := f.FieldByName("time")
		xf, xi := f.FieldByName("x")
		yf, yi := f.FieldByName("y")
		if xi < 0 || yi < 0 || drv == nil || ts == nil {
			t.Fatalf("track map frame %s lacks time, driver, x or y", f.Name)
		}
		for i := 0; i < f.Rows(); i++ {
			code, _ := drv.ConcreteAt(i)
			when, _ := ts.ConcreteAt(i)
			x, _ := xf.ConcreteAt(i)
			y, _ := yf.ConcreteAt(i)
			xv, yv := x.(float64), y.(float64)
			if xv < minX-mx || xv > maxX+mx || yv < minY-my || yv > maxY+my {
				t.Errorf("%v at (%.0f, %.0f): outside Monza (x %.0f..%.0f, y %.0f..%.0f)", code, xv, yv, minX, maxX, minY, maxY)
			}
			if !real[sample(code.(string), when.(time.Time).UnixMilli(), xv, yv)] {
				phantoms++
			}
			drivers[code.(string)]++
			if shown[code.(string)] == nil {
				shown[code.(string)] = map[int64]bool{}
			}
			shown[code.(string)][when.(time.Time).UnixMilli()] = true
			rows++
		}
	}
	t.Logf("track map: %d rows, %d drivers, %d points that are no car's sample", rows, len(drivers), phantoms)
	if len(drivers) != 20 || rows < 20*4 || phantoms > 0 {
		t.Errorf("track map: %d drivers in %d rows, %d points no car was at; want the 20 cars every 2 s, each point a sample", len(drivers), rows, phantoms)
	}
	return shown
}

// TestMonzaLiveBoardJoinedMidRace: a leaderboard stream opened on lap 30 of
// the Monza replay at its own pace (the race 42 minutes old, TSU out since
// lap 7) starts with the whole field: 20 cars, TSU OUT on lap 7 in last
// place, and the race's clock since lights out. With 15 minutes of lookback
// it had 19 cars and a clock of 829 s.
func TestMonzaLiveBoardJoinedMidRace(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	all := realrace.Items(t, "monza2024_race", "monza2024", "laps.csv", "race_control.csv", "results.csv")
	var items []replay.Item
	var lightsOut int64
	for _, it := range all {
		if it.Type == f1.RaceControlRecord && it.RC.Type == f1.EventLightsOut && lightsOut == 0 {
			lightsOut = it.Ts
		}
		if it.Type == f1.RaceControlRecord && it.RC.Type == f1.EventLap && it.RC.Lap == 31 {
			break // the leader has finished lap 30
		}
		items = append(items, it)
	}
	age := float64(items[len(items)-1].Ts-lightsOut) / 1000 // the race so far
	produceMonzaItems(t, c, items)
	d := newTestDS(t, c, dsOpts{})
	r := newRecorder()
	startStream(t, d, pathFor(t, `{"queryType":"leaderboard","stream":true,"flushMs":20}`), r)
	f1WaitPackets(t, r, "the first board", func(p []map[string]json.RawMessage) bool { return len(p) > 0 })
	got, _ := lastSnapshot(t, r)
	if len(got) == 0 {
		t.Fatal("the first live board has no cars")
	}
	var order []string
	for _, row := range got {
		order = append(order, fmt.Sprint(row["driver"]))
	}
	if len(got) != 20 || order[19] != "TSU" || got[19]["status"] != f1.StatusOut || fmt.Sprint(got[19]["retired_lap"]) != "7" {
		t.Errorf("the live board joined on lap 30: %d cars %v; want 20, TSU last and OUT on lap 7 (last row %v)", len(got), order, got[len(got)-1])
	}
	if e, ok := got[0]["elapsed_s"].(float64); !ok || math.Abs(e-age) > 1 {
		t.Errorf("the live board's race clock: %v s; the race is %.3f s old", got[0]["elapsed_s"], age)
	}
	t.Logf("joined on lap 30: %d cars, last %s %v on lap %v, race clock %v s (%.3f s since lights out)",
		len(got), order[len(order)-1], got[len(got)-1]["status"], got[len(got)-1]["retired_lap"], got[0]["elapsed_s"], age)
}
