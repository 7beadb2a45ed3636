package f1wire

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/iskorotkov/avro/v2"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The race command (f1-race-commands, docs/DESIGN.md) is written by the
// plugin (POST race/start and race/stop, as JSON: RaceCommandJSON) and by
// any other tool, as JSON or as Avro in the Confluent wire format. Its two
// readers, `producer serve` and the plugin's GET race/status, read it one
// way: DecodeRaceCommand.
//
// The topic is one anyone with write access can fill, so a command is
// hostile input: decoding is bounded (hamba/avro's defaults let a 30-byte
// record claim 2^40 drivers, a fatal out-of-memory), every field is
// checked before use, and the text of a bad command is only ever shown
// through Quote.

// Bounds of one race command.
const (
	MaxCommandBytes   = 16 << 10 // one command record
	MaxRaceIDLen      = 64       // a race id (the plugin makes "<circuit>-<ms>")
	MaxCommandDrivers = 64       // a start's driver list
	MaxCommandString  = 256      // any one string of a command
)

var (
	raceCommandSchema = avro.MustParse(RaceCommandSchema)
	// commandAvro decodes Avro commands with small bounds.
	commandAvro = avro.Config{MaxByteSliceSize: MaxCommandString, MaxSliceAllocSize: MaxCommandDrivers}.Freeze()
)

// DecodeRaceCommand reads one race command and checks it: Avro when v
// starts with the Confluent wire header, decoded with Pitwall's RaceCommand
// schema whatever its schema id (so a reader needs no Schema Registry for
// commands), else JSON with the field names of docs/DESIGN.md. ts, the
// Kafka record's timestamp, stands in for a command without one. A bad
// command is an error that says why, with any of its text quoted and
// clipped.
func DecodeRaceCommand(v []byte, ts time.Time) (c f1.RaceCommand, err error) {
	if len(v) > MaxCommandBytes {
		return c, fmt.Errorf("the command is %d bytes, above the %d-byte bound", len(v), MaxCommandBytes)
	}
	if codec.LooksLikeWire(v) {
		_, body, err := codec.SplitWire(v)
		if err == nil {
			err = commandAvro.Unmarshal(raceCommandSchema, body, &c)
		}
		if err != nil || checkCommand(&c) != nil {
			// Not Avro: Protobuf (producer --format protobuf)?
			if pc, perr := decodeCommandProtobuf(body); perr == nil && checkCommand(&pc) == nil {
				c, err = pc, nil
			}
		}
		if err != nil {
			return f1.RaceCommand{}, fmt.Errorf("bad Avro or Protobuf race command: %s", Quote(err.Error(), 200))
		}
	} else if err := json.Unmarshal(v, &c); err != nil {
		return f1.RaceCommand{}, fmt.Errorf("bad JSON race command: %s", Quote(err.Error(), 200))
	}
	if err := checkCommand(&c); err != nil {
		return f1.RaceCommand{}, err
	}
	if c.Ts == 0 {
		c.Ts = ts.UnixMilli()
	}
	return c, nil
}

// checkCommand bounds what the readers print and use.
func checkCommand(c *f1.RaceCommand) error {
	if err := CheckRaceID(c.RaceID); err != nil {
		return err
	}
	for _, s := range []struct{ name, v string }{{"command", c.Command}, {"circuit", c.Circuit}, {"selected_driver", c.SelectedDriver}} {
		if len(s.v) > MaxCommandString || strings.IndexFunc(s.v, unicode.IsControl) >= 0 || !utf8.ValidString(s.v) {
			return fmt.Errorf("%s %s is over %d bytes or holds control characters", s.name, Quote(s.v, 40), MaxCommandString)
		}
	}
	if len(c.Drivers) > MaxCommandDrivers {
		return fmt.Errorf("%d drivers, above the bound of %d", len(c.Drivers), MaxCommandDrivers)
	}
	if math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) || c.Speed < 0 {
		return fmt.Errorf("speed %v is not a factor ≥ 0", c.Speed)
	}
	return nil
}

// CheckRaceID checks a race id: at most MaxRaceIDLen printable characters,
// no spaces.
func CheckRaceID(id string) error {
	if len(id) > MaxRaceIDLen {
		return fmt.Errorf("race_id %s is %d bytes, above the bound of %d", Quote(id, 40), len(id), MaxRaceIDLen)
	}
	for _, r := range id {
		if r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Errorf("race_id %s holds a character that is not printable", Quote(id, 40))
		}
	}
	return nil
}

// Quote quotes s (escaping control characters and invalid UTF-8) and cuts
// it to about n bytes, so that the text of a hostile command can neither
// flood nor forge the output it is shown in.
func Quote(s string, n int) string {
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…(%d bytes)", s[:cut], len(s))
	}
	return fmt.Sprintf("%q", s)
}
