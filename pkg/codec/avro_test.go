package codec

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iskorotkov/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func parseSchema(t testing.TB, s string) avro.Schema {
	t.Helper()
	sch, err := avro.ParseWithCache(s, "", &avro.SchemaCache{})
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	return sch
}

// wire encodes v with schema and prefixes the Confluent header for id.
func wire(t testing.TB, schema string, id int, v any) []byte {
	t.Helper()
	b, err := avro.Marshal(parseSchema(t, schema), v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return append(AppendWireHeader(nil, id), b...)
}

func newSR(t testing.TB, opts ...srfake.Option) (*srfake.Registry, *Registry) {
	t.Helper()
	fake := srfake.New(opts...)
	t.Cleanup(fake.Close)
	reg, err := NewRegistry(RegistryConfig{URL: fake.URL(), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return fake, reg
}

func seed(fake *srfake.Registry, subject string, version, id int, schema string) {
	fake.SeedSchema(subject, version, id, sr.Schema{Schema: schema, Type: sr.TypeAvro})
}

func decodeOK(t *testing.T, d *Decoder, v []byte) []string {
	t.Helper()
	var rec Record
	if err := d.Decode(context.Background(), v, &rec); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return flat(d, &rec)
}

func decodeKind(t *testing.T, d *Decoder, v []byte, want ErrClass) {
	t.Helper()
	var rec Record
	err := d.Decode(context.Background(), v, &rec)
	var de *DecodeError
	if !errors.As(err, &de) || de.Class != want {
		t.Fatalf("got %v, want kind %s", err, want)
	}
}

func TestAvroTelemetryDecodesByTheSchemaIDInTheRecord(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, Subject(topicTelemetry), 1, 7, TelemetrySchema)
	d := NewDecoder(FormatAvro, topicTelemetry, reg, Limits{})
	tel := telemetry{Ts: 1725197758853, RaceID: "monza-2024", Driver: "VER", DriverNumber: 1, Team: "Red Bull Racing",
		Lap: 43, DistanceM: 12.5, SpeedKph: 321.5, RPM: 11800, Gear: 8, ThrottlePct: 100, Brake: 0, DRS: 12, X: -1.5, Y: 2.25, BrakeTempC: 410}
	got := decodeOK(t, d, wire(t, TelemetrySchema, 7, tel))
	eq(t, got, []string{"ts=1.725197758853e+12", `race_id="monza-2024"`, `driver="VER"`, "driver_number=1", `team="Red Bull Racing"`,
		"lap=43", "distance_m=12.5", "speed_kph=321.5", "rpm=11800", "gear=8", "throttle_pct=100", "brake=0", "drs=12",
		"x=-1.5", "y=2.25", "brake_temp_c=410"})
}

const evoV1 = `{"type":"record","name":"S","fields":[{"name":"ts","type":"long"},{"name":"speed","type":"int"},{"name":"old","type":"string"}]}`
const evoV2 = `{"type":"record","name":"S","fields":[{"name":"ts","type":"long"},{"name":"speed","type":"double"},{"name":"gear","type":"int","default":3}]}`

func TestAvroEvolutionReadsEveryVersionWithTheLatestSchema(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, evoV1)
	seed(fake, "s-value", 2, 2, evoV2)
	d := NewDecoder(FormatAuto, "s", reg, Limits{})
	v1 := decodeOK(t, d, wire(t, evoV1, 1, map[string]any{"ts": int64(10), "speed": 250, "old": "gone"}))
	v2 := decodeOK(t, d, wire(t, evoV2, 2, map[string]any{"ts": int64(11), "speed": 251.5, "gear": 7}))
	eq(t, v1, []string{"ts=10", "speed=250", "gear=3"})
	eq(t, v2, []string{"ts=11", "speed=251.5", "gear=7"})
}

func TestAvroWithoutSubjectReadsWithTheWriterSchema(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "other-subject", 1, 4, evoV1)
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	eq(t, decodeOK(t, d, wire(t, evoV1, 4, map[string]any{"ts": int64(1), "speed": 2, "old": "x"})),
		[]string{"ts=1", "speed=2", `old="x"`})
}

