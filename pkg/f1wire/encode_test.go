package f1wire

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/iskorotkov/avro/v2"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

var tel = f1.Telemetry{Ts: 1725195780123, RaceID: "monza-1", Driver: "VER", DriverNumber: 1, Team: "Red Bull Racing",
	Lap: 43, DistanceM: 1234.5, SpeedKph: 316.54250048, RPM: 11229.17251136, Gear: 8, ThrottlePct: 100, Brake: 0,
	DRS: 12, X: -1376.7050085228798, Y: -710.7659514269484, BrakeTempC: 612.3}

var pos = f1.Position{Ts: 1725195780124, RaceID: "monza-1", Driver: "LEC", Position: 1, Lap: 53, GapToLeaderS: 0,
	IntervalS: 0.5, LastLapS: 84.123, BestLapS: 81.745, PitStops: 1, Tyre: f1.TyreHard, TyreAgeLaps: 22, Status: f1.StatusRunning,
	Sector1S: 26.921, Sector2S: 28.785, Sector3S: 28.417}

var weather = f1.Weather{Ts: 1725195780128, RaceID: "monza-1", AirTempC: 33.2, TrackTempC: 52.1, HumidityPct: 38,
	PressureMbar: 993.8, Rainfall: true, WindDirectionDeg: 318, WindSpeedMS: 0.7}

var location = f1.Location{Ts: 1725195780129, RaceID: "monza-1", Driver: "NOR", X: -1286, Y: 324.5, Z: 187}

var rc = f1.RaceControl{Ts: 1725195780125, RaceID: "monza-1", Type: f1.EventFastestLap, Driver: "NOR", Lap: 41, TotalLaps: 53,
	Message: "Fastest lap: NOR 1:21.432 \"purple\" \\ \n\t \u00e9\u2603 \x01"}

var alert = f1.Alert{Ts: 1725195780126, RaceID: "monza-1", Driver: "HAM", Severity: f1.SeverityHigh, Kind: f1.AlertWheelSpin,
	Value: 17.25, Message: "HAM wheel spin 17 %"}

var cmd = f1.RaceCommand{Ts: 1725195780127, RaceID: "r-9", Command: f1.CommandStart, Circuit: "spa", Laps: 5,
	Drivers: []string{"VER", "HAM"}, Speed: 10, SelectedDriver: "VER"}

var prediction = f1.Prediction{Ts: 1725195780128, RaceID: "monza-1", Driver: "LEC", Lap: 14, Model: f1.ModelPitWindow,
	HorizonLaps: 3, Probability: 0.2483, Reasons: "MEDIUM age 14 of ~21, 1.0 s gap behind < 24 s pit loss"}

func jsonRoundTrip[T any](t *testing.T, enc func([]byte, *T) []byte, v T) {
	t.Helper()
	b := enc([]byte("junk-prefix"), &v)[len("junk-prefix"):]
	var got T
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("JSON round trip:\n got %+v\nwant %+v\n%s", got, v, b)
	}
	// The same names as encoding/json with the record's tags.
	std, _ := json.Marshal(v)
	var a, c map[string]any
	_ = json.Unmarshal(std, &a)
	_ = json.Unmarshal(b, &c)
	if !reflect.DeepEqual(a, c) {
		t.Fatalf("fields differ from encoding/json:\n got %s\nwant %s", b, std)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	jsonRoundTrip(t, TelemetryJSON, tel)
	jsonRoundTrip(t, PositionJSON, pos)
	jsonRoundTrip(t, RaceControlJSON, rc)
	noDriver := rc
	noDriver.Driver = ""
	jsonRoundTrip(t, RaceControlJSON, noDriver)
	jsonRoundTrip(t, AlertJSON, alert)
	jsonRoundTrip(t, RaceCommandJSON, cmd)
	jsonRoundTrip(t, RaceCommandJSON, f1.RaceCommand{Ts: 1, RaceID: "r", Command: f1.CommandStop})
	jsonRoundTrip(t, PredictionJSON, prediction)
	jsonRoundTrip(t, WeatherJSON, weather)
	dry := weather
	dry.Rainfall = false
	jsonRoundTrip(t, WeatherJSON, dry)
	jsonRoundTrip(t, LocationJSON, location)
}

