package plugin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

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
