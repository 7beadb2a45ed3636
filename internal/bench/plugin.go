package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pitwall-f1/pitwall/pkg/plugin"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

const benchOrg = 1

// newDatasource makes a datasource instance the way Grafana does, with the
// broker and registry of b.
func newDatasource(b *devBroker) (*plugin.Datasource, error) {
	js, _ := json.Marshal(map[string]any{"bootstrapServers": b.kafka, "schemaRegistryUrl": b.registry,
		"clientId": "pitwall-bench", "timeoutSeconds": 10,
		"maxStreams": 200}) // the streams phase runs 100 at once (the default bound is 64)
	ctx := backend.WithPluginContext(context.Background(), backend.PluginContext{OrgID: benchOrg})
	inst, err := plugin.NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: "pitwall-bench", Name: "Pitwall bench", JSONData: js})
	if err != nil {
		return nil, err
	}
	return inst.(*plugin.Datasource), nil
}

// queryTypeAvailable reports whether the plugin answers queryType (the F1
// types register themselves as they are implemented).
func queryTypeAvailable(queryType string) error {
	_, err := query.Parse([]byte(fmt.Sprintf(`{"queryType":%q}`, queryType)))
	return err
}

// channelPath is the Live channel path of a stream query given as JSON.
func channelPath(queryJSON string) (string, error) {
	q, err := query.Parse([]byte(queryJSON))
	if err != nil {
		return "", fmt.Errorf("query %s: %w", queryJSON, err)
	}
	return query.EncodeChannelPath(benchOrg, q)
}

// stream is one RunStream call running in the background.
type stream struct {
	path     string
	sender   *Sender // nil when the packets go elsewhere (runStreamTo)
	closeFn  func()  // stops the packets' consumer after RunStream returned
	cancel   context.CancelFunc
	done     chan struct{}
	err      error
	stopOnce sync.Once
	stopErr  error
}

// runStream calls RunStream on the channel of queryJSON, the way Grafana
// does after a subscription: with the path alone.
func runStream(d *plugin.Datasource, queryJSON string, s *Sender) (*stream, error) {
	st, err := runStreamTo(d, queryJSON, s, s.Close)
	if st != nil {
		st.sender = s
	}
	return st, err
}

// runStreamTo is runStream with any packet sender; closeFn runs once
// RunStream has returned.
func runStreamTo(d *plugin.Datasource, queryJSON string, s backend.StreamPacketSender, closeFn func()) (*stream, error) {
	path, err := channelPath(queryJSON)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := &stream{path: path, closeFn: closeFn, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(st.done)
		st.err = d.RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: benchOrg}, Path: path},
			backend.NewStreamSender(s))
	}()
	return st, nil
}

// stop ends the stream (the last subscriber left) and returns RunStream's
// error; nil is a clean stop. Calling it again returns the same.
func (s *stream) stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			s.stopErr = fmt.Errorf("RunStream %s did not return 30 s after its context ended", s.path)
			return
		}
		if s.closeFn != nil {
			s.closeFn()
		}
		s.stopErr = s.err
	})
	return s.stopErr
}

// failed returns RunStream's error if it has already returned.
func (s *stream) failed() error {
	select {
	case <-s.done:
		if s.err == nil {
			return fmt.Errorf("RunStream %s returned early", s.path)
		}
		return fmt.Errorf("RunStream %s: %w", s.path, s.err)
	default:
		return nil
	}
}

// resource calls GET path on the datasource's resources and decodes the
// JSON answer into out.
func resource(d *plugin.Datasource, path string, out any) error {
	var mu sync.Mutex
	var status int
	var body []byte
	err := d.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{OrgID: benchOrg}, Path: path, Method: http.MethodGet, URL: path,
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
		mu.Lock()
		defer mu.Unlock()
		status, body = r.Status, append(body, r.Body...)
		return nil
	}))
	if err != nil {
		return fmt.Errorf("resource %s: %w", path, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("resource %s: status %d: %s", path, status, body)
	}
	return json.Unmarshal(body, out)
}

// topicRecords is how many records topic holds (end minus start offsets,
// from the plugin's partitions resource).
func topicRecords(d *plugin.Datasource, topic string) (int64, error) {
	var ps []struct {
		StartOffset int64 `json:"startOffset"`
		EndOffset   int64 `json:"endOffset"`
	}
	if err := resource(d, "topics/"+topic+"/partitions", &ps); err != nil {
		return 0, err
	}
	var n int64
	for _, p := range ps {
		n += p.EndOffset - p.StartOffset
	}
	return n, nil
}

// pluginCounter sums the plugin's Prometheus counter name over the series
// whose labels include want.
func pluginCounter(name string, want map[string]string) float64 {
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		return 0
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue metric
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// raceWithStreams lets race run for dur (0: until it ends) while streams
// read it, then stops it. It fails as soon as a stream does, stopping the
// race.
func raceWithStreams(ctx context.Context, race *child, streams []*stream, dur time.Duration) error {
	var timeUp <-chan time.Time // nil: never
	if dur > 0 {
		timer := time.NewTimer(dur)
		defer timer.Stop()
		timeUp = timer.C
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = race.stop()
			return ctx.Err()
		case <-timeUp:
			return race.stop()
		case <-race.done:
			return race.stop()
		case <-tick.C:
			for _, s := range streams {
				if err := s.failed(); err != nil {
					_ = race.stop()
					return err
				}
			}
		}
	}
}
