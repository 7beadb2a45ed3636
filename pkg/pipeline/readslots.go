package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// QueryData runs a request's queries in parallel, and Grafana sends
// requests in parallel: without a bound, many panels (or one script) could
// run any number of reads at once, each with its fetch buffers and its
// decoders. A process-wide pool of read slots bounds them; a read waits for
// a slot at most readSlotWait, then fails saying why.

// DefaultConcurrentReads is how many range reads the plugin process runs
// at once (all datasources together).
var DefaultConcurrentReads = max(4, 2*runtime.GOMAXPROCS(0))

// DefaultReadSlotWait is how long a read waits for a slot.
const DefaultReadSlotWait = 20 * time.Second

var (
	readSlots    = make(chan struct{}, DefaultConcurrentReads)
	readSlotWait = DefaultReadSlotWait
)

// SetReadSlots sets the number of read slots and the wait for one, for
// tests; call it with no read running. restore puts the previous back.
func SetReadSlots(n int, wait time.Duration) (restore func()) {
	old, oldWait := readSlots, readSlotWait
	readSlots, readSlotWait = make(chan struct{}, n), wait
	return func() { readSlots, readSlotWait = old, oldWait }
}

// acquireRead takes a read slot, waiting while all are taken; release gives
// it back.
func acquireRead(ctx context.Context) (release func(), err error) {
	slots := readSlots
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	default:
	}
	MetricReadsWaiting.Inc()
	defer MetricReadsWaiting.Dec()
	t := time.NewTimer(readSlotWait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a read slot: %w", ctx.Err())
	case <-t.C:
		return nil, fmt.Errorf("the plugin is busy: %d reads are running, its limit, and this one waited %s for a slot; try again, or narrow the dashboard's queries",
			cap(slots), readSlotWait)
	}
}
