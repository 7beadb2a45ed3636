package main

import (
	"fmt"
	"sync"
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

	mu      sync.Mutex
	packets int
	bytes   int64
	first   time.Time
	last    time.Time
	rows    int
	lat     []float64 // ms
	timeIdx int       // index of timeField in the current schema; -1 unknown
	errs    parseErrors
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

// parseErrors counts the packets a sender could not parse and keeps the
// first error.
type parseErrors struct {
	n     int
	first error
}

func (e *parseErrors) add(err error) {
	e.n++
	if e.first == nil {
		e.first = err
	}
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
		Latency: summarize(append([]float64(nil), s.lat...)), ParseErrors: s.errs.n, FirstError: s.errs.first}
}

func (s *Sender) parseLoop() {
	defer close(s.done)
	var p fastjson.Parser
	for pk := range s.queue {
		if err := s.parse(&p, pk); err != nil {
			s.mu.Lock()
			s.errs.add(err)
			s.mu.Unlock()
		}
	}
}

// parse reads one packet: a schema (when present) says which column is the
// time; data.values holds the columns.
func (s *Sender) parse(p *fastjson.Parser, pk packet) error {
	v, err := p.ParseBytes(pk.data)
	if err != nil {
		return fmt.Errorf("packet is not JSON: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	times, err := cols[s.timeIdx].Array()
	if err != nil {
		return fmt.Errorf("column %q is not an array: %w", s.timeField, err)
	}
	at := float64(pk.at.UnixNano()) / 1e6
	for _, t := range times {
		ms, err := t.Float64()
		if err != nil {
			return fmt.Errorf("a %q value is not a number: %w", s.timeField, err)
		}
		s.lat = append(s.lat, at-ms)
	}
	s.rows += len(times)
	return nil
}
