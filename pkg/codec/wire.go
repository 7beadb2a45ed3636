package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MagicByte starts every Confluent wire-format record.
const MagicByte = 0x00

// WireHeaderLen is the length of the Confluent header: magic byte + schema id.
const WireHeaderLen = 5

// ErrNoWireHeader says a value does not start with the Confluent header.
var ErrNoWireHeader = errors.New("value has no Confluent wire header (want 0x00 then a 4-byte schema id)")

// AppendWireHeader appends the Confluent header for schema id to b.
func AppendWireHeader(b []byte, id int) []byte {
	b = append(b, MagicByte)
	return binary.BigEndian.AppendUint32(b, uint32(id)) // #nosec G115 -- a Confluent schema id is 32-bit on the wire; callers pass the id the registry gave
}

// SplitWire returns the schema id and the Avro body of a wire-format value.
func SplitWire(v []byte) (id int, body []byte, err error) {
	if len(v) < WireHeaderLen {
		return 0, nil, fmt.Errorf("%w: only %d bytes", ErrNoWireHeader, len(v))
	}
	if v[0] != MagicByte {
		return 0, nil, fmt.Errorf("%w: first byte is 0x%02x", ErrNoWireHeader, v[0])
	}
	return int(binary.BigEndian.Uint32(v[1:5])), v[WireHeaderLen:], nil
}

// LooksLikeWire reports whether v starts with the Confluent header. JSON never
// starts with 0x00, so this is how the `auto` format tells the two apart.
func LooksLikeWire(v []byte) bool {
	return len(v) >= WireHeaderLen && v[0] == MagicByte
}

// Subject is the registry subject of a topic's values: "<topic>-value",
// the Schema Registry's topic-name strategy (docs/DESIGN.md).
func Subject(topic string) string { return topic + "-value" }
