package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/live"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// maxParallelQueries bounds how many queries of one request read at once.
const maxParallelQueries = 4

// QueryData answers each query over its offset range. A query that fails
// gets its own error response; the others are unaffected.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	fromAlert := req.Headers[backend.FromAlertHeaderName] != "" || req.GetHTTPHeader(backend.FromAlertHeaderName) != ""
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelQueries)
	for _, dq := range req.Queries {
		wg.Add(1)
		sem <- struct{}{}
		go func(dq backend.DataQuery) {
			defer func() { <-sem; wg.Done() }()
			r := d.query(ctx, req.PluginContext, dq, fromAlert)
			mu.Lock()
			resp.Responses[dq.RefID] = r
			mu.Unlock()
		}(dq)
	}
	wg.Wait()
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, pctx backend.PluginContext, dq backend.DataQuery, fromAlert bool) (res backend.DataResponse) {
	defer func() {
		if p := recover(); p != nil { // a bug in one query type must not take the plugin down
			d.log.Error("query panicked", "refId", dq.RefID, "panic", p)
			res = backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("query failed: internal error (%v)", p))
		}
	}()
	if err := d.ready(); err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	q, err := query.Parse(dq.JSON)
	if err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	// Alerting and annotations need complete frames: no stream for them.
	stream := q.Stream && !fromAlert
	if stream && q.QueryType == query.Telemetry && q.Resolution == 0 {
		q.Resolution = resolution(dq)
	}
	env := &pipeline.Env{Mode: pipeline.ModeQuery, MaxDataPoints: int(dq.MaxDataPoints), Faults: &pipeline.Faults{}, RefID: dq.RefID, FromAlert: fromAlert}
	if stream {
		env.Mode = pipeline.ModeStream
	}
	if q.Offset == query.OffsetTimeRange {
		env.From, env.To = dq.TimeRange.From, dq.TimeRange.To
	}
	pipe, err := pipeline.New(q, env)
	if err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	var notices []data.Notice
	// A stream that starts at the beginning (earliest, lastN) delivers that
	// history itself; reading it here too would show it twice.
	if !stream || q.Offset == query.OffsetTimeRange || q.Offset == query.OffsetLatest {
		if notices, err = pipeline.ReadJoint(ctx, d.source(), q, env, pipe); err != nil {
			return queryError(err)
		}
	}
	frames := pipe.Frames(true)
	if len(frames) == 0 {
		frames = []*data.Frame{data.NewFrame(q.Topic)}
	}
	notices = append(notices, env.Faults.Notices()...)
	if stream {
		if path, err := query.EncodeChannelPath(pctx.OrgID, q); err != nil {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: "no live stream: " + err.Error()})
		} else {
			pipeline.MetaOf(frames[0]).Channel = live.Channel{Scope: live.ScopeDatasource, Namespace: d.uid, Path: path}.String()
		}
	}
	if len(notices) > 0 {
		pipeline.MetaOf(frames[0]).Notices = append(pipeline.MetaOf(frames[0]).Notices, notices...)
	}
	for _, f := range frames {
		f.RefID = dq.RefID
	}
	return backend.DataResponse{Frames: frames}
}

// statusClientClosed is HTTP 499, the client closed the request.
const statusClientClosed backend.Status = 499

// queryError maps a read error to a response: Kafka faults are the
// downstream's, a missing topic is the user's.
func queryError(err error) backend.DataResponse {
	switch {
	case errors.Is(err, kafka.ErrUnknownTopic):
		return backend.ErrDataResponseWithSource(backend.StatusNotFound, backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, kafka.ErrAuth):
		return backend.ErrDataResponseWithSource(backend.StatusUnauthorized, backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, kafka.ErrCanceled), errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		// Grafana gave up on the query (a panel closed, Explore ran the next
		// one): no fault of Kafka's. 499 is the usual "client closed
		// request"; the message keeps "context canceled", by which Grafana
		// counts the request as cancelled rather than failed.
		return backend.ErrDataResponseWithSource(statusClientClosed, backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, kafka.ErrTimeout):
		return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, err.Error())
	}
	return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, err.Error())
}

// resolution is a panel's time per point: its time range over its
// maxDataPoints, else its interval; zero when it has neither. A telemetry
// stream pushes no more than that for drawing (docs/DESIGN.md: what is
// pushed for drawing may be decimated to a rate a browser can draw), so
// the browser's buffer of maxDataPoints per series holds the whole range.
func resolution(dq backend.DataQuery) time.Duration {
	var r time.Duration
	if span := dq.TimeRange.To.Sub(dq.TimeRange.From); dq.MaxDataPoints > 0 && span > 0 {
		r = span / time.Duration(dq.MaxDataPoints)
	} else {
		r = dq.Interval
	}
	if r <= 0 {
		return 0
	}
	return min(max(r.Truncate(time.Millisecond), time.Millisecond), query.MaxResolution)
}
