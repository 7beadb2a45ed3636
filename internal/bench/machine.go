package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatusKB reads one "Name: N kB" line of /proc/self/status (0 if absent).
func procStatusKB(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(k) != name {
			continue
		}
		f := strings.Fields(string(v))
		if len(f) == 0 {
			return 0
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		return n
	}
	return 0
}

// peakRSSMB is the process's peak resident set (VmHWM) since it started or
// since the last resetPeakRSS.
func peakRSSMB() float64 { return float64(procStatusKB("VmHWM")) / 1024 }

// resetPeakRSS starts a new VmHWM window (Linux 4.0+: writing 5 to
// clear_refs). It reports false when the kernel refuses; the peak then
// covers everything since the process started.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// rssMB is the current resident set (VmRSS).
func rssMB() float64 { return float64(procStatusKB("VmRSS")) / 1024 }

// loadAvg is the 1-minute load average.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// cpuModel is the CPU's model name from /proc/cpuinfo.
func cpuModel() string {
	fh, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// heapSampler records the peak Go heap (bytes of heap objects, live or not
// yet swept), sampled every few milliseconds. (The peak RSS is the
// kernel's VmHWM, which needs no sampling.)
type heapSampler struct {
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	peakHeap uint64
}

func startHeapSampler(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(h.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(sample)
			heap := sample[0].Value.Uint64()
			h.mu.Lock()
			h.peakHeap = max(h.peakHeap, heap)
			h.mu.Unlock()
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// take returns the peak since the last take and starts a new window.
func (h *heapSampler) take() (heapMB float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	heapMB = float64(h.peakHeap) / (1 << 20)
	h.peakHeap = 0
	return heapMB
}

func (h *heapSampler) close() {
	close(h.stop)
	<-h.done
}
