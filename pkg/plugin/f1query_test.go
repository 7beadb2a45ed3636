package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/live"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

func TestF1AnnotationQueriesAreNeverStreamed(t *testing.T) {
	q := mustQuery(t, `{"queryType":"alerts","view":"annotations","stream":true}`)
	if q.Stream {
		t.Fatal("an annotation query kept stream: true")
	}
	// It has no channel, and a hand-made path of one is refused.
	if p, err := query.EncodeChannelPath(testOrg, q); err == nil || !strings.Contains(err.Error(), "alerts annotations are read by time range, not streamed") {
		t.Fatalf("path %q, err %v", p, err)
	}
	const path = "1/al/f1-alerts/vw=annotations"
	if _, _, err := query.DecodeChannelPath(path); err == nil || !strings.Contains(err.Error(), "not a live query") {
		t.Fatalf("decode %q: %v", path, err)
	}
	if st, err := newTestDS(t, testCluster(t, nil), dsOpts{}).SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{
		PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}); err != nil || st.Status != backend.SubscribeStreamStatusNotFound {
		t.Fatalf("subscribe: %v %v", st, err)
	}

	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	for _, typ := range []string{"alerts", "raceControl", "wheelSpin", "gearAnomalies"} {
		t.Run(typ, func(t *testing.T) {
			// What the frontend's annotation support sends.
			res := f1Query(t, d, race, map[string]any{"queryType": typ, "view": "annotations", "stream": true, "offset": "timeRange"}, 0, nil)
			if res.Error != nil {
				t.Fatal(res.Error)
			}
			if len(res.Frames) != 1 {
				t.Fatalf("%d frames, want one annotation frame", len(res.Frames))
			}
			f := res.Frames[0]
			if got := strings.Join(frametest.FieldNames(f), ","); !strings.HasPrefix(got, "time,timeEnd,title,text,tags") {
				t.Fatalf("annotation fields %s", got)
			}
			if f.Meta != nil && f.Meta.Channel != "" {
				t.Fatalf("annotation frame has a channel %q", f.Meta.Channel)
			}
			if f.Rows() == 0 {
				t.Fatal("no annotations from a race with events")
			}
			for i, tag := range frametest.Values(t, f, "tags") {
				if !strings.HasPrefix(tag, "[") {
					t.Fatalf("row %d tags %q: want a JSON array", i, tag)
				}
			}
		})
	}
}

func TestF1FromAlertGetsSeriesWithoutChannel(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	for _, typ := range []string{"wheelSpin", "averageSpeed"} {
		t.Run(typ, func(t *testing.T) {
			q := map[string]any{"queryType": typ, "stream": true}
			res := f1Query(t, d, race, q, 50, map[string]string{backend.FromAlertHeaderName: "true"})
			if res.Error != nil {
				t.Fatal(res.Error)
			}
			if len(res.Frames) != 3 {
				t.Fatalf("%d frames, want one series per driver", len(res.Frames))
			}
			for _, f := range res.Frames {
				if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti || f.Meta.Channel != "" || f.Meta.DataTopic != "" {
					t.Fatalf("frame %q meta %+v: want plain series, no channel", f.Name, f.Meta)
				}
				if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Labels["driver"] == "" || f.Rows() == 0 {
					t.Fatalf("frame %q is not time + one labelled value: %v", f.Name, frametest.FieldNames(f))
				}
			}
			// The same query from a dashboard has the events too, and a channel.
			res = f1Query(t, d, race, q, 50, nil)
			if res.Error != nil || res.Frames[0].Meta == nil || res.Frames[0].Meta.Channel == "" {
				t.Fatalf("dashboard query: %v %+v", res.Error, res.Frames[0].Meta)
			}
		})
	}
}

