package main

import (
	"context"
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Race commands come from a topic that anyone with write access can fill,
// so serve reads them as hostile input: f1wire.DecodeRaceCommand decodes
// within bounds and checks every field, and nothing of a bad command is
// printed unescaped or at length (f1wire.Quote).

// serveRecord decodes and runs one command record. A bad command, or one
// whose handling panics, is reported once with where it is, and skipped.
func serveRecord(ctx context.Context, r *runner, rec *kgo.Record, def raceSpec) {
	where := fmt.Sprintf("%s[%d]@%d", rec.Topic, rec.Partition, rec.Offset)
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(r.stderr, "serve: skipping command at %s: handling it failed (%s)\n", where, f1wire.Quote(fmt.Sprint(p), 120))
		}
	}()
	cmd, err := f1wire.DecodeRaceCommand(rec.Value, rec.Timestamp)
	if err != nil {
		fmt.Fprintf(r.stderr, "serve: skipping command at %s: %v\n", where, err)
		return
	}
	r.handle(ctx, cmd, def)
}
