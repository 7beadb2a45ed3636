package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/valyala/fastjson"
)

// multiSender is the Grafana Live end of many streams at once (the streams
// phase): every stream's packets go to one queue, which one goroutine,
// locked to its own OS thread, parses for rows and latencies, so that the
// CPU it uses (it plays the browsers) can be told apart from the plugin's
// (parserCPU). A stream's latency column is its schema's first time field;
// a frame without one (a snapshot table) counts packets and rows only.
type multiSender struct {
	queue chan mpacket
	cpu   chan chan time.Duration
	done  chan struct{}

	mu      sync.Mutex
	packets int
	rows    int
	lat     []float64
	timeIdx map[int]int // stream -> index of its time column; -1 none
	errs    parseErrors
}

type mpacket struct {
	stream int
	at     time.Time
	data   []byte
}

func newMultiSender() *multiSender {
	m := &multiSender{queue: make(chan mpacket, 1<<14), cpu: make(chan chan time.Duration), done: make(chan struct{}),
		timeIdx: map[int]int{}}
	go m.parseLoop()
	return m
}

// streamSender is one stream's end of a multiSender.
type streamSender struct {
	m  *multiSender
	id int
}

func (m *multiSender) sender(id int) backend.StreamPacketSender { return streamSender{m, id} }

func (s streamSender) Send(p *backend.StreamPacket) error {
	s.m.queue <- mpacket{stream: s.id, at: time.Now(), data: p.Data}
	return nil
}

// parserCPU is the CPU time the parsing thread has used.
func (m *multiSender) parserCPU() time.Duration {
	reply := make(chan time.Duration)
	m.cpu <- reply
	return <-reply
}

// close stops the parser after the queued packets; call it once every
// stream has returned.
func (m *multiSender) close() {
	close(m.queue)
	<-m.done
}

func (m *multiSender) stats() SenderStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return SenderStats{Packets: m.packets, Rows: m.rows, Latency: summarize(append([]float64(nil), m.lat...)),
		ParseErrors: m.errs.n, FirstError: m.errs.first}
}

func (m *multiSender) parseLoop() {
	defer close(m.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var p fastjson.Parser
	for {
		select {
		case reply := <-m.cpu:
			reply <- threadCPU()
		case pk, ok := <-m.queue:
			if !ok {
				return
			}
			if err := m.parse(&p, pk); err != nil {
				m.mu.Lock()
				m.errs.add(err)
				m.mu.Unlock()
			}
		}
	}
}

func (m *multiSender) parse(p *fastjson.Parser, pk mpacket) error {
	v, err := p.ParseBytes(pk.data)
	if err != nil {
		return fmt.Errorf("packet is not JSON: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.packets++
	if fields := v.GetArray("schema", "fields"); fields != nil {
		m.timeIdx[pk.stream] = -1
		for i, f := range fields {
			if string(f.GetStringBytes("type")) == "time" {
				m.timeIdx[pk.stream] = i
				break
			}
		}
	}
	cols := v.GetArray("data", "values")
	if len(cols) == 0 {
		return nil // a schema-only packet
	}
	ti, ok := m.timeIdx[pk.stream]
	if !ok {
		return fmt.Errorf("stream %d: a data packet before its schema", pk.stream)
	}
	if ti < 0 || ti >= len(cols) {
		m.rows += len(cols[0].GetArray())
		return nil
	}
	times, err := cols[ti].Array()
	if err != nil {
		return fmt.Errorf("stream %d: the time column is not an array: %w", pk.stream, err)
	}
	at := float64(pk.at.UnixNano()) / 1e6
	for _, t := range times {
		if t.Type() == fastjson.TypeNull {
			continue
		}
		ms, err := t.Float64()
		if err != nil {
			return fmt.Errorf("stream %d: a time is not a number: %w", pk.stream, err)
		}
		m.lat = append(m.lat, at-ms)
	}
	m.rows += len(times)
	return nil
}
