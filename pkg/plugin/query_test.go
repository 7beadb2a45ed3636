package plugin

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	"github.com/iskorotkov/avro/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

func jsonValue(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func avroWire(t testing.TB, schema string, id int, v any) []byte {
	t.Helper()
	s, err := avro.ParseWithCache(schema, "", &avro.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := avro.Marshal(s, v)
	if err != nil {
		t.Fatal(err)
	}
	return append(codec.AppendWireHeader(nil, id), b...)
}

// spaTelemetry reads the Spa 2022 fixture rows of one driver.
func spaTelemetry(t testing.TB, driver string, lap int) []f1.Telemetry {
	t.Helper()
	fh, err := os.Open("testdata/spa2022_telemetry_" + driver + "_head.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := f1.DriverByCode(driver)
	var out []f1.Telemetry
	for _, r := range rows[1:] {
		ts, err := time.Parse("2006-01-02 15:04:05.000", r[0])
		if err != nil {
			t.Fatal(err)
		}
		num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		brake := 0.0
		if r[5] == "True" {
			brake = 100
		}
		out = append(out, f1.Telemetry{Ts: ts.UnixMilli(), RaceID: "spa-2022", Driver: driver, DriverNumber: d.Number, Team: d.Team, Lap: lap,
			DistanceM: num(r[9]), SpeedKph: num(r[2]), RPM: num(r[1]), Gear: int(num(r[3])), ThrottlePct: num(r[4]), Brake: brake, DRS: int(num(r[6]))})
	}
	return out
}

func TestGoldenRawJSON(t *testing.T) {
	c := testCluster(t, map[string]int32{"sensors": 2})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "sensors",
		rec{0, "a", 1000, []byte(`{"temp":21.5,"ok":true,"name":"north"}`)},
		rec{1, "b", 1001, []byte(`{"temp":19,"ok":false,"name":"south","extra":7}`)},
		rec{0, "a", 1002, []byte(`{"temp":22.25,"ok":true,"name":"north"}`)},
	)
	dr := runQuery(t, d, map[string]any{"queryType": "raw", "topic": "sensors", "columns": []string{"key", "partition", "offset"}}, 0, 5000, 1000, nil)
	experimental.CheckGoldenJSONResponse(t, "testdata", "raw_json", &dr, *update)
}

func TestGoldenRawNestedJSON(t *testing.T) {
	c := testCluster(t, map[string]int32{"nested": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "nested",
		rec{0, "", 1725197758900, []byte(`{"car":{"speed":301.5,"tyres":[{"temp":95},{"temp":97.5}]},"driver":"VER","ts":1725197758853}`)},
		rec{0, "", 1725197759100, []byte(`{"car":{"speed":302,"tyres":[{"temp":96}],"drs":true},"driver":"VER","ts":1725197759103}`)},
	)
	dr := runQuery(t, d, map[string]any{"queryType": "raw", "topic": "nested", "timeField": "ts", "columns": []string{"timestamp"}},
		1725197758000, 1725197760000, 1000, nil)
	experimental.CheckGoldenJSONResponse(t, "testdata", "raw_nested_json", &dr, *update)
}

func TestGoldenRawAvro(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicTelemetry: 4})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	fake.SeedSchema(codec.Subject(f1.TopicTelemetry), 1, 11, sr.Schema{Schema: f1wire.TelemetrySchema})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})
	var recs []rec
	for _, tel := range spaTelemetry(t, "VER", 32)[:3] {
		recs = append(recs, rec{0, "VER", tel.Ts, avroWire(t, f1wire.TelemetrySchema, 11, tel)})
	}
	produce(t, c, f1.TopicTelemetry, recs...)
	dr := runQuery(t, d, map[string]any{"queryType": "raw", "topic": f1.TopicTelemetry, "format": "avro", "timeField": "ts",
		"fields": []string{"driver", "speed_kph", "rpm", "gear"}}, recs[0].ts, recs[2].ts, 1000, nil)
	experimental.CheckGoldenJSONResponse(t, "testdata", "raw_avro", &dr, *update)
}

