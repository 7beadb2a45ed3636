package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func mrec(topic string, p int32, off int64, ms int64, size int) *kgo.Record {
	return &kgo.Record{Topic: topic, Partition: p, Offset: off, Timestamp: time.UnixMilli(ms), Value: make([]byte, size)}
}

func names(rs []*kgo.Record) string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s%d@%d", r.Topic, r.Partition, r.Timestamp.UnixMilli()))
	}
	return strings.Join(out, " ")
}

// Records of several partitions arrive a fetch at a time; the merge hands
// them on in timestamp order, each as soon as no open partition can still
// bring an older one, ties by the topics' order, then partition.
func TestMergeHandsOnInTimeOrderAsSoonAsItCan(t *testing.T) {
	var out []*kgo.Record
	m := newMerger([]string{"pos", "rc"}, []tp{{"pos", 0}, {"pos", 1}, {"rc", 0}}, func(r *kgo.Record) { out = append(out, r) })
	m.add(mrec("pos", 0, 0, 10, 1))
	m.add(mrec("pos", 0, 1, 30, 1))
	m.add(mrec("rc", 0, 0, 10, 1))
	if len(out) != 0 {
		t.Fatalf("handed on before pos 1 brought anything: %s", names(out))
	}
	m.add(mrec("pos", 1, 0, 20, 1)) // watermark: min(30, 20, 10) = 10
	if got := names(out); got != "pos0@10 rc0@10" {
		t.Fatalf("after the watermark reached 10: %s", got)
	}
	m.done("rc", 0) // watermark: min(30, 20) = 20
	if got := names(out); got != "pos0@10 rc0@10 pos1@20" {
		t.Fatalf("after rc closed: %s", got)
	}
	m.add(mrec("pos", 1, 1, 40, 1))
	m.done("pos", 0)
	m.done("pos", 1)
	m.flush()
	if got := names(out); got != "pos0@10 rc0@10 pos1@20 pos0@30 pos1@40" || m.early != 0 || m.held != 0 {
		t.Fatalf("in the end: %s (early %d, held %d)", got, m.early, m.held)
	}
}

// When more than maxMergeHeld bytes wait (one partition far behind), the
// oldest are handed on early and counted, so memory stays bounded.
func TestMergeHandsOnEarlyPastItsBound(t *testing.T) {
	n := 0
	m := newMerger([]string{"a"}, []tp{{"a", 0}, {"a", 1}}, func(*kgo.Record) { n++ })
	m.add(mrec("a", 1, 0, 1, 1)) // partition 1 is behind at ts 1 and brings no more
	for i := int64(0); i < 100; i++ {
		m.add(mrec("a", 0, i, 100+i, 1<<20))
	}
	if m.held > maxMergeHeld+1<<20 || m.early == 0 || n == 0 {
		t.Fatalf("held %d bytes (bound %d), %d early, %d handed on", m.held, maxMergeHeld, m.early, n)
	}
}

// Equal timestamps come out by topic rank, then partition, then offset,
// whatever order they arrive in; a partition the merge was not started with
// never holds the others back.
func TestMergeOrdersTiesAndIgnoresUnknownPartitions(t *testing.T) {
	var out []*kgo.Record
	m := newMerger([]string{"pos", "rc"}, []tp{{"pos", 0}, {"pos", 1}, {"rc", 0}}, func(r *kgo.Record) { out = append(out, r) })
	m.add(mrec("rc", 0, 5, 10, 1))
	m.add(mrec("pos", 1, 7, 10, 1))
	m.add(mrec("pos", 1, 6, 10, 1))
	m.add(mrec("rc", 3, 0, 5, 1)) // not started with: counts for nothing in the watermark
	m.add(mrec("pos", 0, 9, 10, 1))
	got := make([]string, 0, len(out))
	for _, r := range out {
		got = append(got, fmt.Sprintf("%s%d/%d@%d", r.Topic, r.Partition, r.Offset, r.Timestamp.UnixMilli()))
	}
	if want := "rc3/0@5 pos0/9@10 pos1/6@10 pos1/7@10 rc0/5@10"; strings.Join(got, " ") != want {
		t.Fatalf("handed on %q, want %q", strings.Join(got, " "), want)
	}
}
