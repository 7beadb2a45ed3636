package plugin

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// failingSender fails the given Send calls (1-based) without passing the
// packet on, like a Live connection that breaks mid-stream.
type failingSender struct {
	next  backend.StreamPacketSender
	calls atomic.Int64
	fail  map[int64]bool
}

func (f *failingSender) Send(p *backend.StreamPacket) error {
	if f.fail[f.calls.Add(1)] {
		return errors.New("stream closed by Grafana")
	}
	return f.next.Send(p)
}

// A frame that cannot be sent is not lost: RunStream fails, and the run
// Grafana starts next resumes from the offsets of what was last sent, not of
// what was last polled.
func TestSendFailureResumesFromWhatWasSent(t *testing.T) {
	c := testCluster(t, map[string]int32{"sf": 2})
	d := newTestDS(t, c, dsOpts{})
	chk := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	fs := &failingSender{next: chk, fail: map[int64]bool{3: true, 4: true}}
	path := pathFor(t, `{"topic":"sf","offset":"earliest","columns":["partition","offset"],"flushMs":10}`)
	g := runLikeGrafana(t, d, path, fs, 50*time.Millisecond)
	for batch := 0; batch < 6; batch++ {
		sends := fs.calls.Load()
		produce(t, c, "sf", seqRecords(2, batch*10, 10)...)
		// Separate frames: the next batch once this one was sent (or
		// failed to be); a fixed sleep let a loaded machine merge them.
		waitFor(t, fmt.Sprintf("a send of batch %d", batch), func() bool { return fs.calls.Load() > sends })
	}
	waitFor(t, "every record", func() bool { return chk.total() >= 120 })
	time.Sleep(200 * time.Millisecond)
	starts, errs := g.state()
	if starts < 2 || len(errs) == 0 {
		t.Fatalf("the failed send must fail the run: %d starts, %v", starts, errs)
	}
	chk.verify(t, map[int64]int64{0: 60, 1: 60}, map[int64]int64{0: 0, 1: 0})
}
