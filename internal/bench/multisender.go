package main

import (
	"fmt"
	"runtime"
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

	parsedRows // and, under its mu:
	packets    int
	timeIdx    map[int]int // stream -> index of its time column; -1 none
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
	return SenderStats{Packets: m.packets, Rows: m.rows, Latency: m.latency(), ParseErrors: m.errs.n, FirstError: m.errs.first}
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
			m.parse(&p, pk.data, func(v *fastjson.Value) error { return m.read(v, pk) })
		}
	}
}

// read reads one packet of a stream (under mu): a schema (when present)
// says which column is the time; data.values holds the columns.
func (m *multiSender) read(v *fastjson.Value, pk mpacket) error {
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
	if err := m.addTimes(cols[ti], pk.at); err != nil {
		return fmt.Errorf("stream %d: %w", pk.stream, err)
	}
	return nil
}