// TestGoldenTelemetry: real Spa 2022 samples of VER and PER, one frame per
// driver; the same records in Avro give the same frames.
func TestGoldenTelemetry(t *testing.T) {
	c := testCluster(t, map[string]int32{"tel-json": 4, "tel-avro": 4})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	fake.SeedSchema(codec.Subject("tel-avro"), 1, 3, sr.Schema{Schema: f1wire.TelemetrySchema})
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})
	var js, av []rec
	for i, drv := range []string{"VER", "PER"} {
		for _, tel := range spaTelemetry(t, drv, 32-3*i) {
			js = append(js, rec{int32(i), drv, tel.Ts, jsonValue(t, tel)})
			av = append(av, rec{int32(i), drv, tel.Ts, avroWire(t, f1wire.TelemetrySchema, 3, tel)})
		}
	}
	produce(t, c, "tel-json", js...)
	produce(t, c, "tel-avro", av...)
	from, to := time.Date(2022, 8, 28, 14, 0, 0, 0, time.UTC).UnixMilli(), time.Date(2022, 8, 28, 14, 10, 0, 0, time.UTC).UnixMilli()
	q := map[string]any{"queryType": "telemetry", "topic": "tel-json", "fields": []string{"speed_kph", "rpm", "gear", "throttle_pct", "brake"}}
	dr := runQuery(t, d, q, from, to, 1000, nil)
	experimental.CheckGoldenJSONResponse(t, "testdata", "telemetry", &dr, *update)
	if len(dr.Frames) != 2 || dr.Frames[0].Name != "PER" || dr.Frames[0].Fields[1].Labels["driver"] != "PER" || dr.Frames[0].Rows() != 8 {
		t.Fatalf("want one 8-row frame per driver, PER first: %v", dr.Frames)
	}
	q["topic"] = "tel-avro"
	drAvro := runQuery(t, d, q, from, to, 1000, nil)
	a, _ := json.Marshal(dr.Frames)
	b, _ := json.Marshal(drAvro.Frames)
	if string(a) != string(b) {
		t.Fatalf("Avro frames differ from JSON frames:\n%s\n%s", a, b)
	}
	// The drivers filter keeps one series.
	q["drivers"] = []string{"VER"}
	if dr := runQuery(t, d, q, from, to, 1000, nil); len(dr.Frames) != 1 || dr.Frames[0].Name != "VER" {
		t.Fatalf("drivers filter: %v", dr.Frames)
	}
}

