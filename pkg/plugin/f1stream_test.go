package plugin

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// f1Stream runs RunStream for a query over a race produced in two halves:
// the first before the stream starts (read from the earliest offset), the
// second while it runs, so the stream sends several packets. It returns the
// recorder once done(packets) holds.
func f1Stream(t *testing.T, query string, done func(t *testing.T, r *recorder) bool) (*recorder, simRace, *Datasource) {
	t.Helper()
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	mid := (race.startMs + race.endMs) / 2
	first, second := map[string][]rec{}, map[string][]rec{}
	for topic, recs := range race.byTopic {
		for _, r := range recs {
			if r.ts < mid {
				first[topic] = append(first[topic], r)
			} else {
				second[topic] = append(second[topic], r)
			}
		}
	}
	produceRace(t, c, simRace{byTopic: first})
	r := newRecorder()
	startStream(t, d, pathFor(t, query), r)
	f1WaitPackets(t, r, "the first half", func(p []map[string]json.RawMessage) bool { return len(p) > 0 })
	produceRace(t, c, simRace{byTopic: second})
	waitFor(t, "the whole race on the stream", func() bool { return done(t, r) })
	checkSchemaThenData(t, r)
	return r, race, d
}

// checkSchemaThenData: the first packet has the schema; later packets carry
// it only when it changed, and data always matches the schema's width.
func checkSchemaThenData(t *testing.T, r *recorder) {
	t.Helper()
	packets, _ := r.snapshot()
	if len(packets) < 2 {
		t.Fatalf("%d packet(s): the second half should have been a push of its own", len(packets))
	}
	if _, ok := packets[0]["schema"]; !ok {
		t.Fatal("the first packet has no schema")
	}
	dataOnly := 0
	for _, p := range packets[1:] {
		if _, ok := p["schema"]; !ok {
			dataOnly++
		}
	}
	if dataOnly == 0 {
		t.Fatalf("every one of %d packets resent the schema", len(packets))
	}
	streamRows(t, r) // fails on data wider or narrower than its schema
}

// lastSnapshot decodes the last packet of a snapshot stream as rows, with the
// schema of the latest packet that had one.
func lastSnapshot(t *testing.T, r *recorder) (rowsOut []map[string]any, custom map[string]any) {
	t.Helper()
	packets, _ := r.snapshot()
	var names []string
	for _, p := range packets {
		s, ok := p["schema"]
		if !ok {
			continue
		}
		var sch struct {
			Meta struct {
				Custom map[string]any `json:"custom"`
			} `json:"meta"`
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		}
		if err := json.Unmarshal(s, &sch); err != nil {
			t.Fatal(err)
		}
		names, custom = names[:0], sch.Meta.Custom
		for _, f := range sch.Fields {
			names = append(names, f.Name)
		}
	}
	cols := rows(t, packets[len(packets)-1])
	for i := range cols[0] {
		row := map[string]any{}
		for c, name := range names {
			row[name] = cols[c][i]
		}
		rowsOut = append(rowsOut, row)
	}
	return rowsOut, custom
}

func TestF1StreamLeaderboardSendsWholeSnapshots(t *testing.T) {
	r, race, d := f1Stream(t, `{"queryType":"leaderboard","offset":"earliest","stream":true,"flushMs":20}`, func(t *testing.T, r *recorder) bool {
		got, _ := lastSnapshot(t, r)
		return len(got) == 3 && got[0]["flag"] == f1.FlagChequered && got[0]["status"] == f1.StatusFinished && got[2]["status"] == f1.StatusFinished
	})
	packets, _ := r.snapshot()
	for i, p := range packets {
		if n := len(rows(t, p)[0]); n > 3 {
			t.Fatalf("packet %d has %d rows: snapshots must replace, not append", i, n)
		}
	}
	got, custom := lastSnapshot(t, r)
	if custom["snapshot"] != true {
		t.Fatalf("meta.custom %v: want snapshot true", custom)
	}
	// The live board ends where the range query ends.
	res := f1Query(t, d, race, map[string]any{"queryType": "leaderboard"}, 0, nil)
	want := frametest.Values(t, res.Frames[0], "driver")
	var order []string
	for _, row := range got {
		order = append(order, fmt.Sprint(row["driver"]))
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Fatalf("live order %v, range order %v", order, want)
	}
}

func TestF1StreamRaceControlAppendsEvents(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	want := frametest.Values(t, f1Query(t, d, race, map[string]any{"queryType": "raceControl"}, 0, nil).Frames[0], "type")
	r, _, _ := f1Stream(t, `{"queryType":"raceControl","offset":"earliest","stream":true,"flushMs":20}`, func(t *testing.T, r *recorder) bool {
		got, _ := streamRows(t, r)
		return len(got) >= len(want)
	})
	got, _ := streamRows(t, r)
	var types []string
	for _, row := range got {
		types = append(types, fmt.Sprint(row["type"]))
	}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		t.Fatalf("live events %v, range events %v", types, want)
	}
}

