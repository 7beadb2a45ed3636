package pipeline

import (
	"context"
	"time"
)

// runPrivate reads on the stream's own consumer: poll, decode, add to the
// pipeline, and send when the flush policy says so. While a send blocks
// nothing is polled, so franz-go stops fetching once its one buffered fetch
// per broker is full: a slow sender bounds memory to MaxStreamRows rows
// plus one fetch per broker.
//
// It returns when ctx ends (nil), when Kafka fails (the error, after
// saving where to resume), or when the stream has caught up with the end of
// its partitions and joined a shared consumer (the feed and the member; the
// stream's consumer is closed).
func (s *liveStream) runPrivate(ctx context.Context) (*feed, *member, error) {
	defer func() {
		if s.cons != nil {
			s.cons.Close()
			s.cons = nil
		}
	}()
	alive := newLiveness(s.o.AliveEvery, s.o.LossAfter, s.src.Timeout, time.Now())
	more := false // the last poll filled its batch: more records are waiting
	for {
		now := time.Now()
		due := s.due()
		if s.pipe.Pending() >= MaxStreamRows || (!more && !due.IsZero() && !now.Before(due)) {
			if err := s.send(now); err != nil {
				return nil, nil, s.stop(err)
			}
			due = s.due()
		}
		deadline := earliest(due, alive.due())
		if more || !deadline.After(now) {
			deadline = now.Add(time.Millisecond) // take what is buffered, then send
		}
		want := MaxStreamRows - s.pipe.Pending()
		pctx, cancel := context.WithDeadline(ctx, deadline)
		recs, err := s.cons.Poll(pctx, want)
		cancel()
		if ctx.Err() != nil {
			s.metrics()
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, s.stop(err)
		}
		s.handle(ctx, recs)
		more = len(recs) >= want
		now = time.Now()
		if !more && !s.joinAt.IsZero() && !now.Before(s.joinAt) && s.cons.Lag() == 0 {
			// Caught up: share the consumer of the streams on these
			// partitions from where this one stands. Its counts go to
			// the metrics first: once it is a member, the feed's goroutine
			// flushes its faults (flushing them here too was a data race,
			// a concurrent map iteration and write).
			next := s.cons.Next()
			s.metrics()
			f, m, err := s.tryJoin(ctx, next)
			if err == nil {
				return f, m, nil
			}
			if ctx.Err() != nil {
				s.metrics()
				return nil, nil, nil
			}
		}
		if len(recs) > 0 {
			alive.read(now)
			continue
		}
		// Idle: is the broker still there? (liveness.go)
		err = alive.check(ctx, s.cons, now)
		switch {
		case ctx.Err() != nil:
			s.metrics()
			return nil, nil, nil
		case err != nil:
			return nil, nil, s.stop(err)
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
