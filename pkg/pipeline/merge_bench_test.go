package pipeline

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// mergeFetches is the order in which a leaderboard's read hands the merge
// its records (issue 11's F1 dashboard during a race): kafka.ReadRanges
// brings every open partition a fetch further at a time, a fetch of the
// sparse topics (positions, race control) reaches far ahead in time while a
// fetch of telemetry covers seconds, so the merge holds the skew, tens of
// thousands of records, while it waits for the slowest partition.
func mergeFetches() (topics []string, parts []tp, fetches [][]*kgo.Record) {
	topics = []string{"pos", "rc", "tel"}
	for p := int32(0); p < 6; p++ {
		parts = append(parts, tp{"tel", p})
	}
	parts = append(parts, tp{"pos", 0}, tp{"pos", 1}, tp{"rc", 0})
	const telPerFetch, rounds = 2000, 40 // 480,000 telemetry records in all
	next := map[tp]int64{}
	rec := func(k tp, ms int64) *kgo.Record {
		r := &kgo.Record{Topic: k.topic, Partition: k.partition, Offset: next[k], Timestamp: time.UnixMilli(ms), Value: make([]byte, 200)}
		next[k]++
		return r
	}
	for round := int64(0); round < rounds; round++ {
		var f []*kgo.Record
		for p := int32(0); p < 6; p++ {
			// Each telemetry partition advances at its own rate (its share of
			// the drivers), so the slowest holds the watermark back.
			step := int64(10 + 3*p)
			base := round * telPerFetch * 10
			for i := int64(0); i < telPerFetch; i++ {
				f = append(f, rec(tp{"tel", p}, base+i*step))
			}
		}
		if round < 4 { // the sparse topics are read to their end in the first fetches
			for i := int64(0); i < 500; i++ {
				ms := (round*500 + i) * 400
				f = append(f, rec(tp{"pos", int32(i % 2)}, ms))
				if i%20 == 0 {
					f = append(f, rec(tp{"rc", 0}, ms))
				}
			}
		}
		fetches = append(fetches, f)
	}
	return topics, parts, fetches
}

// BenchmarkMerge: the merge of a multi-topic read, per record handed on.
func BenchmarkMerge(b *testing.B) {
	topics, parts, fetches := mergeFetches()
	n := 0
	for _, f := range fetches {
		n += len(f)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		out := 0
		m := newMerger(topics, parts, func(*kgo.Record) { out++ })
		for i, f := range fetches {
			for _, r := range f {
				m.add(r)
			}
			if i == 3 {
				m.done("pos", 0)
				m.done("pos", 1)
				m.done("rc", 0)
			}
		}
		for _, p := range parts[:6] {
			m.done(p.topic, p.partition)
		}
		m.flush()
		if out != n {
			b.Fatalf("handed on %d of %d records", out, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