// TestF1StreamQueryPointsAtItsChannel: with stream: true each type returns
// the range in the Live layout and a channel whose path rebuilds the query.
func TestF1StreamQueryPointsAtItsChannel(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	for _, qt := range query.Types {
		if qt.F1 == "" {
			continue
		}
		t.Run(string(qt.F1), func(t *testing.T) {
			q := map[string]any{"queryType": string(qt.F1), "stream": true, "drivers": []string{"VER", "LEC"}, "spinThresholdPct": 9}
			res := f1Query(t, d, race, q, 0, nil)
			if res.Error != nil {
				t.Fatal(res.Error)
			}
			ch := res.Frames[0].Meta.Channel
			want := live.Channel{Scope: live.ScopeDatasource, Namespace: "pitwall-test", Path: "1/" + qt.Code + "/" + qt.F1.Topics()[0] + "/d=LEC.VER/spin=9"}.String()
			if ch != want {
				t.Fatalf("channel %q, want %q", ch, want)
			}
			parsed, err := live.ParseChannel(ch)
			if err != nil {
				t.Fatal(err)
			}
			if _, back, err := query.DecodeChannelPath(parsed.Path); err != nil || back.QueryType != string(qt.F1) || back.Params[query.ParamSpin] != "9" {
				t.Fatalf("path does not rebuild the query: %v %+v", err, back)
			}
			if res.Frames[0].Rows() == 0 {
				t.Fatal("no history with the stream")
			}
		})
	}
}

// TestF1AvroGivesTheSameFrames: the race as Avro (Confluent wire format,
// schemas in a registry) answers every golden query exactly as JSON does.
func TestF1AvroGivesTheSameFrames(t *testing.T) {
	f1FormatGivesTheSameFrames(t, "Avro", f1SchemaIDs{tel: 11, pos: 12, rc: 13, al: 14, pr: 15})
}

// TestF1ProtobufGivesTheSameFrames: the race as Protobuf (producer --format
// protobuf: Confluent wire format with message indexes, PROTOBUF schemas
// in a registry) answers every golden query exactly as JSON does.
func TestF1ProtobufGivesTheSameFrames(t *testing.T) {
	f1FormatGivesTheSameFrames(t, "Protobuf", f1SchemaIDs{tel: 21, pos: 22, rc: 23, al: 24, pr: 25, proto: true})
}

func f1FormatGivesTheSameFrames(t *testing.T, name string, ids f1SchemaIDs) {
	fake := srfake.New()
	defer fake.Close()
	for topic, id := range map[string]int{f1.TopicTelemetry: ids.tel, f1.TopicPositions: ids.pos, f1.TopicRaceControl: ids.rc,
		f1.TopicAlerts: ids.al, f1.TopicPredictions: ids.pr} {
		if ids.proto {
			schema, _ := f1wire.ProtoSchemaForTopic(topic)
			fake.SeedSchema(codec.Subject(topic), id, id, sr.Schema{Schema: schema, Type: sr.TypeProtobuf})
			continue
		}
		schema, _ := f1wire.SchemaForTopic(topic)
		seedSchema(fake, codec.Subject(topic), id, schema)
	}
	cj := testCluster(t, f1TopicSpecs())
	ca := testCluster(t, f1TopicSpecs())
	dj := newTestDS(t, cj, dsOpts{})
	da := newTestDS(t, ca, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})
	rj := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	ra := runSim(t, goldenRaceConfig(), ids)
	produceRace(t, cj, rj)
	produceRace(t, ca, ra)
	for _, gc := range f1GoldenCases {
		j := f1Query(t, dj, rj, gc.query, gc.mdp, nil)
		a := f1Query(t, da, ra, gc.query, gc.mdp, nil)
		if j.Error != nil || a.Error != nil {
			t.Fatalf("%s: json %v, %s %v", gc.name, j.Error, name, a.Error)
		}
		if js, as := frameJSON(t, j.Frames), frameJSON(t, a.Frames); js != as {
			i := 0
			for i < len(js) && i < len(as) && js[i] == as[i] {
				i++
			}
			t.Errorf("%s: %s frames differ from JSON frames at %d:\njson %s\n%s %s", gc.name, name, i, js[max(0, i-300):min(len(js), i+200)], name, as[max(0, i-300):min(len(as), i+200)])
		}
	}
}

