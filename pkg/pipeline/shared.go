package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// runShared is the stream's side of a membership of feed f: it sends the
// frames the feed makes for m, until ctx ends (nil), the feed fails (the
// error, after saving where to resume), or the feed detaches m because its
// sends could not keep up (again is true: the stream goes on reading on
// its own from where m stands, and may join again later).
func (s *liveStream) runShared(ctx context.Context, f *feed, m *member) (err error, again bool) {
	s.sentList = f.list
	if s.sentIdx == nil {
		// What was sent so far, by the feed's partitions.
		s.sentIdx = make([]int64, len(f.list))
		for i, tp := range f.list {
			s.sentIdx[i] = s.sent[tp.topic][tp.part]
		}
	}
	for {
		select {
		case <-ctx.Done():
			m.left.Store(true)
			f.wake()
			return nil, false
		case b := <-m.out:
			if err := s.sendBatch(f, m, b); err != nil {
				m.left.Store(true)
				f.wake()
				return s.stop(err), false
			}
		case <-m.detached:
			// The feed let go of m: its pipeline, faults and policy are the
			// stream's again.
			if err := s.drain(f, m); err != nil {
				return s.stop(err), false
			}
			s.policy = m.policy
			s.next = offsetsOf(f.list, m.next)
			s.sent, s.sentIdx = s.sentOffsets(), nil
			if !s.fellBehind {
				s.fellBehind = true
				s.notices.add(data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf("this stream's viewers could not keep up"+
					" with the shared consumer of %s: it reads Kafka on its own until it catches up (pitwall_stream_detached_total counts this)", f.key.topics)})
			}
			s.joinAt = time.Now().Add(s.joinWait)
			s.joinWait = min(2*s.joinWait, joinBackoffMax)
			s.o.Log.Info("stream fell behind its shared consumer", "path", s.o.Path)
			return nil, true
		case <-m.failed:
			if err := s.drain(f, m); err != nil {
				return s.stop(err), false
			}
			return s.stop(m.err), false
		}
	}
}

// drain sends the batches m still holds.
func (s *liveStream) drain(f *feed, m *member) error {
	for {
		select {
		case b := <-m.out:
			if err := s.sendBatch(f, m, b); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// sendBatch sends one batch of m's frames.
func (s *liveStream) sendBatch(f *feed, m *member, b batch) error {
	if err := s.sendFrames(b.frames); err != nil {
		return err
	}
	copy(s.sentIdx, b.next)
	s.lagGauge().Set(float64(b.lag))
	if m.blocked.Swap(false) {
		f.wake() // it held rows back for this send
	}
	return nil
}
