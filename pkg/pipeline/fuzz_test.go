package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// FuzzPipelineFrames feeds arbitrary records (one per line) through the
// core's decoder and every query type's pipeline, live (frames
// every few records) and as a query, with arbitrary query fields: no panic,
// every frame is rectangular and serialises for Grafana, and raw keeps one
// row per decoded record. Seeds: testdata/fuzz/FuzzPipelineFrames.
func FuzzPipelineFrames(f *testing.F) {
	f.Add(byte(0), []byte(`{"ts":1725197758853,"driver":"VER","speed_kph":321.5,"gear":8,"rpm":11000}
{"ts":1725197758900,"driver":"PER","speed_kph":"fast","gear":7}
{"a":{"b":[1,2,{"c":null}]},"driver":"HAM"}
not json
{"ts":1725197759000,"driver":"VER","lap":3,"position":1,"type":"LAP","severity":"high","kind":"wheel_spin"}`), `["speed_kph"]`)
	f.Add(byte(3), []byte(`{"ts":1,"race_id":"r","type":"LIGHTS_OUT","lap":1,"total_laps":3}
{"ts":2,"race_id":"r","driver":"VER","position":1,"lap":1,"gap_to_leader_s":0,"tyre":"SOFT","status":"RUNNING"}
{"ts":3,"race_id":"r","driver":"VER","severity":"high","kind":"overspeed","value":360,"message":"m"}`), `[]`)
	f.Add(byte(130), []byte("{\"x\":1e308,\"y\":-1e308,\"z\":true}\n{\"x\":\"s\",\"y\":false}\n{}\n[]\n\"str\"\n42"), `["x","y"]`)
	names := make([]string, 0, len(query.Types))
	for _, t := range query.Types {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	f.Fuzz(func(t *testing.T, sel byte, in []byte, fields string) {
		name := names[int(sel&0x7f)%len(names)]
		stream := sel&0x80 != 0
		qt, _ := query.TypeNamed(name)
		qj := map[string]any{"queryType": name, "offset": "earliest"}
		if qt.DefaultTopic == "" {
			qj["topic"] = "fz"
		}
		var fl []string
		if json.Unmarshal([]byte(fields), &fl) == nil {
			qj["fields"] = fl
		}
		raw, _ := json.Marshal(qj)
		q, err := query.Parse(raw)
		if err != nil {
			return // the query model's own fuzz target covers refusals
		}
		env := &Env{Mode: ModeQuery, Faults: &Faults{}}
		if stream {
			env.Mode = ModeStream
		} else {
			env.From, env.To = time.UnixMilli(0), time.UnixMilli(1<<50)
		}
		pipe, err := New(q, env)
		if err != nil {
			return
		}
		src := &Source{Limits: codec.Limits{MaxValueBytes: 1 << 16, MaxFields: 100, MaxNames: 300}}
		feeder := newFeeder(src, q, pipe, env.Faults)
		topics := qt.Topics(q)
		var frames []*data.Frame
		lines := bytes.Split(in, []byte("\n"))
		if len(lines) > 200 {
			lines = lines[:200]
		}
		decoded := 0
		for i, line := range lines {
			before := env.Faults.Total() - env.Faults.Count(codec.ErrTypeMismatch)
			feeder.feed(context.Background(), &kgo.Record{Topic: topics[i%len(topics)], Key: []byte("VER"), Value: line, Offset: int64(i),
				Timestamp: time.UnixMilli(1725197758000 + int64(i))})
			if env.Faults.Total()-env.Faults.Count(codec.ErrTypeMismatch) == before {
				decoded++
			}
			if stream && i%7 == 6 {
				frames = append(frames, pipe.Frames(false)...)
			}
		}
		frames = append(frames, pipe.Frames(!stream)...)
		rows := 0
		for _, fr := range frames {
			n, err := fr.RowLen()
			if err != nil {
				t.Fatalf("%s: frame %q is not rectangular: %v", name, fr.Name, err)
			}
			rows += n
			if _, err := data.FrameToJSON(fr, data.IncludeAll); err != nil {
				t.Fatalf("%s: frame %q does not serialise: %v", name, fr.Name, err)
			}
		}
		if name == "raw" && len(q.Drivers) == 0 && rows != decoded {
			t.Fatalf("raw: %d rows for %d decoded records (%s)", rows, decoded, fmt.Sprint(env.Faults.Notices()))
		}
	})
}
