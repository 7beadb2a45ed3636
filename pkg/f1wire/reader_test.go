package plugin

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func decodeRec(t testing.TB, d *codec.Decoder, topic string, value []byte) *Rec {
	t.Helper()
	var rec codec.Record
	if err := d.Decode(context.Background(), value, &rec); err != nil {
		t.Fatal(err)
	}
	return &Rec{Record: &rec, Names: d.Names(), Kafka: &kgo.Record{Topic: topic, Key: []byte("KEY"), Timestamp: time.UnixMilli(42)}}
}

func TestF1ReaderFillsStructsFromJSONAndAvro(t *testing.T) {
	fake := srfake.New()
	t.Cleanup(fake.Close)
	seedSchema(fake, codec.Subject("tel"), 5, codec.TelemetrySchema)
	reg, err := codec.NewRegistry(codec.RegistryConfig{URL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	want := spaTelemetry(t, "VER", 32)[3]
	want.X, want.Y, want.BrakeTempC = 1.5, -2.5, 612
	fr := NewF1Reader()
	for name, value := range map[string][]byte{"json": jsonValue(t, want), "avro": avroWire(t, codec.TelemetrySchema, 5, want)} {
		var got f1.Telemetry
		if !fr.Telemetry(decodeRec(t, codec.NewDecoder(codec.FormatAuto, "tel", reg, codec.Limits{}), "tel", value), &got) || got != want {
			t.Errorf("%s: got %+v\nwant %+v", name, got, want)
		}
	}
	d := codec.NewDecoder(codec.FormatJSON, "x", nil, codec.Limits{})
	pos := f1.Position{Ts: 9, RaceID: "r", Driver: "LEC", Position: 2, Lap: 40, GapToLeaderS: 1.5, IntervalS: 1.5, LastLapS: 81.2,
		BestLapS: 80.9, PitStops: 1, Tyre: f1.TyreHard, TyreAgeLaps: 12, Status: f1.StatusRunning}
	var gotPos f1.Position
	if !fr.Position(decodeRec(t, d, "p", jsonValue(t, pos)), &gotPos) || gotPos != pos {
		t.Errorf("position: %+v", gotPos)
	}
	rc := f1.RaceControl{Ts: 10, RaceID: "r", Type: f1.EventFlag, Lap: 3, TotalLaps: 53, Message: "YELLOW"}
	var gotRC f1.RaceControl
	if !fr.RaceControl(decodeRec(t, d, "rc", jsonValue(t, rc)), &gotRC) || gotRC != rc {
		t.Errorf("race control: %+v", gotRC)
	}
	al := f1.Alert{Ts: 11, RaceID: "r", Driver: "VER", Severity: f1.SeverityHigh, Kind: f1.KindOverspeed, Value: 330, Message: "fast"}
	var gotAl f1.Alert
	if !fr.Alert(decodeRec(t, d, "a", jsonValue(t, al)), &gotAl) || gotAl != al {
		t.Errorf("alert: %+v", gotAl)
	}
	// Missing ts and driver fall back to the Kafka timestamp and key.
	var bare f1.Telemetry
	if !fr.Telemetry(decodeRec(t, d, "t", []byte(`{"speed_kph":100}`)), &bare) || bare.Ts != 42 || bare.Driver != "KEY" || bare.SpeedKph != 100 {
		t.Errorf("fallbacks: %+v", bare)
	}
}

func BenchmarkF1ReaderTelemetry(b *testing.B) {
	d := codec.NewDecoder(codec.FormatJSON, "x", nil, codec.Limits{})
	r := decodeRec(b, d, "t", jsonValue(b, f1.Telemetry{Ts: 1, RaceID: "r", Driver: "VER", Team: "Red Bull Racing", SpeedKph: 300, Gear: 8}))
	fr := NewF1Reader()
	var t f1.Telemetry
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fr.Telemetry(r, &t)
	}
}
