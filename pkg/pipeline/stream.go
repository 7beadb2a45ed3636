package pipeline

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1frame"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// MaxStreamRows is the most rows one live frame carries: a stream that is
// behind (a backlog, a slow browser) sends full frames back to back instead
// of buffering more.
const MaxStreamRows = 5000

// StreamOptions are what a live stream needs beyond its query and source.
type StreamOptions struct {
	// Path is the channel path: the stream's name in metrics and logs and
	// its key in Resume.
	Path string
	// UID is the datasource's uid, a metric label.
	UID string
	// Resume keeps where failed streams stopped (one per datasource).
	Resume *Resumes
	// AliveEvery: an idle stream checks its broker this often.
	AliveEvery time.Duration
	// LossAfter: a stream fails after its broker is gone this long.
	LossAfter time.Duration
	Log       log.Logger
	// Fresh: the plugin saw no subscription to this channel before this
	// start, so Grafana is running it again after the plugin (or the
	// datasource instance) restarted: without saved offsets the stream
	// re-reads or skips records, and its first frames say so.
	Fresh bool
}

// RunStream runs one channel's live query until ctx ends (the last
// subscriber left: returns nil) or Kafka fails (returns the error, after
// saving in o.Resume where to go on: Grafana calls RunStream again after a
// backoff and the stream resumes from the next offset of each partition).
func RunStream(ctx context.Context, src *Source, q *query.Query, sender *backend.StreamSender, o StreamOptions) error {
	MetricActiveStreams.Inc()
	defer MetricActiveStreams.Dec()
	defer metricStreamLag.DeleteLabelValues(o.UID, o.Path)
	s, err := newStream(ctx, src, q, sender, o)
	if err != nil {
		return err
	}
	return s.run(ctx)
}

// liveStream is one running channel. One goroutine runs it: poll Kafka,
// decode, add to the pipeline, and every flush interval send the frames.
// While a send blocks nothing is polled, so franz-go stops fetching once its
// one buffered fetch per broker is full: a slow sender bounds memory to
// MaxStreamRows rows plus FetchMaxBytes per broker.
type liveStream struct {
	src    *Source
	o      StreamOptions
	q      *query.Query
	pipe   Pipeline
	faults *Faults
	feeder *recordFeeder
	cons   *kafka.Consumer
	// sent is where the records whose frames were sent end: a stream that
	// fails resumes there, so a frame that could not be sent is read again
	// rather than lost.
	sent   kafka.Offsets
	out    *frameSender
	policy flushPolicy
	// multiTopic: the type reads several topics.
	multiTopic bool
	// notices are about the stream itself (a restart, lost records); they
	// stay on every frame sent, so the panel keeps showing them.
	notices streamNotices
}

func newStream(ctx context.Context, src *Source, q *query.Query, sender *backend.StreamSender, o StreamOptions) (*liveStream, error) {
	faults := &Faults{}
	pipe, err := New(q, &Env{Mode: ModeStream, Faults: faults})
	if err != nil {
		return nil, err
	}
	start, state := o.Resume.take(o.Path)
	resumed := state == resumeOK
	if !resumed {
		start = kafka.Offsets{}
		for _, topic := range topics(q) {
			s, err := streamStarts(ctx, src, q, topic)
			if err != nil {
				return nil, fmt.Errorf("starting stream on %s: %w", topic, err)
			}
			start[topic] = s
		}
	}
	saved := start.Clone()
	notices := startNotices(ctx, src, q, start, state, o.Fresh, o.Resume.ttl) // may move start up (retention)
	cons, err := src.Kafka.Consume(start, isolation(q))
	if err != nil {
		if resumed {
			o.Resume.Save(o.Path, saved) // the next try reports any loss again
		}
		return nil, err
	}
	if resumed {
		o.Log.Info("stream resumed", "path", o.Path, "offsets", fmt.Sprint(start))
	}
	s := &liveStream{
		src: src, o: o, q: q, pipe: pipe, faults: faults,
		feeder:     newFeeder(src, q, pipe, faults),
		cons:       cons,
		sent:       start.Clone(),
		out:        newFrameSender(sender, q.QueryType),
		multiTopic: len(start) > 1,
	}
	s.notices.add(notices...)
	return s, nil
}

// run polls, batches and sends until ctx ends (nil) or Kafka fails (error,
// after saving where to resume). The flush policy says when to send.
func (s *liveStream) run(ctx context.Context) error {
	defer s.cons.Close()
	now := time.Now()
	s.policy = newFlushPolicy(s.q.StreamFlush(), now)
	lastCheck := now
	var failingSince time.Time
	more := false // the last poll filled its batch: more records are waiting
	for {
		now = time.Now()
		due := s.due()
		if s.pipe.Pending() >= MaxStreamRows || (!more && !due.IsZero() && !now.Before(due)) {
			if err := s.send(now); err != nil {
				return s.stop(err)
			}
			due = s.due()
		}
		deadline := earliest(due, lastCheck.Add(s.o.AliveEvery))
		if more || !deadline.After(now) {
			deadline = now.Add(time.Millisecond) // take what is buffered, then send
		}
		want := MaxStreamRows - s.pipe.Pending()
		pctx, cancel := context.WithDeadline(ctx, deadline)
		recs, err := s.cons.Poll(pctx, want)
		cancel()
		if ctx.Err() != nil {
			s.metrics()
			return nil
		}
		if err != nil {
			return s.stop(err)
		}
		s.handle(ctx, recs)
		more = len(recs) >= want
		now = time.Now()
		if len(recs) > 0 {
			failingSince, lastCheck = time.Time{}, now
			continue
		}
		if now.Sub(lastCheck) < s.o.AliveEvery {
			continue
		}
		// Idle: is the broker still there? franz-go retries forever on its
		// own; a stream must fail so Grafana restarts it and the user sees
		// why.
		lastCheck = now
		actx, cancel := context.WithTimeout(ctx, min(s.src.Timeout, 2*time.Second))
		err = s.cons.Alive(actx)
		cancel()
		switch {
		case ctx.Err() != nil:
			s.metrics()
			return nil
		case err == nil:
			failingSince = time.Time{}
		case failingSince.IsZero():
			failingSince = now
		case now.Sub(failingSince) >= s.o.LossAfter:
			return s.stop(fmt.Errorf("kafka lost for %s: %w", now.Sub(failingSince).Round(time.Second), err))
		}
	}
}

