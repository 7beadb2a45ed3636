package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// jointBase is the timestamp of the first record of jointTopic.
const jointBase = 1_725_000_000_000

// jointTopic starts a kfake broker whose topic holds batches of 100
// records of about 1 KB (a driver, a speed, a lap), produced one batch at a
// time so that a range read takes several fetches. Records 5 and 250 are
// not JSON. It returns the source to read them with and how many records
// lie in jointRange.
func jointTopic(t *testing.T, topic string, batches int) (*Source, int) {
	t.Helper()
	return jointTopicAt(t, topic, batches, jointBase)
}

// jointBases are the first timestamps of the topics jointTopicAt made,
// jointAddrs their brokers.
var (
	jointBases = map[string]int64{}
	jointAddrs = map[string][]string{}
)

// jointTopicAt is jointTopic with records from base on.
func jointTopicAt(t *testing.T, topic string, batches int, base int64) (*Source, int) {
	t.Helper()
	jointBases[topic] = base
	pad := strings.Repeat("x", 950)
	drivers := []string{"VER", "HAM", "LEC", "NOR"}
	src, addrs := jointCluster(t, batches, []string{topic}, func(b int) []*kgo.Record {
		var recs []*kgo.Record
		for i := b * 100; i < (b+1)*100; i++ {
			v := fmt.Appendf(nil, `{"driver":%q,"speed_kph":%d,"lap":%d,"pad":%q}`, drivers[i%len(drivers)], 100+i%250, i/40, pad)
			if i == 5 || i == 250 {
				v = []byte(`{"driver":`)
			}
			recs = append(recs, &kgo.Record{Topic: topic, Timestamp: time.UnixMilli(base + int64(i*10)), Value: v})
		}
		return recs
	})
	jointAddrs[topic] = addrs
	// jointRange leaves out the first 3 and the last 2 records.
	return src, batches*100 - 5
}

