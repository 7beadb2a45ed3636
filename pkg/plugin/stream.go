package plugin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// SubscribeStream lets a user join a channel when its path decodes to a live
// query of this datasource's org. Unknown paths are refused.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if err := d.ready(); err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	org, _, err := DecodeChannelPath(req.Path)
	if err != nil {
		d.log.Debug("refused stream subscription", "path", req.Path, "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	if org != req.PluginContext.OrgID {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream is refused: Pitwall's channels are read-only.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream runs one channel's live query until ctx ends (the last
// subscriber left: returns nil) or Kafka fails (returns the error, and
// Grafana calls RunStream again after a backoff; the stream then resumes
// from the next offset of each partition, see resumeStore).
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	if err := d.ready(); err != nil {
		return err
	}
	org, q, err := DecodeChannelPath(req.Path)
	if err != nil {
		return err
	}
	if org != req.PluginContext.OrgID {
		return fmt.Errorf("channel path %q belongs to org %d, not %d", req.Path, org, req.PluginContext.OrgID)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !d.track(req.Path, cancel) {
		return fmt.Errorf("datasource %s is shutting down", d.uid)
	}
	defer d.untrack(req.Path)
	metricActiveStreams.Inc()
	defer metricActiveStreams.Dec()
	defer metricStreamLag.DeleteLabelValues(d.uid, req.Path)

	s, err := d.newStream(ctx, req.Path, q, sender)
	if err != nil {
		return err
	}
	return s.run(ctx)
}

func (d *Datasource) track(path string, cancel context.CancelFunc) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.streams == nil {
		return false
	}
	if old, ok := d.streams[path]; ok {
		old() // Grafana runs one RunStream per channel; a leftover one stops
	}
	d.streams[path] = cancel
	return true
}

func (d *Datasource) untrack(path string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.streams, path)
}

// resumeStore keeps where a failed stream stopped, so the RunStream that
// Grafana starts again reads on from the next offset of each partition:
// nothing is lost and nothing arrives twice. Entries expire, so a stream
// that comes back much later starts afresh.
type resumeStore struct {
	mu      sync.Mutex
	entries map[string]resumeEntry
	ttl     time.Duration
}

type resumeEntry struct {
	next kafka.Offsets
	at   time.Time
}

func newResumeStore() *resumeStore {
	return &resumeStore{entries: map[string]resumeEntry{}, ttl: 10 * time.Minute}
}

func (r *resumeStore) save(path string, next kafka.Offsets) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[path] = resumeEntry{next: next.Clone(), at: time.Now()}
}

// take returns and forgets the saved offsets of path.
func (r *resumeStore) take(path string) (kafka.Offsets, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[path]
	delete(r.entries, path)
	if !ok || time.Since(e.at) > r.ttl {
		return nil, false
	}
	return e.next, true
}