const complexSchema = `{"type":"record","name":"C","namespace":"t","fields":[
 {"name":"opt","type":["null","string"]},
 {"name":"colour","type":{"type":"enum","name":"Col","symbols":["RED","GREEN"]}},
 {"name":"laps","type":{"type":"array","items":{"type":"record","name":"Lap","fields":[{"name":"n","type":"int"},{"name":"t","type":"float"}]}}},
 {"name":"temps","type":{"type":"map","values":"double"}},
 {"name":"raw","type":"bytes"},
 {"name":"money","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"car","type":{"type":"record","name":"Car","fields":[{"name":"ok","type":"boolean"},{"name":"home","type":{"type":"record","name":"Addr","fields":[{"name":"city","type":"string"}]}},{"name":"work","type":"Addr"}]}},
 {"name":"list","type":{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}},
 {"name":"us","type":{"type":"long","logicalType":"timestamp-micros"}}
]}`

func TestAvroComplexTypesFlatten(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "c-value", 1, 3, complexSchema)
	d := NewDecoder(FormatAvro, "c", reg, Limits{})
	v := map[string]any{
		"opt":    "here",
		"colour": "GREEN",
		"laps":   []any{map[string]any{"n": 1, "t": float32(81.5)}, map[string]any{"n": 2, "t": float32(80.25)}},
		"temps":  map[string]any{"fl": 410.5},
		"raw":    []byte{1, 2, 3},
		"money":  []byte{0x04, 0xD2}, // 1234 -> 12.34
		"car":    map[string]any{"ok": true, "home": map[string]any{"city": "Monza"}, "work": map[string]any{"city": "Milton Keynes"}},
		"list":   map[string]any{"v": 1, "next": map[string]any{"v": 2, "next": nil}},
		"us":     int64(1_500_000),
	}
	// hamba needs union values typed by branch name.
	v["opt"] = map[string]any{"string": "here"}
	v["list"] = map[string]any{"v": 1, "next": map[string]any{"t.Node": map[string]any{"v": 2, "next": nil}}}
	got := decodeOK(t, d, wire(t, complexSchema, 3, v))
	eq(t, got, []string{`opt="here"`, `colour="GREEN"`, "laps.0.n=1", "laps.0.t=81.5", "laps.1.n=2", "laps.1.t=80.25",
		"temps.fl=410.5", `raw="` + base64.StdEncoding.EncodeToString([]byte{1, 2, 3}) + `"`, "money=12.34",
		"car.ok=true", `car.home.city="Monza"`, `car.work.city="Milton Keynes"`, "list.v=1", "list.next.v=2", "list.next.next=null", "us=1500"})
}

func TestAvroTruncatedBodyIsAnErrorAndLaterRecordsDecode(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, evoV1)
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	good := wire(t, evoV1, 1, map[string]any{"ts": int64(10), "speed": 250, "old": "a long enough string"})
	for cut := len(good) - 1; cut > WireHeaderLen; cut-- {
		decodeKind(t, d, good[:cut], ErrAvroInvalid)
	}
	eq(t, decodeOK(t, d, good), []string{"ts=10", "speed=250", `old="a long enough string"`})
}

func TestAvroErrorsNameTheProblem(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, evoV1)
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	decodeKind(t, d, []byte(`{"json":1}`), ErrNoHeader)
	decodeKind(t, d, wire(t, evoV1, 99, map[string]any{"ts": int64(1), "speed": 1, "old": ""}), ErrUnknownSchema)
	noReg := NewDecoder(FormatAvro, "s", nil, Limits{})
	decodeKind(t, noReg, wire(t, evoV1, 1, map[string]any{"ts": int64(1), "speed": 1, "old": ""}), ErrNoRegistry)
}

func TestAvroUnknownIDIsRetriedAfterItIsRegistered(t *testing.T) {
	fake, reg := newSR(t)
	now := time.Unix(1000, 0)
	reg.now = func() time.Time { return now }
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	v := wire(t, evoV1, 5, map[string]any{"ts": int64(1), "speed": 1, "old": "x"})
	decodeKind(t, d, v, ErrUnknownSchema)
	seed(fake, "s-value", 1, 5, evoV1)
	decodeKind(t, d, v, ErrUnknownSchema) // negative answer still cached
	now = now.Add(time.Minute)
	eq(t, decodeOK(t, d, v), []string{"ts=1", "speed=1", `old="x"`})
}

