package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// liveness is how an idle live reader (a stream on its own consumer, or a
// shared consumer) checks that its broker is still there. franz-go retries
// forever on its own; a reader must fail, after lossAfter of failed
// checks, so that Grafana restarts the stream and the user sees why.
type liveness struct {
	every, lossAfter, timeout time.Duration
	lastCheck, failingSince   time.Time
}

func newLiveness(every, lossAfter, srcTimeout time.Duration, now time.Time) liveness {
	return liveness{every: every, lossAfter: lossAfter, timeout: min(srcTimeout, 2*time.Second), lastCheck: now}
}

// due is when the next check falls.
func (l *liveness) due() time.Time { return l.lastCheck.Add(l.every) }

// read notes records read at now: the broker is there.
func (l *liveness) read(now time.Time) { l.failingSince, l.lastCheck = time.Time{}, now }

// check asks cons whether the broker answers, if a check is due at now. It
// returns an error once the broker has not answered for lossAfter; nil
// otherwise, and when ctx ended (the caller looks at ctx).
func (l *liveness) check(ctx context.Context, cons *kafka.Consumer, now time.Time) error {
	if now.Sub(l.lastCheck) < l.every {
		return nil
	}
	l.lastCheck = now
	actx, cancel := context.WithTimeout(ctx, l.timeout)
	err := cons.Alive(actx)
	cancel()
	switch {
	case ctx.Err() != nil:
	case err == nil:
		l.failingSince = time.Time{}
	case l.failingSince.IsZero():
		l.failingSince = now
	case now.Sub(l.failingSince) >= l.lossAfter:
		return fmt.Errorf("kafka lost for %s: %w", now.Sub(l.failingSince).Round(time.Second), err)
	}
	return nil
}
