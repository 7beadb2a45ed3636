package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hamba/avro/v2"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Race commands come from a topic that anyone with write access can fill,
// so serve reads them as hostile input: bounded decoding (hamba/avro's
// defaults let a 30-byte record claim 2^40 drivers, a fatal out-of-memory),
// every field checked before use, and nothing of a bad command printed
// unescaped or at length.

const (
	// maxCommandBytes bounds one command record.
	maxCommandBytes = 16 << 10
	// maxRaceIDLen bounds a race id (the plugin makes "<circuit>-<ms>").
	maxRaceIDLen = 64
	// maxCommandDrivers bounds a start's driver list.
	maxCommandDrivers = 64
	// maxCommandString bounds any one string of an Avro command.
	maxCommandString = 256
)

// commandAvro decodes Avro commands with small bounds.
var commandAvro = avro.Config{MaxByteSliceSize: maxCommandString, MaxSliceAllocSize: maxCommandDrivers}.Freeze()

// decodeCommand reads a race command in JSON or the Avro wire format and
// checks it: a bad one is an error that says why (with any text of the
// command quoted and clipped). FuzzServeCommand checks it does not panic;
// serveRecord recovers all the same.
func decodeCommand(v []byte, schema avro.Schema) (c f1.RaceCommand, err error) {
	if len(v) > maxCommandBytes {
		return c, fmt.Errorf("the command is %d bytes, above the %d-byte bound", len(v), maxCommandBytes)
	}
	if codec.LooksLikeWire(v) {
		_, body, err := codec.SplitWire(v)
		if err == nil {
			err = commandAvro.Unmarshal(schema, body, &c)
		}
		if err != nil {
			return f1.RaceCommand{}, fmt.Errorf("bad Avro race command: %s", clipText(err.Error(), 200))
		}
	} else if err := json.Unmarshal(v, &c); err != nil {
		return f1.RaceCommand{}, fmt.Errorf("bad JSON race command: %s", clipText(err.Error(), 200))
	}
	if err := checkCommand(&c); err != nil {
		return f1.RaceCommand{}, err
	}
	return c, nil
}

// checkCommand bounds what the rest of serve prints and uses.
func checkCommand(c *f1.RaceCommand) error {
	if err := checkRaceID(c.RaceID); err != nil {
		return err
	}
	for _, s := range []struct{ name, v string }{{"command", c.Command}, {"circuit", c.Circuit}, {"selected_driver", c.SelectedDriver}} {
		if len(s.v) > maxCommandString || strings.IndexFunc(s.v, unicode.IsControl) >= 0 || !utf8.ValidString(s.v) {
			return fmt.Errorf("%s %s is over %d bytes or holds control characters", s.name, clipText(s.v, 40), maxCommandString)
		}
	}
	if len(c.Drivers) > maxCommandDrivers {
		return fmt.Errorf("%d drivers, above the bound of %d", len(c.Drivers), maxCommandDrivers)
	}
	if math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) || c.Speed < 0 {
		return fmt.Errorf("speed %v is not a factor ≥ 0", c.Speed)
	}
	return nil
}

// checkRaceID: at most maxRaceIDLen printable characters, no spaces.
func checkRaceID(id string) error {
	if len(id) > maxRaceIDLen {
		return fmt.Errorf("race_id %s is %d bytes, above the bound of %d", clipText(id, 40), len(id), maxRaceIDLen)
	}
	for _, r := range id {
		if r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Errorf("race_id %s holds a character that is not printable", clipText(id, 40))
		}
	}
	return nil
}

// clipText quotes s (escaping control characters and invalid UTF-8) and
// cuts it to about n bytes, so a hostile command can neither flood nor forge
// serve's output.
func clipText(s string, n int) string {
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…(%d bytes)", s[:cut], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// serveRecord decodes and runs one command record. A bad command, or one
// whose handling panics, is reported once with where it is, and skipped.
func serveRecord(ctx context.Context, r *runner, rec *kgo.Record, schema avro.Schema, def raceSpec) {
	where := fmt.Sprintf("%s[%d]@%d", rec.Topic, rec.Partition, rec.Offset)
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(r.stderr, "serve: skipping command at %s: handling it failed (%s)\n", where, clipText(fmt.Sprint(p), 120))
		}
	}()
	cmd, err := decodeCommand(rec.Value, schema)
	if err != nil {
		fmt.Fprintf(r.stderr, "serve: skipping command at %s: %v\n", where, err)
		return
	}
	r.handle(ctx, cmd, def)
}
