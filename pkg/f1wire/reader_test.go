package f1wire

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/iskorotkov/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// decoded is a record decoded by pkg/codec, with the Kafka timestamp and
// key the Reader falls back to.
type decoded struct {
	rec   *codec.Record
	names *codec.Names
	ts    time.Time
	key   []byte
}

func decodeRec(t testing.TB, d *codec.Decoder, value []byte) decoded {
	t.Helper()
	var rec codec.Record
	if err := d.Decode(context.Background(), value, &rec); err != nil {
		t.Fatal(err)
	}
	return decoded{rec: &rec, names: d.Names(), ts: time.UnixMilli(42), key: []byte("KEY")}
}

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

func TestF1ReaderFillsStructsFromJSONAndAvro(t *testing.T) {
	fake := srfake.New()
	t.Cleanup(fake.Close)
	fake.SeedSchema(codec.Subject("tel"), 5, 5, sr.Schema{Schema: TelemetrySchema, Type: sr.TypeAvro})
	reg, err := codec.NewRegistry(codec.RegistryConfig{URL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	// The fourth row of the Spa 2022 fixture (pkg/plugin/testdata/spa2022_telemetry_VER_head.csv).
	ver, _ := f1.DriverByCode("VER")
	want := f1.Telemetry{Ts: 1661695527174, RaceID: "spa-2022", Driver: "VER", DriverNumber: ver.Number, Team: ver.Team, Lap: 32,
		DistanceM: 102.56305555555554, SpeedKph: 255, RPM: 11489, Gear: 6, ThrottlePct: 100}
	want.X, want.Y, want.BrakeTempC = 1.5, -2.5, 612
	fr := NewReader()
	for name, value := range map[string][]byte{"json": jsonValue(t, want), "avro": avroWire(t, TelemetrySchema, 5, want)} {
		var got f1.Telemetry
		r := decodeRec(t, codec.NewDecoder(codec.FormatAuto, "tel", reg, codec.Limits{}), value)
		if !fr.Telemetry(r.rec, r.names, r.ts, r.key, &got) || got != want {
			t.Errorf("%s: got %+v\nwant %+v", name, got, want)
		}
	}
	d := codec.NewDecoder(codec.FormatJSON, "x", nil, codec.Limits{})
	pos := f1.Position{Ts: 9, RaceID: "r", Driver: "LEC", Position: 2, Lap: 40, GapToLeaderS: 1.5, IntervalS: 1.5, LastLapS: 81.2,
		BestLapS: 80.9, PitStops: 1, Tyre: f1.TyreHard, TyreAgeLaps: 12, Status: f1.StatusRunning}
	var gotPos f1.Position
	if r := decodeRec(t, d, jsonValue(t, pos)); !fr.Position(r.rec, r.names, r.ts, r.key, &gotPos) || gotPos != pos {
		t.Errorf("position: %+v", gotPos)
	}
	rc := f1.RaceControl{Ts: 10, RaceID: "r", Type: f1.EventFlag, Lap: 3, TotalLaps: 53, Message: "YELLOW"}
	var gotRC f1.RaceControl
	if r := decodeRec(t, d, jsonValue(t, rc)); !fr.RaceControl(r.rec, r.names, r.ts, &gotRC) || gotRC != rc {
		t.Errorf("race control: %+v", gotRC)
	}
	al := f1.Alert{Ts: 11, RaceID: "r", Driver: "VER", Severity: f1.SeverityHigh, Kind: f1.AlertOverspeed, Value: 330, Message: "fast"}
	var gotAl f1.Alert
	if r := decodeRec(t, d, jsonValue(t, al)); !fr.Alert(r.rec, r.names, r.ts, &gotAl) || gotAl != al {
		t.Errorf("alert: %+v", gotAl)
	}
	// A prediction, from JSON and from Avro; without a model it is refused.
	fake.SeedSchema(codec.Subject(f1.TopicPredictions), 6, 6, sr.Schema{Schema: PredictionSchema, Type: sr.TypeAvro})
	pr := f1.Prediction{Ts: 12, RaceID: "r", Driver: "LEC", Lap: 14, Model: f1.ModelPitWindow, HorizonLaps: 3, Probability: 0.25,
		Reasons: "MEDIUM age 14 of ~21"}
	for name, value := range map[string][]byte{"json": jsonValue(t, pr), "avro": avroWire(t, PredictionSchema, 6, pr)} {
		var got f1.Prediction
		r := decodeRec(t, codec.NewDecoder(codec.FormatAuto, f1.TopicPredictions, reg, codec.Limits{}), value)
		if !fr.Prediction(r.rec, r.names, r.ts, &got) || got != pr {
			t.Errorf("prediction %s: %+v", name, got)
		}
	}
	var noModel f1.Prediction
	if r := decodeRec(t, d, []byte(`{"driver":"VER","probability":0.5}`)); fr.Prediction(r.rec, r.names, r.ts, &noModel) || noModel.Ts != 42 {
		t.Errorf("a prediction without a model: %+v", noModel)
	}
	// Missing ts and driver fall back to the Kafka timestamp and key.
	var bare f1.Telemetry
	if r := decodeRec(t, d, []byte(`{"speed_kph":100}`)); !fr.Telemetry(r.rec, r.names, r.ts, r.key, &bare) || bare.Ts != 42 || bare.Driver != "KEY" || bare.SpeedKph != 100 {
		t.Errorf("fallbacks: %+v", bare)
	}
}

func BenchmarkF1ReaderTelemetry(b *testing.B) {
	d := codec.NewDecoder(codec.FormatJSON, "x", nil, codec.Limits{})
	r := decodeRec(b, d, jsonValue(b, f1.Telemetry{Ts: 1, RaceID: "r", Driver: "VER", Team: "Red Bull Racing", SpeedKph: 300, Gear: 8}))
	fr := NewReader()
	var t f1.Telemetry
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fr.Telemetry(r.rec, r.names, r.ts, r.key, &t)
	}
}