// jointCluster starts a kfake broker with topics (one partition each),
// produces batch(0) to batch(batches-1) one at a time (so that a range
// read takes several fetches), and returns the source that reads it and
// the broker's addresses.
func jointCluster(t *testing.T, batches int, topics []string, batch func(int) []*kgo.Record) (*Source, []string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(1, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for b := range batches {
		if err := p.ProduceSync(ctx, batch(b)...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl, err := kafka.New(kafka.Config{Brokers: c.ListenAddrs(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &Source{Kafka: cl, Timeout: 5 * time.Second}, c.ListenAddrs()
}

// jointEnds are the ends of ranges that do not end as jointRange's do.
var jointEnds = map[string]time.Time{}

// jointRange is the time range the queries of these tests ask for: from
// the 4th record to the 3rd last (or to jointEnds[topic]).
func jointRange(topic string, batches int) (from, to time.Time) {
	base := jointBases[topic]
	if to, ok := jointEnds[topic]; ok {
		return time.UnixMilli(base + 30), to
	}
	return time.UnixMilli(base + 30), time.UnixMilli(base + int64((batches*100-3)*10))
}

// jointQueries are two queries of different types over the same records.
func jointQueries(t *testing.T, topic string) []*query.Query {
	return []*query.Query{
		mustQuery(t, `{"queryType":"raw","topic":"`+topic+`","offset":"timeRange"}`),
		mustQuery(t, `{"queryType":"telemetry","topic":"`+topic+`","fields":["speed_kph"],"drivers":["VER","LEC"],"offset":"timeRange"}`),
	}
}

// answer is what a query answers: its frames as tables, the read's notices
// and its faults.
func answer(t *testing.T, pipe Pipeline, env *Env, notices []string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range pipe.Frames(true) {
		table, err := f.StringTable(-1, -1)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(table)
	}
	for _, n := range env.Faults.Notices() {
		notices = append(notices, n.Text)
	}
	fmt.Fprintf(&b, "notices: %s", strings.Join(notices, "; "))
	return b.String()
}

func texts(ns []data.Notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return out
}

// jointRun is one query of a test: its pipeline, env and result.
type jointRun struct {
	q       *query.Query
	env     *Env
	pipe    Pipeline
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	notices []data.Notice
	err     error
}

func newJointRun(t *testing.T, q *query.Query, batches int) *jointRun {
	t.Helper()
	from, to := jointRange(q.Topic, batches)
	env := &Env{Mode: ModeQuery, From: from, To: to, MaxDataPoints: 1000, Faults: &Faults{}}
	pipe, err := New(q, env)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &jointRun{q: q, env: env, pipe: pipe, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// start runs ReadJoint in the background (through pipe when set).
func (r *jointRun) start(src *Source, pipe Pipeline) {
	if pipe == nil {
		pipe = r.pipe
	}
	go func() {
		defer close(r.done)
		r.notices, r.err = ReadJoint(r.ctx, src, r.q, r.env, pipe)
	}()
}

func (r *jointRun) result(t *testing.T) string {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the query did not return")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return answer(t, r.pipe, r.env, texts(r.notices))
}

// alone is what q answers read alone.
func alone(t *testing.T, src *Source, q *query.Query, batches int) string {
	t.Helper()
	r := newJointRun(t, q, batches)
	notices, err := Read(context.Background(), src, q, r.env, r.pipe)
	if err != nil {
		t.Fatal(err)
	}
	return answer(t, r.pipe, r.env, texts(notices))
}

// pausePipe is a real pipeline whose at-th Add waits for resume: the read
// that feeds it stops there, in the middle of the range.
type pausePipe struct {
	Pipeline
	at, n   int
	reached chan struct{}
	resume  chan struct{}
}

func pauseAt(p Pipeline, at int) *pausePipe {
	return &pausePipe{Pipeline: p, at: at, reached: make(chan struct{}), resume: make(chan struct{})}
}

func (p *pausePipe) Add(r *Rec) {
	if p.n++; p.n == p.at {
		close(p.reached)
		<-p.resume
	}
	p.Pipeline.Add(r)
}

// joinAt starts lead's read, pauses it at its at-th record and starts
// joiner then, returning once joiner waits on that read (resume the pause
// to let the read go on).
func joinAt(t *testing.T, src *Source, lead, joiner *jointRun, at int) *pausePipe {
	t.Helper()
	pause := pauseAt(lead.pipe, at)
	lead.start(src, pause)
	waitChan(t, fmt.Sprintf("the read to hand on %d records", at), pause.reached)
	joiner.start(src, nil)
	waitWaiting(t, src, lead, 2)
	return pause
}

func waitChan(t *testing.T, what string, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(30 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
	}
}

// waiting is how many queries wait on the open joint read of r's records.
func waiting(src *Source, r *jointRun) int {
	joints.Lock()
	defer joints.Unlock()
	if g := joints.open[jointKey(src, r.q, r.env)]; g != nil {
		return g.waiting
	}
	return 0
}

func waitWaiting(t *testing.T, src *Source, r *jointRun, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for waiting(src, r) != n {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %d queries on the joint read (%d)", n, waiting(src, r))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noJointCache turns the cache of finished joint reads off for t.
func noJointCache(t *testing.T) {
	old := JointCacheTTL
	JointCacheTTL = 0
	t.Cleanup(func() { JointCacheTTL = old })
}

func recordsRead(topic string) float64 {
	return testutil.ToFloat64(MetricRecordsRead(topic, "query"))
}

// A query that arrives while a read of the same records runs joins it: it
// is handed the records read so far (here 150, a bad one among them), then
// the rest, and answers exactly what it answers alone, notices included;
// the records are fetched and decoded once for both.
func TestJoinerMidReadAnswersWhatItAnswersAlone(t *testing.T) {
	const topic, batches = "joint-mid", 4
	src, inRange := jointTopic(t, topic, batches)
	qs := jointQueries(t, topic)
	want := []string{alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)}
	if !strings.Contains(want[1], "invalid_json") || !strings.Contains(want[1], "VER") {
		t.Fatalf("the lone answer lacks what the test compares: %.500s", want[1])
	}

	before := recordsRead(topic)
	lead, joiner := newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause := joinAt(t, src, lead, joiner, 150)
	close(pause.resume)
	for i, r := range []*jointRun{lead, joiner} {
		if got := r.result(t); got != want[i] {
			t.Errorf("query %d joint differs from alone:\n got %.600s\nwant %.600s", i, got, want[i])
		}
	}
	if got := recordsRead(topic) - before; got != float64(inRange) {
		t.Errorf("the joint read decoded %.0f records, want the %d in range once", got, inRange)
	}
}

// leave cancels run's request and checks that it returns for that reason.
func leave(t *testing.T, run *jointRun, who string) {
	t.Helper()
	run.cancel()
	waitChan(t, "the cancelled "+who+" to return", run.done)
	if !errors.Is(run.err, context.Canceled) {
		t.Fatalf("the cancelled %s: %v", who, run.err)
	}
}

// A joiner whose request ends leaves the read to the others; when the last
// one leaves, the read stops where it stands, and a later query reads anew.
func TestJointReadMembersLeaveAlone(t *testing.T) {
	const topic, batches = "joint-cancel", 30
	noJointCache(t) // the query after the stopped read must read
	src, inRange := jointTopic(t, topic, batches)
	qs := jointQueries(t, topic)
	wantRaw, wantTelemetry := alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)

	// The joiner leaves: the first query answers in full.
	lead, joiner := newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause := joinAt(t, src, lead, joiner, 150)
	leave(t, joiner, "joiner")
	close(pause.resume)
	if got := lead.result(t); got != wantRaw {
		t.Errorf("the query left alone differs from a lone read:\n got %.600s\nwant %.600s", got, wantRaw)
	}

	// The query that started the read leaves: the joiner answers in full.
	lead, joiner = newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause = joinAt(t, src, lead, joiner, 150)
	leave(t, lead, "first query")
	close(pause.resume)
	if got := joiner.result(t); got != wantTelemetry {
		t.Errorf("the joiner left alone differs from a lone read:\n got %.600s\nwant %.600s", got, wantTelemetry)
	}

	// Both leave: the read stops (within the fetch it holds) and lets its
	// key go; a query after it reads anew.
	before := recordsRead(topic)
	lead, joiner = newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause = joinAt(t, src, lead, joiner, 150)
	joints.Lock()
	g := joints.open[jointKey(src, lead.q, lead.env)]
	joints.Unlock()
	joiner.cancel()
	lead.cancel()
	waitChan(t, "the cancelled queries to return", lead.done)
	waitChan(t, "the cancelled queries to return", joiner.done)
	if waiting(src, lead) != 0 {
		t.Fatal("a read no one waits for still takes members")
	}
	close(pause.resume)
	waitChan(t, "the read no one waits for to stop", g.done)
	stopped := recordsRead(topic) - before
	if stopped >= float64(inRange) {
		t.Errorf("the read no one waited for went on: it decoded %.0f of %d records", stopped, inRange)
	}
	again := newJointRun(t, qs[0], batches)
	again.start(src, nil)
	if got := again.result(t); got != wantRaw {
		t.Errorf("a query after the stopped read differs from a lone read:\n got %.600s\nwant %.600s", got, wantRaw)
	}
	if got := recordsRead(topic) - before - stopped; got != float64(inRange) {
		t.Errorf("a query after the stopped read decoded %.0f records, want the %d in range", got, inRange)
	}
}

// A joint read keeps at most its bound of records for joiners: a query
// that joins before it is reached is handed them; once past it, the read
// keeps nothing more and a query that comes then reads alone. Both answer
// what they answer alone.
func TestJointReadKeepsNoMoreThanItsBound(t *testing.T) {
	const topic, batches = "joint-bound", 4
	src, inRange := jointTopic(t, topic, batches)
	defer func(old int64) { jointKeptMax = old }(jointKeptMax)
	jointKeptMax = 100 << 10 // about 100 records
	qs := jointQueries(t, topic)
	want := []string{alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)}

	before := recordsRead(topic)
	lead, early, late := newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches), newJointRun(t, qs[1], batches)
	pause := joinAt(t, src, lead, early, 40)
	pause2 := pauseAt(lead.pipe, 110) // record 150 of the read
	pause.Pipeline = pause2
	close(pause.resume)
	waitChan(t, "the read to hand on 150 records", pause2.reached)
	if n := waiting(src, lead); n != 0 {
		t.Fatalf("past its bound the read still takes members (%d wait)", n)
	}
	late.start(src, nil)
	if got := late.result(t); got != want[1] {
		t.Errorf("the query that came past the bound differs from alone:\n got %.600s\nwant %.600s", got, want[1])
	}
	close(pause2.resume)
	if got := lead.result(t); got != want[0] {
		t.Errorf("the first query differs from alone:\n got %.600s\nwant %.600s", got, want[0])
	}
	if got := early.result(t); got != want[1] {
		t.Errorf("the query that joined early differs from alone:\n got %.600s\nwant %.600s", got, want[1])
	}
	if got := recordsRead(topic) - before; got != float64(2*inRange) {
		t.Errorf("%.0f records decoded, want %d: one read for the first two queries, one for the late one", got, 2*inRange)
	}
}

// A joint read stops at the query's byte budget as a lone read does: a
// joiner gets the same cut result and the notice that says so.
func TestJointReadStopsAtTheQueryByteBudget(t *testing.T) {
	const topic, batches = "joint-budget", 4
	src, _ := jointTopic(t, topic, batches)
	src.QueryBytes = 200 << 10
	qs := jointQueries(t, topic)
	want := []string{alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)}
	if !strings.Contains(want[0], "the result was cut") {
		t.Fatalf("the lone read was not cut: %.300s", want[0])
	}

	lead, joiner := newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause := joinAt(t, src, lead, joiner, 100)
	close(pause.resume)
	for i, r := range []*jointRun{lead, joiner} {
		if got := r.result(t); got != want[i] {
			t.Errorf("query %d joint differs from alone:\n got %.600s\nwant %.600s", i, got, want[i])
		}
	}
}

// A read with one member keeps at most JointLoneKeptMax and, past it,
// nothing: a lone query holds no more than that, and its read is not kept
// for the cache. A query that joins such a read mid-way reads what it
// missed from Kafka itself and answers what it answers alone; the read
// keeps those records and every one after, so that the finished read
// answers the same query again.
func TestJoinerPastTheLoneBoundReadsWhatItMissed(t *testing.T) {
	const topic, batches = "joint-lone", 4
	src, inRange := jointTopic(t, topic, batches)
	defer func(old int64) { JointLoneKeptMax = old }(JointLoneKeptMax)
	JointLoneKeptMax = 20 << 10 // about 18 records
	qs := jointQueries(t, topic)
	want := []string{alone(t, src, qs[0], batches), alone(t, src, qs[1], batches)}

	before := recordsRead(topic)
	solo := newJointRun(t, qs[0], batches)
	solo.start(src, nil)
	if got := solo.result(t); got != want[0] {
		t.Errorf("the lone joint read differs from alone:\n got %.600s\nwant %.600s", got, want[0])
	}
	if isCached(src, solo) {
		t.Error("a lone read past its bound was kept for the cache")
	}

	lead, joiner := newJointRun(t, qs[0], batches), newJointRun(t, qs[1], batches)
	pause := pauseAt(lead.pipe, 150)
	lead.start(src, pause)
	waitChan(t, "the read to hand on 150 records", pause.reached)
	joints.Lock()
	g := joints.open[jointKey(src, lead.q, lead.env)]
	joints.Unlock()
	// The read's goroutine waits in the 150th Add (record 153: records 0-2
	// are before the range, record 5 does not decode): its fields hold still.
	if g.keeping || len(g.kept) != 0 || g.keptBytes != 0 {
		t.Errorf("the lone read past its bound keeps %d records (%d bytes)", len(g.kept), g.keptBytes)
	}
	if got := g.handed[tp{topic, 0}]; got != 154 {
		t.Errorf("the read notes it handed partition 0 on to offset %d, want 154", got)
	}
	joiner.start(src, nil)
	waitWaiting(t, src, lead, 2)
	close(pause.resume)
	for i, r := range []*jointRun{lead, joiner} {
		if got := r.result(t); got != want[i] {
			t.Errorf("query %d joint differs from alone:\n got %.600s\nwant %.600s", i, got, want[i])
		}
	}
	if !isCached(src, lead) {
		t.Fatal("the read a query joined did not keep its records: what the joiner read again and the rest")
	}
	again := newJointRun(t, qs[1], batches)
	again.start(src, nil)
	if got := again.result(t); got != want[1] {
		t.Errorf("the query answered from the kept read differs from alone:\n got %.600s\nwant %.600s", got, want[1])
	}
	if got := recordsRead(topic) - before; got != float64(2*inRange) {
		t.Errorf("%.0f records read, want %d: the lone read's and the joint read's (what the joiner read again is not counted again, "+
			"the last query is answered from the kept read)", got, 2*inRange)
	}
}