// due is when the stream should next send (zero: nothing to send).
func (s *liveStream) due() time.Time {
	var held time.Time
	if h, ok := s.pipe.(holder); ok {
		held = h.Due()
	}
	return s.policy.due(s.pipe.Pending() > 0, held)
}

// handle decodes records into the pipeline. Records of several topics are
// put in timestamp order first.
func (s *liveStream) handle(ctx context.Context, recs []*kgo.Record) {
	if s.multiTopic {
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].Timestamp.Before(recs[j].Timestamp) })
	}
	for _, r := range recs {
		s.feeder.feed(ctx, r)
	}
}

// send flushes the pipeline's frames to Live.
func (s *liveStream) send(now time.Time) error {
	frames := s.pipe.Frames(false)
	if s.cons != nil {
		s.notices.add(dataLossNotices(s.cons.TakeDataLoss())...)
	}
	if len(frames) > 0 && (len(s.faults.counts) > 0 || len(s.notices.list) > 0) {
		MetaOf(frames[0]).Notices = append(s.notices.all(), s.faults.StreamNotices()...)
	}
	for _, f := range frames {
		if err := s.out.send(f); err != nil {
			return fmt.Errorf("sending to Grafana Live: %w", err)
		}
	}
	s.policy.sent(now, len(frames) > 0)
	if s.cons != nil { // benchmarks drive a stream with no consumer
		s.sent = s.cons.Next()
	}
	s.metrics()
	return nil
}

func (s *liveStream) metrics() {
	s.feeder.counts.flush("stream")
	s.faults.flushMetrics()
	if s.cons != nil {
		metricStreamLag.WithLabelValues(s.o.UID, s.o.Path).Set(float64(s.cons.Lag()))
	}
}

// stop saves where to resume (after what was sent) and returns err.
func (s *liveStream) stop(err error) error {
	s.o.Resume.Save(s.o.Path, s.sent)
	s.metrics()
	s.o.Log.Warn("stream stopped", "path", s.o.Path, "error", err)
	return err
}

// snapshotLookbackTime is how far back a leaderboard or latest-predictions
// stream starts reading its timing, race-control and prediction topics (a few
// records per car per lap: cheap).
const snapshotLookbackTime = 15 * time.Minute

// snapshotLookback: a leaderboard or latest-predictions stream sends whole tables,
// each replacing the panel's, so one folded from nothing would replace the
// full table of QueryData with an empty one, then with the cars seen so far
// (a lap, at 1x a minute and a half). It starts with the recent timing, race
// and prediction records instead (a few per car per lap); telemetry (average
// speed, DRS) goes on from now.
func snapshotLookback(q *query.Query, topic string) time.Duration {
	switch {
	case topic == f1.TopicTelemetry:
		return 0
	case q.QueryType == string(f1frame.Leaderboard),
		q.QueryType == string(f1frame.Predictions) && q.Params[query.ParamView] == string(f1frame.ViewLatest):
		// Snapshots only: a stream that appends (predictions' series) would
		// send the looked-back records again on top of QueryData's history.
		return snapshotLookbackTime
	}
	return 0
}

// streamStarts returns where a stream for q starts reading each partition
// of topic: the end (latest, timeRange; for snapshot streams, see
// snapshotLookback, snapshotLookbackTime before it), the start (earliest), or N before
// the end (lastN).
func streamStarts(ctx context.Context, src *Source, q *query.Query, topic string) (map[int32]int64, error) {
	mctx, cancel := context.WithTimeout(ctx, src.Timeout)
	defer cancel()
	ends, err := src.Kafka.EndOffsetsFor(mctx, topic, isolation(q))
	if err != nil {
		return nil, err
	}
	starts := ends
	if q.Offset == query.OffsetEarliest || q.Offset == query.OffsetLastN {
		if starts, err = src.Kafka.StartOffsets(mctx, topic); err != nil {
			return nil, err
		}
	}
	if lookback := snapshotLookback(q, topic); lookback > 0 && (q.Offset == query.OffsetLatest || q.Offset == query.OffsetTimeRange) {
		recent, err := src.Kafka.OffsetsAfter(mctx, topic, time.Now().Add(-lookback).UnixMilli())
		if err != nil {
			return nil, err
		}
		for p, end := range ends {
			if o, ok := recent[p]; ok && o >= 0 && o < end {
				ends[p] = o
			}
		}
	}
	out := map[int32]int64{}
	for p, end := range ends {
		if q.Partition >= 0 && p != q.Partition {
			continue
		}
		switch q.Offset {
		case query.OffsetEarliest:
			out[p] = starts[p]
		case query.OffsetLastN:
			out[p] = max(starts[p], end-q.LastN)
		default:
			out[p] = end
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("partition %d does not exist in topic %s", q.Partition, topic)
	}
	return out, nil
}
