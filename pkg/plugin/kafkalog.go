package plugin

import (
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// quietLogger passes franz-go's log lines on, but each message about one
// broker at most once per every, with how many were held back since: while
// a broker is down, franz-go warns on every reconnect attempt of every
// client (the instance's and each stream's), which would flood Grafana's
// log with thousands of identical lines an hour. One per datasource
// instance, shared by its clients.
type quietLogger struct {
	next  kgo.Logger
	every time.Duration

	mu   sync.Mutex
	seen map[string]*quietEntry
}

type quietEntry struct {
	last time.Time
	held int
}

func newQuietLogger(next kgo.Logger, every time.Duration) *quietLogger {
	return &quietLogger{next: next, every: every, seen: map[string]*quietEntry{}}
}

func (q *quietLogger) Level() kgo.LogLevel { return q.next.Level() }

func (q *quietLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	key := fmt.Sprint(level, "|", msg)
	for i := 0; i+1 < len(keyvals); i += 2 {
		if k, _ := keyvals[i].(string); k == "addr" || k == "broker" || k == "topic" {
			key += fmt.Sprint("|", keyvals[i+1])
		}
	}
	now := time.Now()
	q.mu.Lock()
	e := q.seen[key]
	if e != nil && now.Sub(e.last) < q.every {
		e.held++
		q.mu.Unlock()
		return
	}
	held := 0
	if e != nil {
		held = e.held
	}
	if len(q.seen) >= 1024 { // keys are few; never let odd ones pile up
		clear(q.seen)
	}
	q.seen[key] = &quietEntry{last: now}
	q.mu.Unlock()
	if held > 0 {
		keyvals = append(keyvals, "suppressedSinceLast", held)
	}
	q.next.Log(level, msg, keyvals...)
}
