package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/valyala/fastjson"
)

// parsedRows is what a sender's parser (Sender, multiSender) found in the
// frame JSON of its packets: the rows, each timed row's latency, and the
// packets it could not read. mu guards it and what its sender keeps with
// it.
type parsedRows struct {
	mu   sync.Mutex
	rows int
	lat  []float64 // ms
	errs parseErrors
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

// parse parses one packet's frame JSON with p and hands it to read, under
// mu; a packet that is not JSON, or that read refuses, is a parse error.
func (r *parsedRows) parse(p *fastjson.Parser, data []byte, read func(v *fastjson.Value) error) {
	v, err := p.ParseBytes(data)
	if err != nil {
		err = fmt.Errorf("packet is not JSON: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		err = read(v)
	}
	if err != nil {
		r.errs.add(err)
	}
}

// addTimes counts the rows of a packet's time column and notes each one's
// latency: at, when the packet was sent, minus the row's time (epoch ms). A
// null is a row without a time. Call it under mu.
func (r *parsedRows) addTimes(col *fastjson.Value, at time.Time) error {
	times, err := col.Array()
	if err != nil {
		return fmt.Errorf("the time column is not an array: %w", err)
	}
	sent := float64(at.UnixNano()) / 1e6
	for _, t := range times {
		if t.Type() == fastjson.TypeNull {
			continue
		}
		ms, err := t.Float64()
		if err != nil {
			return fmt.Errorf("a time is not a number: %w", err)
		}
		r.lat = append(r.lat, sent-ms)
	}
	r.rows += len(times)
	return nil
}

// latency summarises the latencies so far (under mu).
func (r *parsedRows) latency() Latency { return summarize(append([]float64(nil), r.lat...)) }
