package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

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
	// Hub shares consumers among the datasource's streams; nil: the stream
	// reads on a consumer of its own.
	Hub *Hub
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

// liveStream is one running channel. It reads Kafka on a consumer of its
// own (private.go) until it has caught up with the end of its partitions,
// then as a member of its datasource's shared consumer for the same topics
// (shared.go, fanout.go), and on its own again if it falls behind that
// consumer. Its pipeline, faults, flush policy and offsets go with it.
type liveStream struct {
	src    *Source
	o      StreamOptions
	q      *query.Query
	pipe   Pipeline
	faults *Faults
	feeder *recordFeeder
	cons   *kafka.Consumer // reading on its own; nil while a member
	// next is where the stream stands while it has no consumer: its start,
	// or where it left a shared consumer.
	next kafka.Offsets
	// sent is where the records whose frames were sent end: a stream that
	// fails resumes there, so a frame that could not be sent is read again
	// rather than lost. While a member, sentIdx holds it by the feed's
	// partition list.
	sent     kafka.Offsets
	sentIdx  []int64
	sentList []topicPartition
	// saved is the resume point the stream was started from (nil: none),
	// saved again if it cannot even start reading, so that the next try
	// reports any records lost meanwhile again.
	saved   kafka.Offsets
	started bool // it has read (on its own or as a member)
	out     *frameSender
	policy  flushPolicy
	// multiTopic: the type reads several topics.
	multiTopic bool
	// joinAt is when the stream may next ask to join a shared consumer
	// (zero: never), joinWait the wait after it fell behind one.
	joinAt   time.Time
	joinWait time.Duration
	// atEnd: the stream starts at the end of its partitions (latest or
	// timeRange, not resumed, no snapshot lookback), so it may join, or
	// start, a shared consumer before reading. One that starts behind reads
	// on its own until it has caught up: a feed started at its start would
	// hold every later stream that joins it until that backlog is read.
	atEnd bool
	// notices are about the stream itself (a restart, lost records, falling
	// behind); they stay on every frame sent, so the panel keeps showing
	// them. A shared consumer adds to them while the stream is its member.
	notices    streamNotices
	fellBehind bool // it said so in notices
	lag        prometheus.Gauge
}

func newStream(ctx context.Context, src *Source, q *query.Query, sender *backend.StreamSender, o StreamOptions) (*liveStream, error) {
	faults := &Faults{}
	pipe, err := New(q, &Env{Mode: ModeStream, Faults: faults, Resolution: q.Resolution})
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
	var saved kafka.Offsets
	if resumed {
		saved = start.Clone()
	}
	notices := startNotices(ctx, src, q, start, state, o.Fresh, o.Resume.ttl) // may move start up (retention)
	if resumed {
		o.Log.Info("stream resumed", "path", o.Path, "offsets", fmt.Sprint(start))
	}
	s := &liveStream{
		src: src, o: o, q: q, pipe: pipe, faults: faults,
		feeder:     newFeeder(src, q, pipe, faults),
		next:       start,
		sent:       start.Clone(),
		saved:      saved,
		out:        newFrameSender(sender, q.QueryType),
		policy:     newFlushPolicy(q.StreamFlush(), time.Now()),
		multiTopic: len(start) > 1,
		joinWait:   joinBackoff,
	}
	if o.Hub != nil {
		s.joinAt = time.Now()
		s.atEnd = !resumed && startsAtEnd(q)
	}
	s.notices.add(notices...)
	return s, nil
}

// joinBackoff is how long a stream that fell behind its shared consumer
// reads on its own before it asks to join again (doubling up to
// joinBackoffMax while it keeps falling behind).
const (
	joinBackoff    = 5 * time.Second
	joinBackoffMax = time.Minute
)

// run reads, batches and sends until ctx ends (nil) or Kafka fails (error,
// after saving where to resume).
func (s *liveStream) run(ctx context.Context) error {
	for {
		var f *feed
		var m *member
		if s.atEnd && !s.joinAt.IsZero() && !time.Now().Before(s.joinAt) {
			// A stream that starts at the end of its partitions (latest,
			// timeRange) joins at once, without a consumer of its own.
			s.atEnd = false
			var err error
			if f, m, err = s.tryJoin(ctx, s.next); ctx.Err() != nil {
				return nil
			} else if err != nil && !joinRefused(err) {
				return s.stop(err)
			}
		}
		if f == nil {
			cons, err := s.src.Kafka.Consume(s.next, isolation(s.q))
			if err != nil {
				switch {
				case s.started:
					s.o.Resume.Save(s.o.Path, s.sentOffsets())
				case s.saved != nil:
					s.o.Resume.Save(s.o.Path, s.saved)
				}
				return err
			}
			s.cons, s.started = cons, true
			if f, m, err = s.runPrivate(ctx); f == nil {
				return err
			}
		}
		if err, again := s.runShared(ctx, f, m); !again {
			return err
		}
	}
}

