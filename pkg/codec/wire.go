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

// KeySubject is the registry subject of a topic's keys: "<topic>-key".
func KeySubject(topic string) string { return topic + "-key" }

// MaxMessageIndexes bounds the message-index array of a Protobuf value
// (how deep the message type is nested in its .proto file).
const MaxMessageIndexes = 32

var errBadIndexes = errors.New("bad message-index array")

// SplitIndexes reads the message-index array that follows the Confluent
// header of a Protobuf value: a zig-zag varint count, then that many
// zig-zag varint indexes; a count of 0 (one 0x00 byte) means [0], the first
// message of the file. It appends the indexes to idx[:0] and returns them
// with the rest of body (the Protobuf message).
func SplitIndexes(body []byte, idx []int) ([]int, []byte, error) {
	idx = idx[:0]
	n, k := binary.Varint(body)
	if k <= 0 {
		return idx, nil, fmt.Errorf("%w: truncated count", errBadIndexes)
	}
	body = body[k:]
	if n == 0 {
		return append(idx, 0), body, nil
	}
	if n < 0 || n > MaxMessageIndexes {
		return idx, nil, fmt.Errorf("%w: count %d is not 1 to %d", errBadIndexes, n, MaxMessageIndexes)
	}
	for i := int64(0); i < n; i++ {
		v, k := binary.Varint(body)
		if k <= 0 {
			return idx, nil, fmt.Errorf("%w: truncated index", errBadIndexes)
		}
		if v < 0 || v > 1<<20 {
			return idx, nil, fmt.Errorf("%w: index %d", errBadIndexes, v)
		}
		body = body[k:]
		idx = append(idx, int(v))
	}
	return idx, body, nil
}

// AppendIndexes appends the message-index array for path (nil or [0]: the
// single byte 0x00).
func AppendIndexes(b []byte, path ...int) []byte {
	if len(path) == 0 || (len(path) == 1 && path[0] == 0) {
		return append(b, 0)
	}
	b = binary.AppendVarint(b, int64(len(path)))
	for _, i := range path {
		b = binary.AppendVarint(b, int64(i))
	}
	return b
}
