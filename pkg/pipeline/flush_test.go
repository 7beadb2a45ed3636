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

// paceRecords drives an adaptive policy the way a stream's loop does, on a
// virtual clock: records arrive every `every` for a second; whenever a
// record arrives or the policy's due time comes, the stream sends if the
// policy says it is due. It returns the frames sent and the longest and
// the mean time a record waited for its frame.
func paceRecords(every time.Duration) (frames int, longest, mean time.Duration) {
	t0 := time.Unix(1_000_000, 0)
	p := newFlushPolicy(0, t0)
	var pending []time.Time
	var waited time.Duration
	records := 0
	send := func(now time.Time) {
		for _, at := range pending {
			longest = max(longest, now.Sub(at))
			waited += now.Sub(at)
		}
		records += len(pending)
		pending = pending[:0]
		p.sent(now, true)
		frames++
	}
	next := t0
	end := t0.Add(time.Second)
	for next.Before(end) || len(pending) > 0 {
		due := p.due(len(pending) > 0, time.Time{})
		if len(pending) > 0 && (!next.Before(end) || !due.After(next)) {
			send(due) // the due time comes before the next record
			continue
		}
		pending = append(pending, next)
		if d := p.due(true, time.Time{}); !d.After(next) {
			send(next)
		}
		next = next.Add(every)
	}
	return frames, longest, waited / time.Duration(records)
}

// An adaptive stream sends a quiet stream's records at once and a busy
// one's at most MaxFramesPerSecond times a second (a browser's redraw
// rate), no record waiting longer than one frame gap (issue 18: a busy
// stream's records wait half a gap on average, about 8 ms).
func TestFlushPolicyPacesRecords(t *testing.T) {
	if MaxFramesPerSecond != 60 {
		t.Fatalf("MaxFramesPerSecond %d: the adaptive bound is a browser's 60 Hz redraw", MaxFramesPerSecond)
	}
	// Quiet: a record every 50 ms (20 a second) goes out the moment it comes.
	frames, longest, _ := paceRecords(50 * time.Millisecond)
	if frames != 20 || longest != 0 {
		t.Fatalf("quiet stream: %d frames, a record waited %v; want 20 frames, no wait", frames, longest)
	}
	// Busy: a record every 2 ms (500 a second, a full grid at about 6x).
	frames, longest, mean := paceRecords(2 * time.Millisecond)
	if frames > MaxFramesPerSecond+1 || frames < MaxFramesPerSecond-1 {
		t.Fatalf("busy stream: %d frames in a second, want about %d (no more)", frames, MaxFramesPerSecond)
	}
	if longest > frameGap {
		t.Fatalf("busy stream: a record waited %v, longer than the frame gap %v", longest, frameGap)
	}
	if mean > frameGap*6/10 || mean < frameGap*4/10 {
		t.Fatalf("busy stream: records waited %v on average, want about half the gap (%v)", mean, frameGap/2)
	}
}