func TestJSONOddValues(t *testing.T) {
	x := tel
	x.SpeedKph, x.RPM, x.X = math.NaN(), math.Inf(1), -0.000001
	x.Driver = "bad\xffutf8"
	b := TelemetryJSON(nil, &x)
	var got f1.Telemetry
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if got.SpeedKph != 0 || got.RPM != 0 || got.X != -0.000001 || got.Driver != "bad\ufffdutf8" {
		t.Fatalf("odd values came back as %+v", got)
	}
}

func avroRoundTrip[T any](t *testing.T, schema string, enc func([]byte, int, *T) []byte, v T, sameBytes bool) {
	t.Helper()
	b := enc(nil, 77, &v)
	id, body, err := codec.SplitWire(b)
	if err != nil || id != 77 {
		t.Fatalf("wire header: id %d, %v", id, err)
	}
	sch := avro.MustParse(schema)
	var got T
	if err := avro.Unmarshal(sch, body, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("Avro round trip:\n got %+v\nwant %+v", got, v)
	}
	if !sameBytes {
		return // hamba writes array blocks with a byte size, which is also valid Avro
	}
	// And hamba's own encoding is byte for byte the same.
	want, err := avro.Marshal(sch, v)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(body) {
		t.Fatalf("Avro bytes differ from hamba/avro:\n got %x\nwant %x", body, want)
	}
}

func TestAvroRoundTrip(t *testing.T) {
	avroRoundTrip(t, TelemetrySchema, TelemetryAvro, tel, true)
	avroRoundTrip(t, PositionSchema, PositionAvro, pos, true)
	avroRoundTrip(t, RaceControlSchema, RaceControlAvro, rc, true)
	avroRoundTrip(t, AlertSchema, AlertAvro, alert, true)
	avroRoundTrip(t, RaceCommandSchema, RaceCommandAvro, cmd, false)
	avroRoundTrip(t, RaceCommandSchema, RaceCommandAvro, f1.RaceCommand{Ts: 1, RaceID: "r", Command: f1.CommandStop, Drivers: []string{}}, true)
	avroRoundTrip(t, PredictionSchema, PredictionAvro, prediction, true)
	avroRoundTrip(t, WeatherSchema, WeatherAvro, weather, true)
	dry := weather
	dry.Rainfall = false
	avroRoundTrip(t, WeatherSchema, WeatherAvro, dry, true)
	avroRoundTrip(t, LocationSchema, LocationAvro, location, true)
}

// TestPositionSchemaEvolves: the sector fields came later, with defaults,
// so a Position written with the old schema still reads with the new one
// (sectors 0) — the registry's BACKWARD rule.
func TestPositionSchemaEvolves(t *testing.T) {
	old := `{"type":"record","name":"Position","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},{"name":"driver","type":"string"},{"name":"position","type":"int"},
{"name":"lap","type":"int"},{"name":"gap_to_leader_s","type":"double"},{"name":"interval_s","type":"double"},
{"name":"last_lap_s","type":"double"},{"name":"best_lap_s","type":"double"},{"name":"pit_stops","type":"int"},
{"name":"tyre","type":"string"},{"name":"tyre_age_laps","type":"int"},{"name":"status","type":"string"}]}`
	p := pos
	p.Sector1S, p.Sector2S, p.Sector3S = 0, 0, 0
	body, err := avro.Marshal(avro.MustParse(old), p)
	if err != nil {
		t.Fatal(err)
	}
	var got f1.Position
	rs, err := avro.NewSchemaCompatibility().Resolve(avro.MustParse(PositionSchema), avro.MustParse(old))
	if err != nil {
		t.Fatalf("the new Position schema cannot read the old one: %v", err)
	}
	if err := avro.Unmarshal(rs, body, &got); err != nil || got != p {
		t.Fatalf("old record read with the new schema: %+v %v", got, err)
	}
}

func BenchmarkTelemetryJSON(b *testing.B) {
	buf := make([]byte, 0, 512)
	for i := 0; i < b.N; i++ {
		buf = TelemetryJSON(buf[:0], &tel)
	}
}

func BenchmarkTelemetryAvro(b *testing.B) {
	buf := make([]byte, 0, 512)
	for i := 0; i < b.N; i++ {
		buf = TelemetryAvro(buf[:0], 1, &tel)
	}
}
