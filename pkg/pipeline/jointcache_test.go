package pipeline

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/query"
)

// cachedBytes is what the cache of finished joint reads holds.
func cachedBytes() (int64, int) {
	joints.Lock()
	defer joints.Unlock()
	return joints.cachedBytes, len(joints.cached)
}

// isCached says whether r's records are kept from a finished read.
func isCached(src *Source, r *jointRun) bool {
	joints.Lock()
	defer joints.Unlock()
	return joints.cached[jointKey(src, r.q, r.env)] != nil
}

// A query of a closed range just after a joint read of it ended is
// answered from the records that read kept: the same answer as alone,
// faults included, nothing read again; the queries that come with it join
// that rerun. Once the entry has expired, the same query reads Kafka.
func TestFinishedJointReadAnswersTheSameQueryAgain(t *testing.T) {
	const topic, batches = "joint-cache", 4
	src, inRange := jointTopic(t, topic, batches)
	qs := jointQueries(t, topic)
	want := []string{alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)}

	before := recordsRead(topic)
	first := newJointRun(t, qs[0], batches)
	first.start(src, nil)
	if got := first.result(t); got != want[0] {
		t.Fatalf("the first read differs from alone:\n got %.600s\nwant %.600s", got, want[0])
	}
	if !isCached(src, first) {
		t.Fatal("a read of a closed range was not kept")
	}
	lead, joiner := newJointRun(t, qs[1], batches), newJointRun(t, qs[0], batches)
	pause := joinAt(t, src, lead, joiner, 150)
	close(pause.resume)
	for i, r := range []*jointRun{lead, joiner} {
		if got := r.result(t); got != want[1-i] {
			t.Errorf("query %d answered from the kept read differs from alone:\n got %.600s\nwant %.600s", i, got, want[1-i])
		}
	}
	if got := recordsRead(topic) - before; got != float64(inRange) {
		t.Errorf("%.0f records read, want the %d in range once", got, inRange)
	}

	deadline := time.Now().Add(JointCacheTTL + 10*time.Second)
	for isCached(src, first) {
		if time.Now().After(deadline) {
			t.Fatal("the kept read did not expire")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, entries := cachedBytes(); n != 0 || entries != 0 {
		t.Errorf("the cache holds %d bytes in %d entries after the last expired", n, entries)
	}
	again := newJointRun(t, qs[0], batches)
	again.start(src, nil)
	if got := again.result(t); got != want[0] {
		t.Errorf("the query after expiry differs from alone")
	}
	if got := recordsRead(topic) - before; got != float64(2*inRange) {
		t.Errorf("%.0f records read, want the %d in range twice: the expired read is not served", got, inRange)
	}
}

// A kept read answers again only while Kafka holds exactly the records it
// read: once a record has come into the range (here a range ending after
// the last record, as one ending at now does during a race), the query
// reads Kafka and gets it; the query after that is answered from the new
// read.
func TestKeptReadIsNotServedOnceTheRangeHoldsMore(t *testing.T) {
	const topic, batches = "joint-more", 2
	src, _ := jointTopic(t, topic, batches)
	jointEnds[topic] = time.UnixMilli(jointBase + 60_000)
	defer delete(jointEnds, topic)
	inRange := batches*100 - 3
	q := jointQueries(t, topic)[0]
	before := recordsRead(topic)
	first := newJointRun(t, q, batches)
	first.start(src, nil)
	rows := rowsOf(t, first)
	if !isCached(src, first) {
		t.Fatal("the read was not kept")
	}

	p, err := kgo.NewClient(kgo.SeedBrokers(jointAddrs[topic]...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	late := &kgo.Record{Topic: topic, Timestamp: time.UnixMilli(jointBase + 30_000), Value: []byte(`{"driver":"VER","speed_kph":300}`)}
	if err := p.ProduceSync(context.Background(), late).FirstErr(); err != nil {
		t.Fatal(err)
	}
	second := newJointRun(t, q, batches)
	second.start(src, nil)
	if got := rowsOf(t, second); got != rows+1 {
		t.Errorf("after a record came into the range the query has %d rows, want %d", got, rows+1)
	}
	third := newJointRun(t, q, batches)
	third.start(src, nil)
	if got := rowsOf(t, third); got != rows+1 {
		t.Errorf("the query after has %d rows, want %d", got, rows+1)
	}
	if got := recordsRead(topic) - before; got != float64(2*inRange+1) {
		t.Errorf("%.0f records read, want %d then %d, and none for the third query", got, inRange, inRange+1)
	}
}

// rowsOf waits for r and returns the rows of its first frame.
func rowsOf(t *testing.T, r *jointRun) int {
	t.Helper()
	got := r.result(t)
	m := regexp.MustCompile(`Fields by (\d+) Rows`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no frame: %.300s", got)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// The cache holds at most jointCacheMax bytes: a new entry pushes the
// oldest out, and a read larger than the bound is not kept.
func TestJointCacheKeepsNoMoreThanItsBound(t *testing.T) {
	const a, b, batches = "joint-cache-a", "joint-cache-b", 4
	srcA, inRange := jointTopic(t, a, batches)
	srcB, _ := jointTopic(t, b, batches)
	defer func(old int64) { jointCacheMax = old }(jointCacheMax)
	jointCacheMax = 600 << 10 // one read of 4 batches (about 400 KB), not two
	uncacheAll()              // entries other tests left
	qa, qb := jointQueries(t, a)[0], jointQueries(t, b)[0]
	read := func(src *Source, q *query.Query) *jointRun {
		r := newJointRun(t, q, batches)
		r.start(src, nil)
		r.result(t)
		if n, _ := cachedBytes(); n > jointCacheMax {
			t.Fatalf("the cache holds %d bytes, above its %d", n, jointCacheMax)
		}
		return r
	}
	beforeA, beforeB := recordsRead(a), recordsRead(b)
	ra := read(srcA, qa)
	if !isCached(srcA, ra) {
		t.Fatal("the first read was not kept")
	}
	rb := read(srcB, qb)
	if isCached(srcA, ra) || !isCached(srcB, rb) {
		t.Fatal("the newer read did not push the older out")
	}
	read(srcB, qb) // from the cache
	read(srcA, qa) // from Kafka again
	if ga, gb := recordsRead(a)-beforeA, recordsRead(b)-beforeB; ga != float64(2*inRange) || gb != float64(inRange) {
		t.Errorf("records read: %.0f of a (want %d), %.0f of b (want %d)", ga, 2*inRange, gb, inRange)
	}

	jointCacheMax = 100 << 10
	uncacheAll()
	r := read(srcA, qa)
	if isCached(srcA, r) {
		t.Error("a read larger than the cache was kept")
	}
}

func uncacheAll() {
	joints.Lock()
	defer joints.Unlock()
	for _, c := range joints.cached {
		uncache(c)
	}
}
