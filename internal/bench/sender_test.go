package main

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// liveFrame is a frame in the telemetry stream's layout: labels, time, value.
func liveFrame(times ...time.Time) *data.Frame {
	labels := make([]string, len(times))
	vals := make([]float64, len(times))
	for i := range times {
		labels[i], vals[i] = "driver=VER", float64(i)
	}
	return data.NewFrame("telemetry", data.NewField("labels", nil, labels), data.NewField("time", nil, times),
		data.NewField("speed_kph", nil, vals))
}

func TestSenderTimesEveryRowOfTheSDKsFrameJSON(t *testing.T) {
	s := NewSender(true, "time")
	ss := backend.NewStreamSender(s)
	now := time.Now()
	// Schema and data first, then data alone (the schema-only-once rule of
	// the plugin's frame sender).
	if err := ss.SendFrame(liveFrame(now.Add(-2*time.Second), now.Add(-time.Second)), data.IncludeAll); err != nil {
		t.Fatal(err)
	}
	if err := ss.SendFrame(liveFrame(now.Add(-3*time.Second), now.Add(-2*time.Second), now.Add(-time.Second)), data.IncludeDataOnly); err != nil {
		t.Fatal(err)
	}
	s.Close()
	st := s.Stats()
	if st.ParseErrors != 0 {
		t.Fatalf("parse errors: %v", st.FirstError)
	}
	if st.Packets != 2 || st.Rows != 5 || st.Latency.N != 5 || st.Bytes == 0 {
		t.Fatalf("got %d packets, %d rows, %d latencies, %d bytes; want 2, 5, 5, >0", st.Packets, st.Rows, st.Latency.N, st.Bytes)
	}
	// The rows were stamped 1 to 3 s before Send: their latencies say so
	// (to the millisecond the frame JSON keeps).
	if st.Latency.Min < 999 || st.Latency.Max < 2999 || st.Latency.Max > 60_000 {
		t.Fatalf("latencies %+v do not match rows stamped 1-3 s before sending", st.Latency)
	}
	if st.Latency.P50 < 1999 || st.Latency.P50 > 60_000 {
		t.Fatalf("p50 %v, want about 2000 ms", st.Latency.P50)
	}
}

func TestSenderCountsADataPacketWithoutSchemaAsAnError(t *testing.T) {
	s := NewSender(true, "time")
	ss := backend.NewStreamSender(s)
	if err := ss.SendFrame(liveFrame(time.Now()), data.IncludeDataOnly); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st := s.Stats(); st.ParseErrors != 1 || st.FirstError == nil || st.Rows != 0 {
		t.Fatalf("got %+v, want one parse error and no rows", st)
	}
}

func TestSenderWithoutTimingOnlyCounts(t *testing.T) {
	s := NewSender(false, "time")
	ss := backend.NewStreamSender(s)
	for i := 0; i < 3; i++ {
		if err := ss.SendFrame(liveFrame(time.Now()), data.IncludeAll); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if st := s.Stats(); st.Packets != 3 || st.Rows != 0 || st.Bytes == 0 || st.First.IsZero() || st.Last.Before(st.First) {
		t.Fatalf("got %+v, want 3 packets counted and nothing parsed", st)
	}
}

func TestMultiSenderTimesTheRowsOfEachStream(t *testing.T) {
	m := newMultiSender()
	a, b := backend.NewStreamSender(m.sender(1)), backend.NewStreamSender(m.sender(2))
	now := time.Now()
	if err := a.SendFrame(liveFrame(now.Add(-time.Second), now.Add(-time.Second)), data.IncludeAll); err != nil {
		t.Fatal(err)
	}
	if err := b.SendFrame(liveFrame(now.Add(-2*time.Second)), data.IncludeAll); err != nil {
		t.Fatal(err)
	}
	if err := a.SendFrame(liveFrame(now.Add(-time.Second)), data.IncludeDataOnly); err != nil {
		t.Fatal(err)
	}
	// A stream whose first packet has no schema cannot be timed: an error.
	if err := backend.NewStreamSender(m.sender(3)).SendFrame(liveFrame(now), data.IncludeDataOnly); err != nil {
		t.Fatal(err)
	}
	m.close()
	st := m.stats()
	if st.Packets != 4 || st.Rows != 4 || st.Latency.N != 4 || st.ParseErrors != 1 || st.FirstError == nil {
		t.Fatalf("got %+v, want 4 packets, 4 timed rows and one parse error", st)
	}
	if st.Latency.Min < 999 || st.Latency.Max < 1999 || st.Latency.Max > 60_000 {
		t.Fatalf("latencies %+v do not match rows stamped 1-2 s before sending", st.Latency)
	}
}