func TestAvroRegistryDownKeepsCachedSchemasAndRecovers(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, evoV1)
	rec1 := wire(t, evoV1, 1, map[string]any{"ts": int64(1), "speed": 1, "old": "x"})
	rec2 := wire(t, evoV2, 2, map[string]any{"ts": int64(2), "speed": 2.5, "gear": 4})
	eq(t, decodeOK(t, NewDecoder(FormatAvro, "s", reg, Limits{}), rec1), []string{"ts=1", "speed=1", `old="x"`})

	fail := true
	fake.Intercept(func(w http.ResponseWriter, _ *http.Request) bool {
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		return fail
	})
	now := time.Now()
	reg.now = func() time.Time { return now }
	d := NewDecoder(FormatAvro, "s", reg, Limits{}) // a new stream: only the registry cache helps it
	eq(t, decodeOK(t, d, rec1), []string{"ts=1", "speed=1", `old="x"`})
	decodeKind(t, d, rec2, ErrRegistryUnavailable)

	fail = false
	seed(fake, "s-value", 2, 2, evoV2)
	now = now.Add(2 * time.Minute)
	// The registry counts as down until a background probe gets an answer;
	// until then unseen ids fail at once (no wait for the timeout).
	var rec Record
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		err := d.Decode(context.Background(), rec2, &rec)
		if err == nil {
			break
		}
		if ClassOf(err) != ErrRegistryUnavailable || time.Now().After(deadline) {
			t.Fatalf("after the registry's return: %v", err)
		}
	}
	eq(t, flat(d, &rec), []string{"ts=2", "speed=2.5", "gear=4"})
}

func TestAutoFormatTellsJSONFromAvro(t *testing.T) {
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, evoV1)
	d := NewDecoder(FormatAuto, "s", reg, Limits{})
	eq(t, decodeOK(t, d, []byte(`{"speed":3}`)), []string{"speed=3"})
	eq(t, decodeOK(t, d, wire(t, evoV1, 1, map[string]any{"ts": int64(1), "speed": 4, "old": "x"})), []string{"ts=1", "speed=4", `old="x"`})
}

func TestRegistryCheckNamesStatusAndAddress(t *testing.T) {
	fake, reg := newSR(t, srfake.WithAuth("Basic "+base64.StdEncoding.EncodeToString([]byte("u:right"))))
	_, err := reg.Check(context.Background())
	if err == nil || !contains(err.Error(), "HTTP 401", fake.URL(), "schemaRegistryUsername") {
		t.Fatalf("no credentials: %v", err)
	}
	bad, _ := NewRegistry(RegistryConfig{URL: fake.URL(), Username: "u", Password: "wrong-secret-123"})
	_, err = bad.Check(context.Background())
	if err == nil || !contains(err.Error(), "HTTP 403") || contains(err.Error(), "wrong-secret-123") {
		t.Fatalf("wrong password: %v", err)
	}
	good, _ := NewRegistry(RegistryConfig{URL: fake.URL(), Username: "u", Password: "right"})
	seed(fake, "a-value", 1, 1, evoV1)
	if n, err := good.Check(context.Background()); err != nil || n != 1 {
		t.Fatalf("good: %d %v", n, err)
	}
	fake.Close()
	_, err = good.Check(context.Background())
	if err == nil || !contains(err.Error(), "cannot reach Schema Registry at "+fake.URL()) {
		t.Fatalf("down: %v", err)
	}
}

func TestRegistryRefusesCredentialsInTheURL(t *testing.T) {
	_, err := NewRegistry(RegistryConfig{URL: "http://bob:hunter2@localhost:8081"})
	if err == nil || contains(err.Error(), "hunter2") {
		t.Fatalf("got %v", err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestAvroSchemaReferencesAreResolved(t *testing.T) {
	fake, reg := newSR(t)
	inner := `{"type":"record","name":"Tyre","namespace":"f1","fields":[{"name":"compound","type":"string"},{"name":"age","type":"int"}]}`
	outer := `{"type":"record","name":"Car","namespace":"f1","fields":[{"name":"driver","type":"string"},{"name":"tyre","type":"f1.Tyre"}]}`
	seed(fake, "tyre", 1, 20, inner)
	fake.SeedSchema("car-value", 1, 21, sr.Schema{Schema: outer, Type: sr.TypeAvro,
		References: []sr.SchemaReference{{Name: "f1.Tyre", Subject: "tyre", Version: 1}}})
	cache := &avro.SchemaCache{}
	if _, err := avro.ParseWithCache(inner, "", cache); err != nil {
		t.Fatal(err)
	}
	s, err := avro.ParseWithCache(outer, "", cache)
	if err != nil {
		t.Fatal(err)
	}
	body, err := avro.Marshal(s, map[string]any{"driver": "HAM", "tyre": map[string]any{"compound": "SOFT", "age": 3}})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(FormatAvro, "car", reg, Limits{})
	eq(t, decodeOK(t, d, append(AppendWireHeader(nil, 21), body...)), []string{`driver="HAM"`, `tyre.compound="SOFT"`, "tyre.age=3"})
}