func TestF1StreamAlertsAppendWithoutDuplicates(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	rangeRes := f1Query(t, d, race, map[string]any{"queryType": "alerts"}, 0, nil).Frames[0]
	want := alertKeys(frametest.Values(t, rangeRes, "timestamp"), frametest.Values(t, rangeRes, "driver"), frametest.Values(t, rangeRes, "kind"))
	r, _, _ := f1Stream(t, `{"queryType":"alerts","offset":"earliest","stream":true,"flushMs":20}`, func(t *testing.T, r *recorder) bool {
		got, _ := streamRows(t, r)
		return len(got) >= len(want)
	})
	got, _ := streamRows(t, r)
	var ts, drv, kind []string
	for _, row := range got {
		ts = append(ts, fmt.Sprint(int64(row["timestamp"].(float64))))
		drv, kind = append(drv, fmt.Sprint(row["driver"])), append(kind, fmt.Sprint(row["kind"]))
	}
	live := alertKeys(ts, drv, kind)
	if strings.Join(live, "\n") != strings.Join(want, "\n") {
		t.Fatalf("live alerts (%d):\n%s\nrange alerts (%d):\n%s", len(live), strings.Join(live, "\n"), len(want), strings.Join(want, "\n"))
	}
}

func alertKeys(ts, drv, kind []string) []string {
	var out []string
	for i := range ts {
		out = append(out, ts[i]+" "+drv[i]+" "+kind[i])
	}
	sort.Strings(out)
	return out
}

func TestF1StreamGearAnomaliesAppendEvents(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	rangeRes := f1Query(t, d, race, map[string]any{"queryType": "gearAnomalies", "view": "events"}, 0, nil).Frames[0]
	want := alertKeys(frametest.Values(t, rangeRes, "time"), frametest.Values(t, rangeRes, "driver"), frametest.Values(t, rangeRes, "anomaly"))
	if len(want) < 2 {
		t.Fatalf("the race has %d gear anomalies: too few to stream", len(want))
	}
	r, _, _ := f1Stream(t, `{"queryType":"gearAnomalies","offset":"earliest","stream":true,"flushMs":20}`, func(t *testing.T, r *recorder) bool {
		got, _ := streamRows(t, r)
		return len(got) >= len(want)
	})
	got, _ := streamRows(t, r)
	var ts, drv, anomaly []string
	for _, row := range got {
		ts = append(ts, fmt.Sprint(int64(row["time"].(float64))))
		drv, anomaly = append(drv, fmt.Sprint(row["driver"])), append(anomaly, fmt.Sprint(row["anomaly"]))
	}
	if live := alertKeys(ts, drv, anomaly); strings.Join(live, "\n") != strings.Join(want, "\n") {
		t.Fatalf("live anomalies:\n%s\nrange anomalies:\n%s", strings.Join(live, "\n"), strings.Join(want, "\n"))
	}
}

