package plugin

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// produceBacklog writes n small JSON records round-robin over the topic's
// partitions as fast as franz-go batches them (lz4, 1 MB batches, like the
// producer), with timestamps that grow with the record number. It returns
// how many went to each partition.
func produceBacklog(t testing.TB, c broker, topic string, partitions int32, n int) map[int64]int64 {
	t.Helper()
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.Lz4Compression()), kgo.ProducerBatchMaxBytes(1<<20),
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(200_000))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var failed atomic.Pointer[error]
	per := map[int64]int64{}
	base := time.Now().Add(-time.Hour).UnixMilli()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		part := int32(i) % partitions
		per[int64(part)]++
		v := strconv.AppendInt([]byte(`{"n":`), int64(i), 10)
		v = append(v, '}')
		p.Produce(ctx, &kgo.Record{Topic: topic, Partition: part, Timestamp: time.UnixMilli(base + int64(i)), Value: v}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if e := failed.Load(); e != nil {
		t.Fatal(*e)
	}
	return per
}

// heapSampler samples the Go heap in use until stopped and keeps the peak.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var ms runtime.MemStats
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-tk.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// Backpressure: a backlog of 10⁶ records and a sender that sleeps on every
// frame. The stream must not read the topic faster than it can send: the Go
// heap stays bounded (the peak is reported) and every record still arrives,
// once, in offset order per partition.
func TestBackpressureMillionRecordBacklogSlowSender(t *testing.T) {
	const n = 1_000_000
	const partitions = 4
	c := testCluster(t, map[string]int32{"backlog": partitions})
	start := time.Now()
	want := produceBacklog(t, c, "backlog", partitions, n)
	t.Logf("produced %d records in %s", n, time.Since(start).Round(time.Millisecond))
	d := newTestDS(t, c, dsOpts{})

	base := heapInuse() // the broker's copy of the backlog is in this process too
	chk := newSeqChecker(pipeline.ColPartition, pipeline.ColOffset, true)
	chk.delay = 25 * time.Millisecond
	hs := sampleHeap(20 * time.Millisecond)
	start = time.Now()
	startStreamWith(t, d, pathFor(t, `{"topic":"backlog","offset":"earliest","columns":["partition","offset"]}`), chk)
	deadline := time.Now().Add(5 * time.Minute)
	for chk.total() < n {
		if time.Now().After(deadline) {
			t.Fatalf("gave up: %d of %d records after %s", chk.total(), n, time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
	peak := hs.finish()
	el := time.Since(start)
	first := map[int64]int64{}
	for p := range want {
		first[p] = 0
	}
	chk.verify(t, want, first)
	chk.mu.Lock()
	packets, maxRows := chk.packets, chk.maxRows
	chk.mu.Unlock()
	t.Logf("delivered %d records in %d packets (max %d rows) in %s; heap in use: %.1f MB before the stream (broker data included), peak %.1f MB (+%.1f MB)",
		n, packets, maxRows, el.Round(time.Millisecond), mb(base), mb(peak), mb(peak)-mb(base))
	if maxRows > pipeline.MaxStreamRows {
		t.Errorf("a frame of %d rows > %d", maxRows, pipeline.MaxStreamRows)
	}
	const bound = 300 << 20
	if peak > bound {
		t.Errorf("peak heap in use %.1f MB > %.0f MB: the stream buffers instead of pushing back", mb(peak), mb(bound))
	}
	if grow := int64(peak) - int64(base); grow > 100<<20 {
		t.Errorf("the stream grew the heap by %.1f MB > 100 MB", float64(grow)/(1<<20))
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
