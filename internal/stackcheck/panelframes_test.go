package stackcheck

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The frames each dashboard panel's query returns on the real plugin are
// kept in testdata/panel_frames.json, and src/dashboards.test.ts checks
// every panel's options against them with Grafana's own code (display names,
// field matchers, transformations, units): a field regex that matches
// nothing, a unit that does not fit the values, a logs panel without a body
// is found there.
//
// This test keeps the file true: when the frames' schemas (names, types,
// labels, config, meta) differ from it, it fails and says how to rewrite it:
//
//	go test ./internal/stackcheck -run TestDashboardQueriesRunOnThePlugin -update-panel-frames

var updatePanelFrames = flag.Bool("update-panel-frames", false,
	"rewrite testdata/panel_frames.json with the frames of the dashboards' queries")

// panelFramesFile is where the frames live, relative to this package.
const panelFramesFile = "testdata/panel_frames.json"

// panelFrameRows is how many rows of each frame are kept: enough for the
// checks on values (units, ranges) and for every series of a frame to show,
// small enough to read in a diff.
const panelFrameRows = 16

// panelKey names a panel's query ("f1-live.json#5/A") or an annotation's
// ("f1-live.json#annotation/Race control").
func panelKey(file string, panelID int, refID string) string {
	return fmt.Sprintf("%s#%d/%s", file, panelID, refID)
}

func annotationKey(file, name string) string {
	return fmt.Sprintf("%s#annotation/%s", file, name)
}

// sampleRows is a copy of f with n of its rows, spread evenly over the
// frame (so that a frame of several series keeps rows of each), with its
// meta, field labels and field config as they were.
func sampleRows(f *data.Frame, n int) (*data.Frame, error) {
	out := f.EmptyCopy()
	out.Meta = f.Meta
	for i, fl := range f.Fields {
		out.Fields[i].Labels, out.Fields[i].Config = fl.Labels, fl.Config
	}
	rows, err := f.RowLen()
	if err != nil {
		return nil, err
	}
	for k := 0; k < n && k < rows; k++ {
		i := k
		if rows > n {
			i = k * rows / n
		}
		out.AppendRow(f.RowCopy(i)...)
	}
	return out, nil
}

// schemaJSON is the schema of frames as the SDK writes it for Grafana.
func schemaJSON(frames []*data.Frame) ([]byte, error) {
	var parts []json.RawMessage
	for _, f := range frames {
		b, err := data.FrameToJSON(f, data.IncludeSchemaOnly)
		if err != nil {
			return nil, err
		}
		parts = append(parts, b)
	}
	return json.Marshal(parts)
}

// checkPanelFrames compares the frames of this run with the file, or
// rewrites the file with -update-panel-frames.
func checkPanelFrames(t *testing.T, got map[string]data.Frames) {
	t.Helper()
	path := filepath.FromSlash(panelFramesFile)
	if *updatePanelFrames {
		out := map[string][]json.RawMessage{}
		for key, frames := range got {
			out[key] = []json.RawMessage{}
			for _, f := range frames {
				head, err := sampleRows(f, panelFrameRows)
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				b, err := data.FrameToJSON(head, data.IncludeAll)
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				out[key] = append(out[key], b)
			}
		}
		b, err := json.MarshalIndent(out, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d panel queries)", path, len(got))
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: write it with -update-panel-frames", err)
	}
	var stored map[string][]json.RawMessage
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	for k := range stored {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		frames, ok := got[key]
		if !ok {
			t.Errorf("%s holds %s, which no dashboard queries any more: rewrite it with -update-panel-frames", path, key)
			continue
		}
		var old []*data.Frame
		for _, b := range stored[key] {
			f := &data.Frame{}
			if err := f.UnmarshalJSON(b); err != nil {
				t.Fatalf("%s: %s: %v", path, key, err)
			}
			old = append(old, f)
		}
		want, err := schemaJSON(old)
		if err != nil {
			t.Fatal(err)
		}
		have, err := schemaJSON(frames)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := stored[key]; !ok || !bytes.Equal(want, have) {
			t.Errorf("%s: the frames' schema differs from %s: %s\n"+
				"if the change is meant, rewrite the file with -update-panel-frames and run the dashboard check (npx jest src/dashboards.test.ts)",
				key, path, schemaDiff(old, frames))
		}
	}
}

// schemaDiff says how two lists of frames differ in schema, field by field.
func schemaDiff(want, got []*data.Frame) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d frames, want %d", len(got), len(want))
	}
	var out []string
	for i := range got {
		w, g := want[i], got[i]
		fieldJSON := func(f *data.Frame) map[string]string {
			m := map[string]string{}
			b, _ := data.FrameToJSON(f, data.IncludeSchemaOnly)
			var s struct {
				Schema struct {
					Fields []json.RawMessage `json:"fields"`
				} `json:"schema"`
			}
			_ = json.Unmarshal(b, &s)
			for j, fl := range f.Fields {
				m[fl.Name] = string(s.Schema.Fields[j])
			}
			return m
		}
		wf, gf := fieldJSON(w), fieldJSON(g)
		for name, gj := range gf {
			switch wj, ok := wf[name]; {
			case !ok:
				out = append(out, fmt.Sprintf("frame %d: new field %s", i, gj))
			case wj != gj:
				out = append(out, fmt.Sprintf("frame %d: field %s is %s, was %s", i, name, gj, wj))
			}
		}
		for name := range wf {
			if _, ok := gf[name]; !ok {
				out = append(out, fmt.Sprintf("frame %d: field %s is gone", i, name))
			}
		}
		wm, _ := json.Marshal(w.Meta)
		gm, _ := json.Marshal(g.Meta)
		if !bytes.Equal(wm, gm) {
			out = append(out, fmt.Sprintf("frame %d: meta is %s, was %s", i, gm, wm))
		}
		if w.Name != g.Name {
			out = append(out, fmt.Sprintf("frame %d: name %q, was %q", i, g.Name, w.Name))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "the field order differs"
	}
	return strings.Join(out, "; ")
}
