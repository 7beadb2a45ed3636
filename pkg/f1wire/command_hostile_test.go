package f1wire

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// drivers is an Avro race command up to its drivers array (ts, race_id,
// command, circuit, laps all zero/empty), then the given varints.
func drivers(vs ...int64) []byte {
	b := append(codec.AppendWireHeader(nil, 1), 0, 0, 0, 0, 0)
	for _, v := range vs {
		b = binary.AppendVarint(b, v)
	}
	return b
}

// govulncheck reported three advisories against hamba/avro/v2, which has no
// fixed version (GO-2026-5046 CPU exhaustion on huge block counts,
// GO-2026-5047 integer overflow in block and length arithmetic, GO-2026-5048
// unbounded map allocations); Pitwall now uses the maintained fork
// iskorotkov/avro/v2, fixed from 2.33.0. The race command is the one place
// Pitwall decodes untrusted bytes with that library's decoder (its other
// Avro is pkg/codec's own): the payloads those advisories describe are
// refused at once, without a panic, by the bounded config (no map in the
// schema). (A count looped
// over would hang the test, not slow it.)
func TestRaceCommandDecodingRefusesTheAdvisoriesPayloads(t *testing.T) {
	cases := map[string][]byte{
		"2^40 drivers":                       drivers(1 << 40),
		"MaxInt64 drivers":                   drivers(math.MaxInt64),
		"MinInt64 drivers (negated count)":   drivers(math.MinInt64, 8),
		"negative count, huge byte size":     drivers(-(1 << 62), math.MaxInt64),
		"blocks summing past the bound":      drivers(60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60),
		"negative string length (race_id)":   binary.AppendVarint(append(codec.AppendWireHeader(nil, 1), 0), -5),
		"MinInt64 string length (race_id)":   binary.AppendVarint(append(codec.AppendWireHeader(nil, 1), 0), math.MinInt64),
		"2^62-byte race_id":                  binary.AppendVarint(append(codec.AppendWireHeader(nil, 1), 0), 1<<62),
		"a driver of 2^31 bytes":             drivers(1, 1<<31),
		"truncated after a block of drivers": drivers(2, 6),
	}
	for name, v := range cases {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic %v", name, p)
				}
			}()
			c, err := DecodeRaceCommand(v, time.Time{})
			if err == nil {
				t.Errorf("%s: accepted %+v", name, c)
			} else if len(err.Error()) > 400 || strings.ContainsAny(err.Error(), "\x00\x1b") {
				t.Errorf("%s: error not clipped or not escaped: %q", name, err)
			}
		}()
	}
}