// tryJoin asks the hub to take the stream at offsets at.
func (s *liveStream) tryJoin(ctx context.Context, at kafka.Offsets) (*feed, *member, error) {
	m := newMember(s.q, s.pipe, s.faults, &s.notices, s.policy, at)
	f, err := s.o.Hub.join(ctx, s.src, feedOptions{UID: s.o.UID, AliveEvery: s.o.AliveEvery, LossAfter: s.o.LossAfter, Log: s.o.Log}, m)
	switch {
	case err == nil:
		s.started = true
		return f, m, nil
	case errors.Is(err, errNoSharing), errors.Is(err, errPartitions):
		s.joinAt = time.Time{}
	case errors.Is(err, errFeedGone):
		s.joinAt = time.Now()
	default: // behind, or Kafka failed to start a feed: on its own for now
		s.joinAt = time.Now().Add(250 * time.Millisecond)
	}
	return nil, nil, err
}

// joinRefused: the stream reads on its own (it is not an error).
func joinRefused(err error) bool {
	return errors.Is(err, errNoSharing) || errors.Is(err, errPartitions) || errors.Is(err, errBehind) || errors.Is(err, errFeedGone)
}

// sentOffsets is where the stream's sent frames end.
func (s *liveStream) sentOffsets() kafka.Offsets {
	if s.sentIdx == nil {
		return s.sent
	}
	return offsetsOf(s.sentList, s.sentIdx)
}

func offsetsOf(list []topicPartition, idx []int64) kafka.Offsets {
	out := kafka.Offsets{}
	for i, tp := range list {
		if out[tp.topic] == nil {
			out[tp.topic] = map[int32]int64{}
		}
		out[tp.topic][tp.part] = idx[i]
	}
	return out
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

// send flushes the pipeline's frames to Live (reading on its own).
func (s *liveStream) send(now time.Time) error {
	frames := s.pipe.Frames(false)
	if s.cons != nil {
		s.notices.add(dataLossNotices(s.cons.TakeDataLoss())...)
	}
	liveNotices(frames, s.faults, &s.notices)
	if err := s.sendFrames(frames); err != nil {
		return err
	}
	s.policy.sent(now, len(frames) > 0)
	if s.cons != nil { // benchmarks drive a stream with no consumer
		s.sent = s.cons.Next()
	}
	s.metrics()
	return nil
}

// liveNotices puts a stream's notices (about itself, then its bad
// records) on the first of its frames.
func liveNotices(frames []*data.Frame, faults *Faults, notices *streamNotices) {
	if len(frames) > 0 && (len(faults.counts) > 0 || len(notices.list) > 0) {
		MetaOf(frames[0]).Notices = append(notices.all(), faults.StreamNotices()...)
	}
}

func (s *liveStream) sendFrames(frames []*data.Frame) error {
	for _, f := range frames {
		if err := s.out.send(f); err != nil {
			return fmt.Errorf("sending to Grafana Live: %w", err)
		}
	}
	return nil
}

// metrics adds what the stream counted (reading on its own).
func (s *liveStream) metrics() {
	s.feeder.flushCounts("stream")
	s.faults.flushMetrics()
	if s.cons != nil {
		s.lagGauge().Set(float64(s.cons.Lag()))
	}
}

// lagGauge is the stream's pitwall_stream_lag_records.
func (s *liveStream) lagGauge() prometheus.Gauge {
	if s.lag == nil {
		s.lag = metricStreamLag.WithLabelValues(s.o.UID, s.o.Path)
	}
	return s.lag
}

// stop saves where to resume (after what was sent) and returns err.
func (s *liveStream) stop(err error) error {
	s.o.Resume.Save(s.o.Path, s.sentOffsets())
	s.o.Log.Warn("stream stopped", "path", s.o.Path, "error", err)
	return err
}
