package pipeline

import (
	"encoding/json"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

type packetLog struct{ schemas []bool }

func (p *packetLog) Send(pk *backend.StreamPacket) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(pk.Data, &m); err != nil {
		return err
	}
	_, has := m["schema"]
	p.schemas = append(p.schemas, has)
	return nil
}

// The schema goes with the first frame and with every frame whose schema
// differs from the last one's (a new config value, a notice, a column),
// not with frames that only bring new rows, however their objects were
// built.
func TestFrameSenderSendsTheSchemaOnlyWhenItChanges(t *testing.T) {
	log := &packetLog{}
	fs := newFrameSender(backend.NewStreamSender(log), "test")
	frame := func(unit string, notice string, extra bool) *data.Frame {
		f := data.NewFrame("t",
			data.NewField("labels", nil, []string{"driver=VER"}),
			data.NewField("v", nil, []float64{1}).SetConfig(&data.FieldConfig{Unit: unit, Thresholds: &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute}}))
		if extra {
			f.Fields = append(f.Fields, data.NewField("w", nil, []float64{2}))
		}
		f.SetMeta(&data.FrameMeta{})
		if notice != "" {
			f.Meta.Notices = []data.Notice{{Text: notice}}
		}
		return f
	}
	for _, fr := range []*data.Frame{
		frame("percent", "", false), // first: schema
		frame("percent", "", false), // same, new objects: data only
		frame("kph", "", false),     // config value changed: schema
		frame("kph", "", false),
		frame("kph", "bad record", false), // a notice: schema
		frame("kph", "bad record", false),
		frame("kph", "bad record", true), // a new column: schema
		frame("kph", "bad record", true),
	} {
		if err := fs.send(fr); err != nil {
			t.Fatal(err)
		}
	}
	want := []bool{true, false, true, false, true, false, true, false}
	for i, w := range want {
		if log.schemas[i] != w {
			t.Fatalf("packets with a schema %v, want %v", log.schemas, want)
		}
	}
}
