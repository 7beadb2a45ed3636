package plugin

import (
	"sync"
	"time"
)

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
