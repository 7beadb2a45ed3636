package pipeline

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// frameSender sends frames to Live: the schema with the first frame and
// whenever it changes, otherwise the data alone.
type frameSender struct {
	sender    *backend.StreamSender
	queryType string
	schemas   map[string]string // frame name -> schema JSON last sent
}

func newFrameSender(sender *backend.StreamSender, queryType string) *frameSender {
	return &frameSender{sender: sender, queryType: queryType, schemas: map[string]string{}}
}

func (f *frameSender) send(fr *data.Frame) error {
	schema, err := data.FrameToJSON(fr, data.IncludeSchemaOnly)
	if err != nil {
		return err
	}
	include := data.IncludeDataOnly
	if f.schemas[fr.Name] != string(schema) {
		include = data.IncludeAll
		f.schemas[fr.Name] = string(schema)
	}
	if err := f.sender.SendFrame(fr, include); err != nil {
		return err
	}
	MetricFramesSent.WithLabelValues(f.queryType).Inc()
	return nil
}
