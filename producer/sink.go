package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// sink encodes records and produces them asynchronously, keyed as docs/DESIGN.md
// says: telemetry and timing by driver, race control and commands by race
// id, alerts by severity, predictions by model, weather by race id,
// locations by driver. It counts what was sent and acknowledged and keeps
// the first produce error, after which every send fails: nothing is
// half-sent silently. Send from one goroutine; counters may be read from any.
type sink struct {
	cl     *kgo.Client
	topics topicNames
	format string // json, avro or protobuf
	ids    schemaIDs

	slab []byte
	keys map[string][]byte
	pool sync.Pool

	sent, acked, failed atomic.Int64
	byTopic             [7]int64 // telemetry, positions, race control, alerts, predictions, weather, locations (sending goroutine only)
	errOnce             sync.Once
	err                 atomic.Pointer[error]
	promise             func(*kgo.Record, error)

	prodCtx   context.Context // cancelled when the sink gives up, so a blocked Produce returns
	cancel    context.CancelFunc
	watchDone chan struct{}
	stallMax  time.Duration
	brokers   string
}

func newSink(cl *kgo.Client, c *kafkaConfig, ids schemaIDs) *sink {
	s := &sink{cl: cl, topics: c.topics, format: c.format, ids: ids, keys: map[string][]byte{},
		watchDone: make(chan struct{}), stallMax: 30 * time.Second, brokers: c.brokers}
	s.prodCtx, s.cancel = context.WithCancel(context.Background())
	s.pool.New = func() any { return new(kgo.Record) }
	go s.watch()
	s.promise = func(r *kgo.Record, err error) {
		if err != nil {
			s.failed.Add(1)
			s.fail(produceError(r, err))
		} else {
			s.acked.Add(1)
		}
		*r = kgo.Record{}
		s.pool.Put(r)
	}
	return s
}

// produceError says which topic refused a record and, for a timestamp the
// broker refused, what it accepts.
func produceError(r *kgo.Record, err error) error {
	if errors.Is(err, kerr.InvalidTimestamp) {
		return fmt.Errorf("producing to %s: %w (record time %s: the broker accepts timestamps up to "+
			"log.message.timestamp.after.max.ms ahead of its clock, one hour by default in Kafka 4, and "+
			"log.message.timestamp.before.max.ms behind it; check the clocks of this host and the brokers)",
			r.Topic, err, r.Timestamp.UTC().Format(time.RFC3339))
	}
	return fmt.Errorf("producing to %s: %w", r.Topic, err)
}

func (s *sink) fail(err error) {
	s.errOnce.Do(func() { s.err.Store(&err) })
}

// watch fails the sink when records are outstanding but nothing has been
// acknowledged for stallMax: the broker went away.
func (s *sink) watch() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lastAck, since := s.acked.Load(), time.Now()
	for {
		select {
		case <-s.watchDone:
			return
		case now := <-t.C:
			a := s.acked.Load() + s.failed.Load()
			if a != lastAck || s.sent.Load() == a {
				lastAck, since = a, now
				continue
			}
			if now.Sub(since) > s.stallMax {
				s.fail(fmt.Errorf("Kafka at %s acknowledged nothing for %s with %d records outstanding: is the broker still up?",
					s.brokers, s.stallMax, s.sent.Load()-a))
				s.cancel()
				return
			}
		}
	}
}

// close stops the watchdog; call it after flush.
func (s *sink) close() {
	select {
	case <-s.watchDone:
	default:
		close(s.watchDone)
	}
	s.cancel()
}

// Err is the first produce error, if any.
func (s *sink) Err() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

const slabSize = 1 << 20

// buf returns an empty slice with room for a record, carved from a shared
// slab so that records do not each allocate.
func (s *sink) buf() []byte {
	if cap(s.slab)-len(s.slab) < 4096 {
		s.slab = make([]byte, 0, slabSize)
	}
	return s.slab[len(s.slab):len(s.slab)]
}

func (s *sink) key(k string) []byte {
	b, ok := s.keys[k]
	if !ok {
		b = []byte(k)
		if len(s.keys) < 10000 {
			s.keys[k] = b
		}
	}
	return b
}

// produce sends one encoded value. v must come from buf().
func (s *sink) produce(topic, key string, ts int64, v []byte) error {
	if err := s.Err(); err != nil {
		return err
	}
	if n := len(v); n > 0 && n <= cap(s.slab)-len(s.slab) && &s.slab[:len(s.slab)+1][len(s.slab)] == &v[0] {
		s.slab = s.slab[:len(s.slab)+n]
	}
	r := s.pool.Get().(*kgo.Record)
	r.Topic, r.Key, r.Value, r.Timestamp = topic, s.key(key), v[:len(v):len(v)], time.UnixMilli(ts)
	s.sent.Add(1)
	// Not the run's context: a cancelled run still delivers what it sent.
	s.cl.Produce(s.prodCtx, r, s.promise)
	return nil
}

func (s *sink) telemetry(t *f1.Telemetry) error {
	s.byTopic[0]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Telemetry, t.Driver, t.Ts, f1wire.TelemetryAvro(s.buf(), s.ids.Telemetry, t))
	case "protobuf":
		return s.produce(s.topics.Telemetry, t.Driver, t.Ts, f1wire.TelemetryProtobuf(s.buf(), s.ids.Telemetry, t))
	}
	return s.produce(s.topics.Telemetry, t.Driver, t.Ts, f1wire.TelemetryJSON(s.buf(), t))
}