// TestF1ThresholdsChangeDetection: the query's spin threshold is the one the
// detector uses.
func TestF1ThresholdsChangeDetection(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	produceRace(t, c, race)
	spins := func(th float64) int {
		res := f1Query(t, d, race, map[string]any{"queryType": "wheelSpin", "view": "events", "spinThresholdPct": th}, 0, nil)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		return res.Frames[0].Rows()
	}
	low, def, high := spins(4), spins(0), spins(40)
	if !(low >= def && def > high) || def == 0 {
		t.Fatalf("spin events at 4 %%: %d, default: %d, 40 %%: %d", low, def, high)
	}
	overspeed := func(kph float64) int {
		res := f1Query(t, d, race, map[string]any{"queryType": "alerts", "overspeedKph": kph}, 0, nil)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		n := 0
		for _, k := range frametest.Values(t, res.Frames[0], "kind") {
			if k == f1.AlertOverspeed {
				n++
			}
		}
		return n
	}
	// Stored alerts (the producer used 300) are merged in; a lower limit
	// adds derived ones.
	if lo, def := overspeed(250), overspeed(0); lo <= def {
		t.Fatalf("overspeed alerts at 250 km/h: %d, at the default: %d", lo, def)
	}
}

// TestF1RecordsWithoutDriverAreCounted: a telemetry record with neither a
// driver field nor a key is skipped, counted and shown, and the others are
// analysed.
func TestF1RecordsWithoutDriverAreCounted(t *testing.T) {
	c := testCluster(t, f1TopicSpecs())
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	race.byTopic[f1.TopicTelemetry] = append(race.byTopic[f1.TopicTelemetry],
		rec{0, "", race.startMs + 5, []byte(`{"ts":` + strconv.FormatInt(race.startMs+5, 10) + `,"speed_kph":200,"rpm":11000,"gear":6}`)})
	produceRace(t, c, race)
	res := f1Query(t, d, race, map[string]any{"queryType": "averageSpeed", "view": "latest"}, 0, nil)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	f := res.Frames[0]
	if f.Rows() != 3 {
		t.Fatalf("%d drivers, want 3", f.Rows())
	}
	var texts []string
	for _, n := range f.Meta.Notices {
		texts = append(texts, n.Text)
	}
	if !strings.Contains(strings.Join(texts, "\n"), "1 record(s) skipped or cut (not_f1_record), first at f1-telemetry partition 0") {
		t.Fatalf("notices %q", texts)
	}
}

// TestF1PathTooLongIsRefusedClearly: a live query that does not fit in a
// channel path still answers its range, with a notice saying why there is
// no stream and what to change.
func TestF1PathTooLongIsRefusedClearly(t *testing.T) {
	const topic = "replay-telemetry-of-the-2024-italian-grand-prix"
	all := []string{"ALB", "ALO", "BOT", "GAS", "HAM", "HUL", "LEC", "MAG", "NOR", "OCO", "PER", "PIA", "RIC", "RUS", "SAI", "SAR", "STR", "TSU", "VER", "ZHO"}
	qm := map[string]any{"queryType": "wheelSpin", "topic": topic, "stream": true, "spinThresholdPct": 8.25, "overspeedKph": 305.5, "drivers": all}
	c := testCluster(t, map[string]int32{topic: 1})
	d := newTestDS(t, c, dsOpts{})
	race := runSim(t, goldenRaceConfig(), f1SchemaIDs{})
	var tel []rec
	for _, r := range race.byTopic[f1.TopicTelemetry] {
		r.partition = 0
		tel = append(tel, r)
	}
	produce(t, c, topic, tel...)
	res := f1Query(t, d, race, qm, 0, nil)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	f := res.Frames[0]
	if f.Meta == nil || f.Meta.Channel != "" || len(f.Meta.Notices) == 0 ||
		!strings.Contains(f.Meta.Notices[0].Text, "no live stream: live query does not fit in a channel path: 158 characters, at most 150; pick fewer drivers") {
		t.Fatalf("meta %+v", f.Meta)
	}
	if f.Rows() == 0 {
		t.Fatal("no data for the range")
	}
	raw, _ := json.Marshal(qm)
	q, err := query.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := query.EncodeChannelPath(testOrg, q); !errors.Is(err, query.ErrPathTooLong) {
		t.Fatalf("err %v", err)
	}
}
