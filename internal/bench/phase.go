package main

import (
	"runtime/debug"
	"time"
)

// PhaseStats is the machine's state around one measurement.
type PhaseStats struct {
	LoadStart, LoadEnd float64 // 1-minute load average
	StartRSSMB         float64 // RSS at the start, after returning freed memory to the OS
	PeakRSSMB          float64 // this process's peak RSS during the phase
	PeakHeapMB         float64 // peak Go heap (objects) during the phase
	CPU                time.Duration
	Wall               time.Duration
}

type phase struct {
	env   *runEnv
	rss   float64
	load  float64
	cpu   time.Duration
	start time.Time
}

// startPhase frees what earlier phases left and opens new peak windows.
func (e *runEnv) startPhase() *phase {
	debug.FreeOSMemory()
	e.rssReset = resetPeakRSS() && e.rssReset
	e.heap.take()
	return &phase{env: e, rss: rssMB(), load: loadAvg(), cpu: cpuTime(), start: time.Now()}
}

func (p *phase) end() PhaseStats {
	return PhaseStats{LoadStart: p.load, LoadEnd: loadAvg(), StartRSSMB: p.rss, PeakRSSMB: peakRSSMB(), PeakHeapMB: p.env.heap.take(),
		CPU: cpuTime() - p.cpu, Wall: time.Since(p.start)}
}
