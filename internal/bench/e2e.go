package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/plugin"
)

// Live latency. The producer stamps every record (Kafka timestamp and the
// payload's ts alike) with the wall-clock time it schedules the record for,
// and sends it then: `producer race` maps race time to wall time
// (start + race time / speed) and sleeps until that time before producing,
// in steps of 5 ms, so a record leaves at most 5 ms before its ts and, while
// the producer keeps up, not after it. The telemetry stream's rows carry that
// ts as their time, so latency = Send time - row time covers the producer's
// batching (none by default since issue 18: `producer --linger` is 0), the
// broker, the consumer's fetch, decoding, the wait for the stream's flush
// (adaptive: at most 1/60 s), frame building and the frame's JSON encoding
// (SendFrame calls Send with the JSON). The producer and the broker
// run in child processes on the same host (one clock).

// liveStream is one stream run during a pace.
type liveStream struct {
	name  string
	query string
}

// StreamResult is what one live stream delivered during a pace.
type StreamResult struct {
	Name       string
	Stats      SenderStats
	RowsPerSec float64 // rows delivered per second (telemetry: one row per record)
	FramesPS   float64
	BytesPS    float64
}

// PaceResult is one pace of the live phase.
type PaceResult struct {
	Speed    int
	Produced int64 // telemetry records produced during the pace
	Window   time.Duration
	Streams  []StreamResult
	Phase    PhaseStats
}

// Telemetry is the result of the default telemetry stream (the first).
func (p PaceResult) Telemetry() StreamResult { return p.Streams[0] }

// Stream returns the result of the stream called name.
func (p PaceResult) Stream(name string) (StreamResult, bool) {
	for _, s := range p.Streams {
		if s.Name == name {
			return s, true
		}
	}
	return StreamResult{}, false
}

// Stream names of the live phase.
// The default streams (no flushMs) flush adaptively; the fixed100 ones
// keep the fixed 100 ms cadence every stream had before (flushMs 100), the
// baseline measured in the same run.
const (
	StreamTelemetry         = "telemetry"          // default: adaptive flush
	StreamTelemetryFixed100 = "telemetry fixed100" // flushMs 100: the old default
	StreamTelemetry20       = "telemetry flush20"  // flushMs 20
	StreamWheelSpin         = "wheelSpin"          // default: adaptive flush
	StreamWheelSpinFixed100 = "wheelSpin fixed100" // flushMs 100
)

func liveStreams(wheelSpin bool) []liveStream {
	base := fmt.Sprintf(`"topic":%q,"format":"json","offset":"latest","stream":true`, f1.TopicTelemetry)
	out := []liveStream{
		{StreamTelemetry, `{"queryType":"telemetry",` + base + `}`},
		{StreamTelemetryFixed100, `{"queryType":"telemetry",` + base + `,"flushMs":100}`},
		{StreamTelemetry20, `{"queryType":"telemetry",` + base + `,"flushMs":20}`},
	}
	if wheelSpin {
		out = append(out, liveStream{StreamWheelSpin, `{"queryType":"wheelSpin",` + base + `}`},
			liveStream{StreamWheelSpinFixed100, `{"queryType":"wheelSpin",` + base + `,"flushMs":100}`})
	}
	return out
}

// runPace streams while `producer race` runs at speed for dur.
func runPace(ctx context.Context, env *runEnv, speed int, dur time.Duration) (PaceResult, error) {
	res := PaceResult{Speed: speed}
	ph := env.startPhase()
	before, err := topicRecords(env.ds, f1.TopicTelemetry)
	if err != nil {
		return res, err
	}
	var streams []*stream
	defer func() {
		for _, s := range streams {
			_ = s.stop()
		}
	}()
	for _, ls := range liveStreams(env.wheelSpin) {
		s, err := runStream(env.ds, ls.query, NewSender(true, "time"))
		if err != nil {
			return res, err
		}
		streams = append(streams, s)
	}
	// The streams start at the topic's end: the race starts once each has
	// looked it up, which a stream on the shared consumer has (a fixed
	// second could be too short on a loaded machine: records missed, and
	// counted as lost).
	if err := awaitSharedMembers(env.ds, len(streams)); err != nil {
		return res, err
	}
	race, err := startChild(env.producer, env.broker.raceArgs("json", fmt.Sprint(speed), "", 4)...)
	if err != nil {
		return res, err
	}
	start := time.Now()
	if err := raceWithStreams(ctx, race, streams, dur); err != nil {
		return res, err
	}
	res.Window = time.Since(start)
	after, err := topicRecords(env.ds, f1.TopicTelemetry)
	if err != nil {
		return res, err
	}
	res.Produced = after - before
	// Let the streams deliver the last records: wait until the telemetry
	// stream has sent a row for every record produced (at most 10 s), then
	// one more flush interval for the others.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if int64(streams[0].sender.Rows()) >= res.Produced {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	ls := liveStreams(env.wheelSpin)
	for i, s := range streams {
		err := s.stop()
		if err != nil {
			return res, fmt.Errorf("stream %s: %w", ls[i].name, err)
		}
		st := s.sender.Stats()
		if st.ParseErrors > 0 {
			return res, fmt.Errorf("stream %s: %d packets could not be read: %w", ls[i].name, st.ParseErrors, st.FirstError)
		}
		r := StreamResult{Name: ls[i].name, Stats: st}
		if span := st.Last.Sub(st.First).Seconds(); span > 0 {
			r.RowsPerSec, r.FramesPS, r.BytesPS = float64(st.Rows)/span, float64(st.Packets)/span, float64(st.Bytes)/span
		}
		res.Streams = append(res.Streams, r)
	}
	res.Phase = ph.end()
	return res, nil
}

// awaitSharedMembers waits (30 s at most) until n streams are members of
// the datasource's shared consumers: streams that start at the end join
// one as soon as they have their start offsets.
func awaitSharedMembers(ds *plugin.Datasource, n int) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, m := ds.SharedConsumers()
		if m >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d live streams on the shared consumer after 30 s", m, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wheelSpinAvailable reports whether the plugin has the wheelSpin type yet.
func wheelSpinAvailable() bool { return queryTypeAvailable("wheelSpin") == nil }
