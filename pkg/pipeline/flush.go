package pipeline

import "time"

// MaxFramesPerSecond bounds how often an adaptive stream sends a frame. It
// is the rate a browser draws at (requestAnimationFrame follows the
// display, 60 Hz on most): a panel sent more frames than that draws no
// more, and each frame costs an encoding here, a push through Grafana Live
// and a redraw in every browser that watches. The bound sets how long a
// record of a busy stream waits for its frame: up to 1/60 s, 8 ms on
// average (at 30 frames a second it was 17 ms, more than half of issue
// 18's 15 ms median).
const MaxFramesPerSecond = 60

// frameGap is the least time between two frames of an adaptive stream.
const frameGap = time.Second / MaxFramesPerSecond

// flushPolicy says when a stream sends what it has batched.
//
// Adaptive (no flushMs, the default): rows go out as soon as they arrive,
// unless the stream sent a frame less than frameGap ago; then they wait for
// the end of that gap, and whatever arrives meanwhile joins them. A quiet
// stream (a few records a second, or bursts fewer than MaxFramesPerSecond a
// second) so sends each burst at once; a busy one sends MaxFramesPerSecond
// frames a second, each holding what arrived since the last. A frame holds
// at most MaxStreamRows rows: past that (a backlog) frames go back to back.
//
// Fixed (flushMs): a frame every flushMs, the cadence streams had before
// adaptive flushing; for those who want it.
type flushPolicy struct {
	fixed time.Duration // flushMs; 0: adaptive
	last  time.Time     // when the last frame was sent
	tick  time.Time     // fixed: the next send
}

func newFlushPolicy(fixed time.Duration, now time.Time) flushPolicy {
	return flushPolicy{fixed: fixed, tick: now.Add(fixed)}
}

// due is when the stream should next send, given whether rows are pending
// and when rows the pipeline holds back fall due (zero: none held); the zero
// time when it need not send (adaptive, nothing pending or held). A time
// not after now means now.
func (p *flushPolicy) due(pending bool, held time.Time) time.Time {
	if p.fixed > 0 {
		return p.tick
	}
	gap := p.last.Add(frameGap)
	switch {
	case pending:
		return gap
	case held.IsZero():
		return time.Time{}
	case held.Before(gap):
		return gap
	}
	return held
}

// holder is a Pipeline that may hold rows back at a flush (a live F1 series
// holds a point briefly so that pushes stay in time order); Due is when its
// Frames should be called again for them (zero: nothing held).
type holder interface {
	Due() time.Time
}

// sent records a send at now: framed says whether a frame went out (an
// adaptive stream's gap runs from the last frame, not from an empty flush).
func (p *flushPolicy) sent(now time.Time, framed bool) {
	if p.fixed > 0 {
		p.tick = now.Add(p.fixed)
	}
	if framed {
		p.last = now
	}
}

// earliest returns the earlier of two deadlines, a zero time meaning none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero(), a.Before(b):
		return a
	}
	return b
}
