package pipeline

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/prometheus/client_golang/prometheus"
)

// frameSender sends frames to Live: the schema with the first frame and
// whenever it changes, otherwise the data alone.
//
// Whether the schema changed is first asked of the frame sent before under
// the same name (names, types, labels, field configs, meta and refId
// compared by value): the same means the same schema JSON, without encoding
// it. Only when they differ is the schema encoded and compared (a new
// config object can still say the same). Pipelines build new frames for
// every flush and never change one they handed over.
type frameSender struct {
	sender  *backend.StreamSender
	sent    prometheus.Counter
	schemas map[string]sentSchema // frame name -> what was last sent
}

type sentSchema struct {
	frame *data.Frame // the last frame sent under the name
	json  string      // its schema's JSON
}

func newFrameSender(sender *backend.StreamSender, queryType string) *frameSender {
	return &frameSender{sender: sender, sent: MetricFramesSent.WithLabelValues(queryType), schemas: map[string]sentSchema{}}
}

func (f *frameSender) send(fr *data.Frame) error {
	last, seen := f.schemas[fr.Name]
	include := data.IncludeDataOnly
	if !seen || !sameSchema(last.frame, fr) {
		schema, err := data.FrameToJSON(fr, data.IncludeSchemaOnly)
		if err != nil {
			return err
		}
		if !seen || last.json != string(schema) {
			include = data.IncludeAll
		}
		last.json = string(schema)
	}
	last.frame = fr
	f.schemas[fr.Name] = last
	if err := f.sender.SendFrame(fr, include); err != nil {
		return err
	}
	f.sent.Inc()
	return nil
}
