package pipeline

import (
	"testing"
	"time"
)

func TestFlushPolicyAdaptive(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	p := newFlushPolicy(0, t0)
	if d := p.due(false, time.Time{}); !d.IsZero() {
		t.Fatalf("nothing pending: due %v", d)
	}
	// A quiet stream: rows go out at once.
	if d := p.due(true, time.Time{}); d.After(t0) {
		t.Fatalf("first rows due at %v, want now", d)
	}
	p.sent(t0, true)
	// Rows right after a frame wait for the gap, no longer.
	if d := p.due(true, time.Time{}); !d.Equal(t0.Add(frameGap)) {
		t.Fatalf("due %v, want the gap's end %v", d, t0.Add(frameGap))
	}
	// An empty flush (nothing to draw) does not restart the gap.
	p.sent(t0.Add(10*time.Millisecond), false)
	if d := p.due(true, time.Time{}); !d.Equal(t0.Add(frameGap)) {
		t.Fatalf("after an empty flush due %v", d)
	}
	// Held rows (a pipeline's hold) are due when they say, not before the gap.
	if d := p.due(false, t0.Add(5*time.Millisecond)); !d.Equal(t0.Add(frameGap)) {
		t.Fatalf("held before the gap: due %v", d)
	}
	if d := p.due(false, t0.Add(50*time.Millisecond)); !d.Equal(t0.Add(50 * time.Millisecond)) {
		t.Fatalf("held after the gap: due %v", d)
	}
	// Past the gap, new rows go out at once again.
	if d := p.due(true, time.Time{}); d.After(t0.Add(time.Second)) {
		t.Fatalf("due %v", d)
	}
	if MaxFramesPerSecond*frameGap > time.Second {
		t.Fatalf("gap %v allows more than %d frames a second", frameGap, MaxFramesPerSecond)
	}
}

func TestFlushPolicyFixed(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	p := newFlushPolicy(100*time.Millisecond, t0)
	for _, pending := range []bool{false, true} {
		if d := p.due(pending, t0.Add(time.Millisecond)); !d.Equal(t0.Add(100 * time.Millisecond)) {
			t.Fatalf("pending %v: due %v, want the tick", pending, d)
		}
	}
	p.sent(t0.Add(100*time.Millisecond), false)
	if d := p.due(true, time.Time{}); !d.Equal(t0.Add(200 * time.Millisecond)) {
		t.Fatalf("next tick %v", d)
	}
}