// TestF1StreamSeriesInTimeOrder: wheelSpin and averageSpeed stream every
// driver on one channel in Grafana Live's labels layout, each driver in
// time order. A
// backlog is thinned for drawing, but each driver's peak slip survives, and
// the running average ends where the range query's does.
func TestF1StreamSeriesInTimeOrder(t *testing.T) {
	for _, typ := range []string{"wheelSpin", "averageSpeed"} {
		t.Run(typ, func(t *testing.T) {
			c := testCluster(t, f1TopicSpecs())
			d := newTestDS(t, c, dsOpts{})
			race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
			produceRace(t, c, race)
			value := "slip_pct"
			want := map[string]float64{} // labels -> peak slip, or the final average
			if typ == "averageSpeed" {
				value = "avg_speed_kph"
				latest := f1Query(t, d, race, map[string]any{"queryType": "averageSpeed", "view": "latest"}, 0, nil).Frames[0]
				for i, drv := range frametest.Values(t, latest, "driver") {
					want["driver="+drv+",race_id=monza-7"], _ = latest.FloatAt(2, i)
				}
			} else {
				for _, f := range f1Query(t, d, race, map[string]any{"queryType": "wheelSpin", "view": "series"}, 100000, nil).Frames {
					for i := 0; i < f.Rows(); i++ {
						v, _ := f.FloatAt(1, i)
						k := "driver=" + f.Fields[1].Labels["driver"]
						want[k] = max(want[k], v)
					}
				}
			}
			if len(want) != 3 {
				t.Fatalf("range query: %v", want)
			}
			// What the live series show: the peak slip, or the latest average.
			shown := func(r *recorder) map[string]float64 {
				got, _ := streamRows(t, r)
				out := map[string]float64{}
				for _, row := range got {
					k, v := fmt.Sprint(row["labels"]), row[value].(float64)
					if typ == "averageSpeed" || v > out[k] {
						out[k] = v
					}
				}
				return out
			}
			r, _, _ := f1Stream(t, `{"queryType":"`+typ+`","offset":"earliest","stream":true,"flushMs":20}`, func(t *testing.T, r *recorder) bool {
				got := shown(r)
				if len(got) != len(want) {
					return false
				}
				for k, v := range want {
					// The final average of a driver whose last samples
					// are newer than the slowest car's may wait for more
					// data: within 1 km/h.
					if d := got[k] - v; d < -1e-9 && (typ == "wheelSpin" || d < -1) || d > 1 {
						return false
					}
				}
				return true
			})
			// Each series in its own time order (what a panel needs; rows
			// of different drivers may interleave, see f1frame's liveBuf).
			got, _ := streamRows(t, r)
			prev := map[string]float64{}
			for i, row := range got {
				tm, k := row["time"].(float64), fmt.Sprint(row["labels"])
				if tm < prev[k] {
					t.Fatalf("row %d of %s goes back in time: %v after %v", i, k, tm, prev[k])
				}
				prev[k] = tm
			}
			if typ == "wheelSpin" && fmt.Sprint(shown(r)) != fmt.Sprint(want) {
				t.Fatalf("live peaks %v, range peaks %v", shown(r), want)
			}
		})
	}
}

// A leaderboard stream (from now, as a dashboard panel's) starts with the
// board of the last minutes: its first push replaces the panel's snapshot, so
// a board folded from nothing emptied the panel until every car had crossed
// the line again (issue 11 e2e: "No race data yet" after the board showed).
func TestF1StreamLeaderboardStartsWithTheRecentBoard(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	cfg := goldenRaceConfig()
	cfg.StartMs = time.Now().Add(-5 * time.Minute).UnixMilli()
	race := runSim(t, cfg, f1SchemaIDs{})
	produceRace(t, c, race)
	r := newRecorder()
	startStream(t, d, pathFor(t, `{"queryType":"leaderboard","stream":true,"flushMs":20}`), r)
	f1WaitPackets(t, r, "the first board", func(p []map[string]json.RawMessage) bool { return len(p) > 0 })
	got, _ := lastSnapshot(t, r)
	var drivers []string
	for _, row := range got {
		drivers = append(drivers, fmt.Sprint(row["driver"]))
	}
	sort.Strings(drivers)
	if strings.Join(drivers, ",") != "LEC,NOR,VER" {
		t.Fatalf("the first live board has drivers %v; want the race's LEC, NOR and VER", drivers)
	}
	if got[0]["flag"] != f1.FlagChequered {
		t.Fatalf("the first live board's flag is %v; want the finished race's chequered flag", got[0]["flag"])
	}
}

// TestF1StreamLatestPredictionsStartsWithTheRecentTable: a latest-predictions
// stream sends whole tables (each replaces the panel's), so one started after
// the predictions were published must push them, not an empty table; the
// series view appends and must not resend what QueryData already drew.
func TestF1StreamLatestPredictionsStartsWithTheRecentTable(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	cfg := goldenRaceConfig()
	cfg.StartMs = time.Now().Add(-5 * time.Minute).UnixMilli()
	race := runSim(t, cfg, f1SchemaIDs{})
	produceRace(t, c, race)
	if len(race.byTopic[f1.TopicPredictions]) == 0 {
		t.Fatal("the race published no predictions")
	}
	r := newRecorder()
	startStream(t, d, pathFor(t, `{"queryType":"predictions","view":"latest","stream":true,"flushMs":20}`), r)
	f1WaitPackets(t, r, "the first table", func(p []map[string]json.RawMessage) bool { return len(p) > 0 })
	got, _ := lastSnapshot(t, r)
	var drivers []string
	for _, row := range got {
		drivers = append(drivers, fmt.Sprint(row["driver"]))
	}
	sort.Strings(drivers)
	if strings.Join(drivers, ",") != "LEC,NOR,VER" {
		t.Fatalf("the first live predictions table has drivers %v; want the race's LEC, NOR and VER", drivers)
	}

	series := newRecorder()
	startStream(t, d, pathFor(t, `{"queryType":"predictions","view":"series","stream":true,"flushMs":20}`), series)
	time.Sleep(300 * time.Millisecond)
	if packets, _ := series.snapshot(); len(packets) != 0 {
		t.Fatalf("a predictions series stream started after the race resent %d packets of its history", len(packets))
	}
}