func (s *sink) position(p *f1.Position) error {
	s.byTopic[1]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Positions, p.Driver, p.Ts, f1wire.PositionAvro(s.buf(), s.ids.Positions, p))
	case "protobuf":
		return s.produce(s.topics.Positions, p.Driver, p.Ts, f1wire.PositionProtobuf(s.buf(), s.ids.Positions, p))
	}
	return s.produce(s.topics.Positions, p.Driver, p.Ts, f1wire.PositionJSON(s.buf(), p))
}

func (s *sink) raceControl(r *f1.RaceControl) error {
	s.byTopic[2]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.RaceControl, r.RaceID, r.Ts, f1wire.RaceControlAvro(s.buf(), s.ids.RaceControl, r))
	case "protobuf":
		return s.produce(s.topics.RaceControl, r.RaceID, r.Ts, f1wire.RaceControlProtobuf(s.buf(), s.ids.RaceControl, r))
	}
	return s.produce(s.topics.RaceControl, r.RaceID, r.Ts, f1wire.RaceControlJSON(s.buf(), r))
}

func (s *sink) alert(a *f1.Alert) error {
	s.byTopic[3]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Alerts, a.Severity, a.Ts, f1wire.AlertAvro(s.buf(), s.ids.Alerts, a))
	case "protobuf":
		return s.produce(s.topics.Alerts, a.Severity, a.Ts, f1wire.AlertProtobuf(s.buf(), s.ids.Alerts, a))
	}
	return s.produce(s.topics.Alerts, a.Severity, a.Ts, f1wire.AlertJSON(s.buf(), a))
}

func (s *sink) prediction(p *f1.Prediction) error {
	s.byTopic[4]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Predictions, p.Model, p.Ts, f1wire.PredictionAvro(s.buf(), s.ids.Predictions, p))
	case "protobuf":
		return s.produce(s.topics.Predictions, p.Model, p.Ts, f1wire.PredictionProtobuf(s.buf(), s.ids.Predictions, p))
	}
	return s.produce(s.topics.Predictions, p.Model, p.Ts, f1wire.PredictionJSON(s.buf(), p))
}

func (s *sink) weather(w *f1.Weather) error {
	s.byTopic[5]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Weather, w.RaceID, w.Ts, f1wire.WeatherAvro(s.buf(), s.ids.Weather, w))
	case "protobuf":
		return s.produce(s.topics.Weather, w.RaceID, w.Ts, f1wire.WeatherProtobuf(s.buf(), s.ids.Weather, w))
	}
	return s.produce(s.topics.Weather, w.RaceID, w.Ts, f1wire.WeatherJSON(s.buf(), w))
}

func (s *sink) location(l *f1.Location) error {
	s.byTopic[6]++
	switch s.format {
	case "avro":
		return s.produce(s.topics.Locations, l.Driver, l.Ts, f1wire.LocationAvro(s.buf(), s.ids.Locations, l))
	case "protobuf":
		return s.produce(s.topics.Locations, l.Driver, l.Ts, f1wire.LocationProtobuf(s.buf(), s.ids.Locations, l))
	}
	return s.produce(s.topics.Locations, l.Driver, l.Ts, f1wire.LocationJSON(s.buf(), l))
}

func (s *sink) command(c *f1.RaceCommand) error {
	switch s.format {
	case "avro":
		return s.produce(s.topics.Commands, c.RaceID, c.Ts, f1wire.RaceCommandAvro(s.buf(), s.ids.Commands, c))
	case "protobuf":
		return s.produce(s.topics.Commands, c.RaceID, c.Ts, f1wire.RaceCommandProtobuf(s.buf(), s.ids.Commands, c))
	}
	return s.produce(s.topics.Commands, c.RaceID, c.Ts, f1wire.RaceCommandJSON(s.buf(), c))
}

// flush waits until everything sent is acknowledged or failed, at most
// timeout, and returns the first produce error.
func (s *sink) flush(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.cl.Flush(ctx); err != nil {
		return fmt.Errorf("flushing: %d of %d records not acknowledged within %s: %w", s.sent.Load()-s.acked.Load(), s.sent.Load(), timeout, err)
	}
	return s.Err()
}

// finish ends a run: it publishes ab (the run's ABORTED event) when the
// run was stopped, flushes, stops the progress line and says on stdout what
// was sent.
func (s *sink) finish(prog *progress, run string, wallStart time.Time, ab *f1.RaceControl, stdout io.Writer) error {
	if ab != nil {
		if err := s.raceControl(ab); err != nil {
			return err
		}
	}
	if err := s.flush(30 * time.Second); err != nil {
		return err
	}
	prog.stop()
	el := time.Since(wallStart)
	state := "finished"
	if ab != nil {
		state = "aborted (ABORTED published)"
	}
	fmt.Fprintf(stdout, "%s %s in %s: %s; %.0f records/s\n", run, state, el.Round(time.Millisecond), s.summary(), float64(s.sent.Load())/el.Seconds())
	return nil
}

// summary is a one-line account of what was sent.
func (s *sink) summary() string {
	extra := ""
	if s.byTopic[5]+s.byTopic[6] > 0 {
		extra = fmt.Sprintf(", weather %d, locations %d", s.byTopic[5], s.byTopic[6])
	}
	return fmt.Sprintf("%d records (telemetry %d, positions %d, race control %d, alerts %d, predictions %d%s), %d acknowledged, %d failed",
		s.sent.Load(), s.byTopic[0], s.byTopic[1], s.byTopic[2], s.byTopic[3], s.byTopic[4], extra, s.acked.Load(), s.failed.Load())
}
