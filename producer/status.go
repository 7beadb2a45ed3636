package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pitwall-f1/pitwall/internal/sim"
)

// progress reports a run's progress: on a terminal, a status line redrawn
// four times a second; otherwise a plain log line every five seconds.
type progress struct {
	snk    *sink
	w      io.Writer
	label  string
	tty    bool
	status atomic.Pointer[sim.Status]
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(snk *sink, w io.Writer, label string) *progress {
	p := &progress{snk: snk, w: w, label: label, tty: isTerminal(w), done: make(chan struct{})}
	every := 5 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	p.wg.Add(1)
	go p.loop(every)
	return p
}

// set publishes the latest race status (from the sending goroutine).
func (p *progress) set(st sim.Status) { p.status.Store(&st) }

func (p *progress) loop(every time.Duration) {
	defer p.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	lastN, lastT := int64(0), time.Now()
	for {
		select {
		case <-p.done:
			if p.tty {
				fmt.Fprint(p.w, "\r\033[K")
			}
			return
		case now := <-t.C:
			n := p.snk.sent.Load()
			rate := float64(n-lastN) / now.Sub(lastT).Seconds()
			lastN, lastT = n, now
			line := p.line(rate)
			if p.tty {
				fmt.Fprintf(p.w, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(p.w, line)
			}
		}
	}
}

func (p *progress) line(rate float64) string {
	lap := ""
	if st := p.status.Load(); st != nil {
		if st.TotalLaps > 0 {
			lap = fmt.Sprintf("lap %d/%d, leader %s, ", st.Lap, st.TotalLaps, st.Leader)
		}
	}
	return fmt.Sprintf("%s: %s%.0f records/s, %d sent, %d acked", p.label, lap, rate, p.snk.sent.Load(), p.snk.acked.Load())
}

// stop ends the reporting; it can be called more than once.
func (p *progress) stop() {
	p.once.Do(func() { close(p.done) })
	p.wg.Wait()
}
