package main

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/valyala/fastjson"
)

// Sender is the Grafana Live end of a stream: a backend.StreamPacketSender
// that counts packets (one per SendFrame), bytes of frame JSON and rows,
// and, when timing, the latency of every row: the time Send was called minus
// the row's time (the record's ts, which the producer sets to the time it
// produces the record; see e2e.go). Send only stamps the packet and queues
// it; a separate goroutine parses, so the stream is not slowed by the
// measurement.
type Sender struct {
	timeField string // the column holding each row's time
	timing    bool   // parse packets for rows and latencies
	queue     chan packet
	done      chan struct{}

	parsedRows // and, under its mu:
	packets    int
	bytes      int64
	first      time.Time
	last       time.Time
	timeIdx    int // index of timeField in the current schema; -1 unknown
}

type packet struct {
	at   time.Time
	data []byte
}

// NewSender returns a sender. With timing, packets are parsed for row
// counts and latencies (timeField names the time column); without, only
// packets and bytes are counted.
func NewSender(timing bool, timeField string) *Sender {
	s := &Sender{timeField: timeField, timing: timing, queue: make(chan packet, 1<<14), done: make(chan struct{}), timeIdx: -1}
	go s.parseLoop()
	return s
}

// Send is called by backend.StreamSender.SendFrame with the frame's JSON.
func (s *Sender) Send(p *backend.StreamPacket) error {
	now := time.Now()
	s.mu.Lock()
	s.packets++
	s.bytes += int64(len(p.Data))
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	s.mu.Unlock()
	if s.timing {
		s.queue <- packet{at: now, data: p.Data}
	}
	return nil
}

// Close stops the parser after the queued packets; call it after the
// stream has returned.
func (s *Sender) Close() {
	close(s.queue)
	<-s.done
}

// SenderStats is what a sender saw.
type SenderStats struct {
	Packets     int
	Bytes       int64
	Rows        int
	First, Last time.Time // first and last Send
	Latency     Latency
	ParseErrors int
	FirstError  error
}

// Rows is how many rows have been parsed so far.
func (s *Sender) Rows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows
}

// Stats summarises what was sent; call after Close.
func (s *Sender) Stats() SenderStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SenderStats{Packets: s.packets, Bytes: s.bytes, Rows: s.rows, First: s.first, Last: s.last,
		Latency: s.latency(), ParseErrors: s.errs.n, FirstError: s.errs.first}
}

func (s *Sender) parseLoop() {
	defer close(s.done)
	var p fastjson.Parser
	for pk := range s.queue {
		s.parse(&p, pk.data, func(v *fastjson.Value) error { return s.read(v, pk.at) })
	}
}

// read reads one packet (under mu): a schema (when present) says which
// column is the time; data.values holds the columns.
func (s *Sender) read(v *fastjson.Value, at time.Time) error {
	if fields := v.GetArray("schema", "fields"); fields != nil {
		s.timeIdx = -1
		for i, f := range fields {
			if string(f.GetStringBytes("name")) == s.timeField {
				s.timeIdx = i
			}
		}
	}
	cols := v.GetArray("data", "values")
	if cols == nil {
		return nil // a schema-only packet
	}
	if s.timeIdx < 0 || s.timeIdx >= len(cols) {
		return fmt.Errorf("packet has no %q column (a data packet before its schema?)", s.timeField)
	}
	if err := s.addTimes(cols[s.timeIdx], at); err != nil {
		return fmt.Errorf("column %q: %w", s.timeField, err)
	}
	return nil
}
