package plugin

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// maxStreamRows is the most rows one live frame carries: a stream that is
// behind (a backlog, a slow browser) sends full frames back to back instead
// of buffering more.
const maxStreamRows = 5000

// liveStream is one running channel. One goroutine runs it: poll Kafka,
// decode, add to the pipeline, and every flush interval send the frames.
// While a send blocks nothing is polled, so franz-go stops fetching once its
// one buffered fetch per broker is full: a slow sender bounds memory to
// maxStreamRows rows plus FetchMaxBytes per broker.
type liveStream struct {
	d      *Datasource
	path   string
	q      *Query
	pipe   Pipeline
	faults *Faults
	feeder *recordFeeder
	cons   *kafka.Consumer
	// sent is where the records whose frames were sent end: a stream that
	// fails resumes there, so a frame that could not be sent is read again
	// rather than lost.
	sent  kafka.Offsets
	out   *frameSender
	flush time.Duration
	// multiTopic: the type reads several topics.
	multiTopic bool
}

func (d *Datasource) newStream(ctx context.Context, path string, q *Query, sender *backend.StreamSender) (*liveStream, error) {
	qt := queryTypes[q.QueryType]
	faults := &Faults{}
	pipe, err := qt.New(q, &Env{Mode: ModeStream, Faults: faults})
	if err != nil {
		return nil, err
	}
	start, resumed := d.resume.take(path)
	if !resumed {
		start = kafka.Offsets{}
		for _, topic := range qt.topics(q) {
			s, err := d.streamStarts(ctx, q, topic)
			if err != nil {
				return nil, fmt.Errorf("starting stream on %s: %w", topic, err)
			}
			start[topic] = s
		}
	}
	cons, err := d.kafka.Consume(start)
	if err != nil {
		if resumed {
			d.resume.save(path, start)
		}
		return nil, err
	}
	if resumed {
		d.log.Info("stream resumed", "path", path, "offsets", fmt.Sprint(start))
	}
	return &liveStream{
		d: d, path: path, q: q, pipe: pipe, faults: faults,
		feeder:     d.newFeeder(q, pipe, faults),
		cons:       cons,
		sent:       start.Clone(),
		out:        newFrameSender(sender, q.QueryType),
		flush:      streamQueryFlush(q),
		multiTopic: len(start) > 1,
	}, nil
}

// run polls, batches and sends until ctx ends (nil) or Kafka fails (error,
// after saving where to resume).
func (s *liveStream) run(ctx context.Context) error {
	defer s.cons.Close()
	nextFlush := time.Now().Add(s.flush)
	lastCheck := time.Now()
	var failingSince time.Time
	for {
		if s.pipe.Pending() >= maxStreamRows {
			if err := s.send(); err != nil {
				return s.stop(err)
			}
		}
		pctx, cancel := context.WithDeadline(ctx, nextFlush)
		recs, err := s.cons.Poll(pctx, maxStreamRows-s.pipe.Pending())
		cancel()
		if ctx.Err() != nil {
			s.metrics()
			return nil
		}
		if err != nil {
			return s.stop(err)
		}
		s.handle(ctx, recs)
		now := time.Now()
		if !now.Before(nextFlush) {
			if err := s.send(); err != nil {
				return s.stop(err)
			}
			nextFlush = now.Add(s.flush)
		}
		if len(recs) > 0 {
			failingSince, lastCheck = time.Time{}, now
			continue
		}
		if now.Sub(lastCheck) < s.d.aliveEvery {
			continue
		}
		// Idle: is the broker still there? franz-go retries forever on its
		// own; a stream must fail so Grafana restarts it and the user sees
		// why.
		lastCheck = now
		actx, cancel := context.WithTimeout(ctx, min(s.d.settings.Timeout, 2*time.Second))
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
		case now.Sub(failingSince) >= s.d.lossAfter:
			return s.stop(fmt.Errorf("kafka lost for %s: %w", now.Sub(failingSince).Round(time.Second), err))
		}
	}
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
func (s *liveStream) send() error {
	frames := s.pipe.Frames(false)
	if n := len(s.faults.counts); n > 0 && len(frames) > 0 {
		meta(frames[0]).Notices = s.faults.StreamNotices()
	}
	for _, f := range frames {
		if err := s.out.send(f); err != nil {
			return fmt.Errorf("sending to Grafana Live: %w", err)
		}
	}
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
		metricStreamLag.WithLabelValues(s.d.uid, s.path).Set(float64(s.cons.Lag()))
	}
}

// stop saves where to resume (after what was sent) and returns err.
func (s *liveStream) stop(err error) error {
	s.d.resume.save(s.path, s.sent)
	s.metrics()
	s.d.log.Warn("stream stopped", "path", s.path, "error", err)
	return err
}

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
	metricFramesSent.WithLabelValues(f.queryType).Inc()
	return nil
}
