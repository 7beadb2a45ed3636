package realrace

import (
	"path/filepath"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/replay"
)

// Items parses the named files of shared/data/<race> with race id raceID
// and puts them on one clock (replay.Assemble, from a minute before lights
// out), in time order.
func Items(tb testing.TB, race, raceID string, files ...string) []replay.Item {
	tb.Helper()
	dir := filepath.Join(realdata.Dir(tb), race)
	opt := replay.Options{RaceID: raceID}
	var fs []*replay.File
	for _, name := range files {
		f, err := replay.ParseFile(filepath.Join(dir, name), opt)
		if err != nil {
			tb.Fatal(err)
		}
		fs = append(fs, f)
	}
	set, err := replay.Assemble(fs, opt, replay.AssembleOptions{FromStart: true})
	if err != nil {
		tb.Fatal(err)
	}
	return set.Items
}

// Records is Items as pointers to their pkg/f1 records (*f1.Position,
// *f1.RaceControl, ...), the form Leaderboard.Apply and the frame builders
// take.
func Records(tb testing.TB, race, raceID string, files ...string) []any {
	tb.Helper()
	items := Items(tb, race, raceID, files...)
	out := make([]any, len(items))
	for i := range items {
		out[i] = items[i].Record()
	}
	return out
}