// TestTimeRangeBoundsAreExact: records exactly at from and to are in,
// records one millisecond outside are out, on every partition, also when a
// partition's timestamps are out of order within the range. (A record whose
// timestamp is in range but that sits after the first record past `to` is
// not found: the read is bounded by ListOffsets.)
func TestTimeRangeBoundsAreExact(t *testing.T) {
	c := testCluster(t, map[string]int32{"edges": 3})
	d := newTestDS(t, c, dsOpts{})
	var first, second []rec
	for ts := int64(1000); ts <= 1200; ts += 10 {
		r := rec{int32(ts / 10 % 3), "", ts, []byte(fmt.Sprintf(`{"v":%d}`, ts))}
		if ts < 1100 {
			first = append(first, r)
		} else {
			second = append(second, r)
		}
	}
	produce(t, c, "edges", first...)
	// Out of order within partition 0, and just outside the edges.
	produce(t, c, "edges", rec{0, "", 1065, []byte(`{"v":1065}`)}, rec{0, "", 1049, []byte(`{"v":1049}`)}, rec{2, "", 1051, []byte(`{"v":1051}`)})
	produce(t, c, "edges", second...)
	produce(t, c, "edges", rec{1, "", 1121, []byte(`{"v":1121}`)})
	dr := runQuery(t, d, map[string]any{"topic": "edges"}, 1050, 1120, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	got := strings.Join(frametest.Values(t, dr.Frames[0], "v"), " ")
	if got != "1050 1051 1060 1065 1070 1080 1090 1100 1110 1120" {
		t.Fatalf("got %s", got)
	}
	if times := strings.Join(frametest.Values(t, dr.Frames[0], "time"), " "); times != got {
		t.Fatalf("times %s", times)
	}
}

func TestOffsetModes(t *testing.T) {
	c := testCluster(t, map[string]int32{"modes": 2})
	d := newTestDS(t, c, dsOpts{})
	for i := int64(0); i < 10; i++ {
		produce(t, c, "modes", rec{int32(i % 2), "", 1000 + i, []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	for mode, want := range map[string]string{
		"earliest": "0 1 2 3 4 5 6 7 8 9",
		"latest":   "8 9",
		"lastN":    "4 5 6 7 8 9", // the last 3 of each of the 2 partitions, as the query editor says (issue 12)
	} {
		dr := runQuery(t, d, map[string]any{"topic": "modes", "offset": mode, "lastN": 3}, 0, 1, 0, nil)
		if dr.Error != nil {
			t.Fatal(dr.Error)
		}
		if got := strings.Join(frametest.Values(t, dr.Frames[0], "n"), " "); got != want {
			t.Errorf("%s: got %s, want %s", mode, got, want)
		}
	}
	dr := runQuery(t, d, map[string]any{"topic": "modes", "offset": "earliest", "partition": 1}, 0, 1, 0, nil)
	if got := strings.Join(frametest.Values(t, dr.Frames[0], "n"), " "); got != "1 3 5 7 9" {
		t.Errorf("partition 1: %s", got)
	}
	dr = runQuery(t, d, map[string]any{"topic": "modes", "partition": 7}, 0, 5000, 0, nil)
	if dr.Error == nil || !strings.Contains(dr.Error.Error(), "partition 7 does not exist") {
		t.Errorf("missing partition: %v", dr.Error)
	}
	dr = runQuery(t, d, map[string]any{"topic": "modes", "offset": "earliest", "limit": 4}, 0, 1, 0, nil)
	if dr.Frames[0].Rows() != 4 || dr.Frames[0].Meta == nil || !strings.Contains(dr.Frames[0].Meta.Notices[0].Text, "limit") {
		t.Errorf("limit: %d rows %+v", dr.Frames[0].Rows(), dr.Frames[0].Meta)
	}
}

func TestDecimationKeepsExtremes(t *testing.T) {
	c := testCluster(t, map[string]int32{"dense": 1})
	d := newTestDS(t, c, dsOpts{})
	var recs []rec
	for i := int64(0); i < 20000; i++ {
		v := float64(i % 50)
		switch i {
		case 12345:
			v = 9999 // a spike a blind decimation would drop
		case 777:
			v = -500
		}
		recs = append(recs, rec{0, "", 100000 + i, []byte(fmt.Sprintf(`{"v":%g,"s":"x%d"}`, v, i%3))})
	}
	produce(t, c, "dense", recs...)
	dr := runQuery(t, d, map[string]any{"topic": "dense"}, 100000, 119999, 200, nil)
	f := dr.Frames[0]
	if f.Rows() > 200 || f.Rows() < 150 {
		t.Fatalf("%d rows for 200 points", f.Rows())
	}
	vals := frametest.Values(t, f, "v")
	joined := " " + strings.Join(vals, " ") + " "
	if !strings.Contains(joined, " 9999 ") || !strings.Contains(joined, " -500 ") || !strings.Contains(joined, " 49 ") || !strings.Contains(joined, " 0 ") {
		t.Fatalf("extremes lost: %v", vals[:20])
	}
	times := frametest.Values(t, f, "time")
	for i := 1; i < len(times); i++ {
		a, _ := strconv.Atoi(times[i-1])
		b, _ := strconv.Atoi(times[i])
		if b < a {
			t.Fatalf("times not sorted at %d: %s %s", i, times[i-1], times[i])
		}
	}
}

func TestBadRecordsAreCountedAndGoodOnesKept(t *testing.T) {
	c := testCluster(t, map[string]int32{"mixed": 1})
	d := newTestDS(t, c, dsOpts{})
	before := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues("invalid_json"))
	produce(t, c, "mixed",
		rec{0, "", 1, []byte(`{"n":1}`)},
		rec{0, "", 2, []byte(`{"n":`)},
		rec{0, "", 3, []byte(`{"n":3}`)},
		rec{0, "", 4, nil},
		rec{0, "", 5, []byte(`{"n":"five"}`)},
		rec{0, "", 6, []byte(`not json`)},
		rec{0, "", 7, []byte{0, 0, 0, 0, 9, 1, 2}},
		rec{0, "", 8, []byte(`{"n":8}`)},
	)
	dr := runQuery(t, d, map[string]any{"topic": "mixed"}, 0, 100, 0, nil)
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	f := dr.Frames[0]
	if got := strings.Join(frametest.Values(t, f, "n"), " "); got != "1 3 null 8" {
		t.Fatalf("good records: %s", got)
	}
	var notes []string
	for _, n := range f.Meta.Notices {
		notes = append(notes, n.Text)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"2 record(s) skipped or cut (invalid_json), first at mixed partition 0 offset 1",
		"(empty)", "(type_mismatch)", "(no_registry)"} {
		if !strings.Contains(all, want) {
			t.Errorf("notices lack %q:\n%s", want, all)
		}
	}
	if after := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues("invalid_json")); after-before != 2 {
		t.Errorf("metric invalid_json grew by %v, want 2", after-before)
	}
}

func TestStreamFlagAddsAChannelButNotForAlerting(t *testing.T) {
	c := testCluster(t, map[string]int32{"live": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "live", rec{0, "", 10, []byte(`{"n":1}`)})
	q := map[string]any{"topic": "live", "stream": true, "fields": []string{"n"}}
	dr := runQuery(t, d, q, 0, 100, 0, nil)
	if dr.Frames[0].Meta == nil || dr.Frames[0].Meta.Channel != "ds/pitwall-test/1/raw/live/s=n" || dr.Frames[0].Rows() != 1 {
		t.Fatalf("stream: %+v rows %d", dr.Frames[0].Meta, dr.Frames[0].Rows())
	}
	dr = runQuery(t, d, q, 0, 100, 0, map[string]string{backend.FromAlertHeaderName: "true"})
	if (dr.Frames[0].Meta != nil && dr.Frames[0].Meta.Channel != "") || dr.Frames[0].Rows() != 1 {
		t.Fatalf("alerting must get complete frames and no channel: %+v", dr.Frames[0].Meta)
	}
	// Telemetry with stream: one frame in the labels layout, like the stream;
	// without maxDataPoints its channel carries the query's interval (1 s)
	// as the resolution it is drawn at.
	dr = runQuery(t, d, map[string]any{"queryType": "telemetry", "topic": "live", "stream": true}, 0, 100, 0, nil)
	if dr.Error != nil || dr.Frames[0].Meta.Channel != "ds/pitwall-test/1/tel/live/v=1000" {
		t.Fatalf("telemetry stream: %v %+v", dr.Error, dr.Frames[0].Meta)
	}
}

func TestQueryErrorsArePerQuery(t *testing.T) {
	c := testCluster(t, map[string]int32{"ok": 1})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, "ok", rec{0, "", 10, []byte(`{"n":1}`)})
	mk := func(ref, js string) backend.DataQuery {
		return backend.DataQuery{RefID: ref, JSON: []byte(js), TimeRange: backend.TimeRange{From: time.UnixMilli(0), To: time.UnixMilli(100)}}
	}
	resp, err := d.QueryData(t.Context(), &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: 1}, Queries: []backend.DataQuery{
		mk("A", `{"topic":"ok"}`), mk("B", `{"topic":"missing"}`), mk("C", `{"queryType":"wheelSpin"}`), mk("D", `{"queryType":"nope"}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Responses["A"]; r.Error != nil || r.Frames[0].Rows() != 1 {
		t.Errorf("A: %v", r.Error)
	}
	if r := resp.Responses["B"]; r.Error == nil || !strings.Contains(r.Error.Error(), `topic "missing"`) || r.Status != backend.StatusNotFound {
		t.Errorf("B: %v %v", r.Error, r.Status)
	}
	// wheelSpin reads f1-telemetry, which this cluster lacks.
	if r := resp.Responses["C"]; r.Error == nil || !strings.Contains(r.Error.Error(), `topic "f1-telemetry": unknown topic`) || r.Status != backend.StatusNotFound {
		t.Errorf("C: %v %v", r.Error, r.Status)
	}
	if r := resp.Responses["D"]; r.Error == nil || !strings.Contains(r.Error.Error(), "is not one of") {
		t.Errorf("D: %v", r.Error)
	}
}

func TestInvalidSettingsAreShownByEveryHandler(t *testing.T) {
	d := newTestDS(t, nil, dsOpts{json: map[string]any{"bootstrapServers": "nohost"}})
	dr := runQuery(t, d, map[string]any{"topic": "x"}, 0, 1, 0, nil)
	if dr.Error == nil || !strings.Contains(dr.Error.Error(), `bootstrapServers entry "nohost" is not host:port`) {
		t.Fatalf("query: %v", dr.Error)
	}
	h, _ := d.CheckHealth(t.Context(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "nohost") {
		t.Fatalf("health: %+v", h)
	}
}

// A query Grafana cancelled is answered as cancelled (499, "context
// canceled", which Grafana counts as a cancelled request), never as Kafka
// failing to answer in time; a deadline still is a timeout.
func TestQueryErrorTellsACancelFromATimeout(t *testing.T) {
	cancelled := queryError(fmt.Errorf("reading f1-telemetry: %w", kafka.ErrCanceled))
	if cancelled.Status != 499 || !strings.Contains(cancelled.Error.Error(), "context canceled") ||
		backend.RequestStatusFromErrorString(cancelled.Error.Error()) != backend.RequestStatusCancelled {
		t.Errorf("cancelled read answered %d %v", cancelled.Status, cancelled.Error)
	}
	timedOut := queryError(fmt.Errorf("reading f1-telemetry: %w", context.DeadlineExceeded))
	if timedOut.Status != backend.StatusTimeout {
		t.Errorf("timed-out read answered %d %v", timedOut.Status, timedOut.Error)
	}
}
