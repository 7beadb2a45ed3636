package plugin

import (
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type lineLog struct{ lines []string }

func (l *lineLog) Level() kgo.LogLevel { return kgo.LogLevelWarn }
func (l *lineLog) Log(_ kgo.LogLevel, msg string, kv ...any) {
	l.lines = append(l.lines, fmt.Sprint(msg, kv))
}

func TestQuietLoggerHoldsBackRepeatsPerBrokerAndCountsThem(t *testing.T) {
	out := &lineLog{}
	q := newQuietLogger(out, 50*time.Millisecond)
	for i := 0; i < 100; i++ {
		q.Log(kgo.LogLevelWarn, "unable to open connection to broker", "addr", "k1:9092", "broker", "0", "err", "refused")
		q.Log(kgo.LogLevelWarn, "unable to open connection to broker", "addr", "k2:9092", "broker", "1", "err", "refused")
	}
	q.Log(kgo.LogLevelError, "something else", "err", "x")
	if len(out.lines) != 3 {
		t.Fatalf("first burst: %q", out.lines)
	}
	time.Sleep(60 * time.Millisecond)
	q.Log(kgo.LogLevelWarn, "unable to open connection to broker", "addr", "k1:9092", "broker", "0", "err", "refused")
	if len(out.lines) != 4 || out.lines[3] != "unable to open connection to broker[addr k1:9092 broker 0 err refused suppressedSinceLast 99]" {
		t.Fatalf("after the interval: %q", out.lines)
	}
}
