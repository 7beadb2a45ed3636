package codec

import (
	"context"
	"time"
)

// A Registry that stops answering must not hold every stream up: see the
// downErr field. These are its up/down bookkeeping and background probe.

// probeWait is how long a look-up waits for the probe it started.
const probeWait = 250 * time.Millisecond

// health marks the registry down when err means it did not answer, and up
// when it answered (even with an error such as 404).
func (r *Registry) health(err error, doing string) {
	st := statusOf(err)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && (st == 0 || st >= 500) && !tooLarge(err) {
		if r.downErr == nil {
			r.probeAt = r.now().Add(r.RetryAfter)
		}
		r.downErr = r.explain(err, doing)
		return
	}
	r.downErr = nil
}

// probe fetches schema id in the background, at most once per RetryAfter,
// while the registry is down. Its answer (or failure) is cached, and an
// answer marks the registry up. It returns a channel closed when the probe
// it started is done, or nil when none was due.
func (r *Registry) probe(id int) <-chan struct{} {
	r.mu.Lock()
	if r.probing || r.now().Before(r.probeAt) {
		r.mu.Unlock()
		return nil
	}
	r.probing, r.probeAt = true, r.now().Add(r.RetryAfter)
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.fetchWriter(context.Background(), id)
		r.mu.Lock()
		r.probing = false
		r.mu.Unlock()
	}()
	return done
}
