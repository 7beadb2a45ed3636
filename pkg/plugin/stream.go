package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// SubscribeStream lets a user join a channel when its path decodes to a live
// query of this datasource's org. Unknown paths are refused.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if err := d.ready(); err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	org, _, err := query.DecodeChannelPath(req.Path)
	if err != nil {
		d.log.Debug("refused stream subscription", "path", req.Path, "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	if org != req.PluginContext.OrgID {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	d.subs.note(req.Path, time.Now())
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream is refused: Pitwall's channels are read-only.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream runs one channel's live query until ctx ends (the last
// subscriber left: returns nil) or Kafka fails (returns the error, and
// Grafana calls RunStream again after a backoff; the stream then resumes
// from the next offset of each partition, see pipeline.Resumes).
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	if err := d.ready(); err != nil {
		return err
	}
	org, q, err := query.DecodeChannelPath(req.Path)
	if err != nil {
		return err
	}
	if org != req.PluginContext.OrgID {
		return fmt.Errorf("channel path %q belongs to org %d, not %d", req.Path, org, req.PluginContext.OrgID)
	}
	// Grafana subscribes before it runs a channel, except when it runs it
	// again after the plugin restarted: then the stream has lost its place.
	fresh := !d.subs.seen(req.Path, time.Now())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tok, err := d.waitForSlot(ctx, req.Path, cancel, sender)
	if err != nil || tok == nil {
		return err // shutting down, or ctx ended while waiting: nil
	}
	defer d.untrack(req.Path, tok)
	return pipeline.RunStream(ctx, d.source(), q, sender, pipeline.StreamOptions{
		Path: req.Path, UID: d.uid, Resume: d.resume, AliveEvery: d.aliveEvery, LossAfter: d.lossAfter, Log: d.log,
		Fresh: fresh, Hub: d.hub})
}

// The streams an instance runs at once are bounded by the maxStreams
// setting: each is its own Kafka consumer, and a browser can craft any
// number of valid channel paths.
const (
	// DefaultMaxStreams is maxStreams when it is not set.
	DefaultMaxStreams = 64
	// MaxMaxStreams is the largest maxStreams allowed.
	MaxMaxStreams = 1000
	// slotRetry is how often a stream over the bound checks for room
	// (Datasource.slotRetry; tests shorten it).
	slotRetry = 5 * time.Second
)

// streamEntry is one running stream; its address tells a stream's own entry
// from that of a successor on the same path.
type streamEntry struct{ cancel context.CancelFunc }

var errShuttingDown = errors.New("the datasource is shutting down")

// waitForSlot tracks the stream of path. Past maxStreams it sends one frame
// whose notice says so and how to fix it, then waits for room (returning a
// nil entry and no error if ctx ends first).
func (d *Datasource) waitForSlot(ctx context.Context, path string, cancel context.CancelFunc, sender *backend.StreamSender) (*streamEntry, error) {
	told := false
	for {
		tok, running, err := d.track(path, cancel)
		if err != nil || tok != nil {
			return tok, err
		}
		if !told {
			told = true
			msg := fmt.Sprintf("this datasource already runs %d live streams, its maxStreams limit: this panel's stream waits for one to end. "+
				"Close panels or dashboards you do not watch, use fewer distinct live queries, or raise maxStreams in the datasource settings", running)
			d.log.Warn("live stream waits: maxStreams reached", "path", path, "running", running, "maxStreams", d.settings.MaxStreams)
			f := data.NewFrame("pitwall-limit")
			f.Meta = &data.FrameMeta{Notices: []data.Notice{{Severity: data.NoticeSeverityError, Text: msg}}}
			if err := sender.SendFrame(f, data.IncludeAll); err != nil {
				return nil, err
			}
		}
		t := time.NewTimer(d.slotRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		case <-t.C:
		}
	}
}

// track registers the stream of path: a leftover stream of the same path
// is stopped and replaced (Grafana runs one RunStream per channel). It
// returns nil and the count of running streams when maxStreams are running.
func (d *Datasource) track(path string, cancel context.CancelFunc) (*streamEntry, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.streams == nil {
		return nil, 0, fmt.Errorf("datasource %s: %w", d.uid, errShuttingDown)
	}
	old, replacing := d.streams[path]
	if !replacing && len(d.streams) >= d.settings.MaxStreams {
		return nil, len(d.streams), nil
	}
	if replacing {
		old.cancel()
	}
	e := &streamEntry{cancel: cancel}
	d.streams[path] = e
	return e, 0, nil
}

// untrack removes the entry of path if it is still e: a replaced stream
// ending after its successor started must not remove the successor.
func (d *Datasource) untrack(path string, e *streamEntry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.streams[path] == e {
		delete(d.streams, path)
	}
}

// subscriptions remembers which channel paths Grafana subscribed to on this
// instance lately, so that RunStream can tell a channel Grafana starts after
// a subscription from one it runs again after a restart (see
// pipeline.StreamOptions.Fresh). Bounded: entries older than subsKeep go
// when it is full.
type subscriptions struct {
	mu sync.Mutex
	at map[string]time.Time
}

const (
	subsKeep = 10 * time.Minute
	subsMax  = 10000
)

func (s *subscriptions) note(path string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.at == nil {
		s.at = map[string]time.Time{}
	}
	if len(s.at) >= subsMax {
		for p, t := range s.at {
			if now.Sub(t) > subsKeep {
				delete(s.at, p)
			}
		}
		if len(s.at) >= subsMax {
			clear(s.at) // a flood of paths: forget rather than grow
		}
	}
	s.at[path] = now
}

func (s *subscriptions) seen(path string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[path]
	return ok && now.Sub(t) <= subsKeep
}
