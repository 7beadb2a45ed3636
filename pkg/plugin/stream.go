package plugin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// SubscribeStream lets a user join a channel when its path decodes to a live
// query of this datasource's org. Unknown paths are refused.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	_, err := d.channelQuery(req.Path, req.PluginContext.OrgID)
	var other *otherOrgError
	switch {
	case errors.As(err, &other):
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	case err != nil:
		d.log.Debug("refused stream subscription", "path", req.Path, "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
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
	q, err := d.channelQuery(req.Path, req.PluginContext.OrgID)
	if err != nil {
		return err
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

// channelQuery is the live query of a channel path, checked: the settings
// are valid, the path decodes, and its query is of org (another org's is an
// *otherOrgError).
func (d *Datasource) channelQuery(path string, org int64) (*query.Query, error) {
	if err := d.ready(); err != nil {
		return nil, err
	}
	pathOrg, q, err := query.DecodeChannelPath(path)
	if err != nil {
		return nil, err
	}
	if pathOrg != org {
		return nil, &otherOrgError{path: path, org: pathOrg, caller: org}
	}
	return q, nil
}

// otherOrgError is a channel path of another org's query.
type otherOrgError struct {
	path        string
	org, caller int64
}

func (e *otherOrgError) Error() string {
	return fmt.Sprintf("channel path %q belongs to org %d, not %d", e.path, e.org, e.caller)
}
