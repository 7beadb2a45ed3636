package codec

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// FuzzJSONFlatten: any input either decodes within the limits or fails with
// a DecodeError; valid JSON always decodes. Seeds: testdata/fuzz/FuzzJSONFlatten.
func FuzzJSONFlatten(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,2,{"c":"d"}]},"e":null}`))
	f.Add([]byte(`{"ts":1725197758853,"driver":"VER","speed_kph":321.5,"gear":8}`))
	lim := Limits{MaxDepth: 4, MaxFields: 50, MaxNames: 200, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatJSON, "fuzz", nil, lim)
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec Record
		err := d.Decode(context.Background(), in, &rec)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a DecodeError: %v", err)
			}
			if len(rec.Fields) != 0 {
				t.Fatal("failed decode left fields behind")
			}
			if len(in) > 0 && len(in) <= lim.MaxValueBytes && json.Valid(in) {
				t.Fatalf("valid JSON %q refused: %v", in, err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
		for _, fl := range rec.Fields {
			if int(fl.ID) >= d.Names().Len() || fl.ID < 0 {
				t.Fatalf("bad field id %d", fl.ID)
			}
		}
	})
}

// FuzzAvroDecode feeds arbitrary wire values (header + body) to a decoder
// whose registry knows three schemas (ids 1-3): no panic, no runaway work,
// errors are DecodeErrors. Seeds: testdata/fuzz/FuzzAvroDecode.
func FuzzAvroDecode(f *testing.F) {
	fake, reg := newSR(f)
	seed(fake, "fz-value", 1, 1, TelemetrySchema)
	seed(fake, "other", 1, 2, complexSchema)
	seed(fake, "fz-value", 2, 3, evoV1)
	tel := f1.Telemetry{Ts: 1, RaceID: "r", Driver: "VER", Gear: 3, SpeedKph: 200}
	f.Add(wire(f, TelemetrySchema, 1, tel))
	f.Add(wire(f, evoV1, 3, map[string]any{"ts": int64(5), "speed": 9, "old": "o"}))
	f.Add([]byte{0, 0, 0, 0, 2, 2, 10, 104, 101, 108, 108, 111})
	lim := Limits{MaxFields: 200, MaxNames: 500, MaxValueBytes: 1 << 16}
	d := NewDecoder(FormatAvro, "fz", reg, lim)
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec Record
		if err := d.Decode(context.Background(), in, &rec); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a DecodeError: %v", err)
			}
			return
		}
		if len(rec.Fields) > lim.MaxFields {
			t.Fatalf("%d fields > limit", len(rec.Fields))
		}
	})
}
