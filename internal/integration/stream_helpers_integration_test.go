//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	querymodel "github.com/pitwall-f1/pitwall/pkg/query"
)

// rowRecorder is a Grafana Live subscriber: it keeps every row the stream
// sends, as name → value, following the schema packets.
type rowRecorder struct {
	mu    sync.Mutex
	names []string
	rows  []map[string]any
	err   error
}

func (r *rowRecorder) Send(p *backend.StreamPacket) error {
	var pk struct {
		Schema *struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		} `json:"schema"`
		Data *struct {
			Values [][]any `json:"values"`
		} `json:"data"`
	}
	if err := json.Unmarshal(p.Data, &pk); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if pk.Schema != nil {
		r.names = r.names[:0]
		for _, f := range pk.Schema.Fields {
			r.names = append(r.names, f.Name)
		}
	}
	if pk.Data == nil || len(pk.Data.Values) == 0 {
		return nil
	}
	if len(pk.Data.Values) != len(r.names) {
		r.err = fmt.Errorf("a packet with %d columns for the %d names %v", len(pk.Data.Values), len(r.names), r.names)
		return nil
	}
	for row := range len(pk.Data.Values[0]) {
		m := make(map[string]any, len(r.names))
		for i, n := range r.names {
			m[n] = pk.Data.Values[i][row]
		}
		r.rows = append(r.rows, m)
	}
	return nil
}

func (r *rowRecorder) snapshot() ([]map[string]any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.rows...), r.err
}

func (r *rowRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rows)
}

// liveStream runs RunStream for the query the way Grafana does: when it
// returns an error, it starts again after a backoff with the same
// subscriber, until the test ends. It returns how many runs failed.
func liveStream(t *testing.T, inst instancemgmt.Instance, queryJSON string, r *rowRecorder) (failures func() []error) {
	t.Helper()
	q, err := querymodel.Parse([]byte(queryJSON))
	if err != nil {
		t.Fatal(err)
	}
	path, err := querymodel.EncodeChannelPath(1, q)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var errs []error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			err := inst.(backend.StreamHandler).RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: 1}, Path: path}, backend.NewStreamSender(r))
			if err == nil || ctx.Err() != nil {
				return
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(300 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []error {
		mu.Lock()
		defer mu.Unlock()
		return append([]error(nil), errs...)
	}
}
