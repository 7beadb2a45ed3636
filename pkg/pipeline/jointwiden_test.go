package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// familyCluster is one broker holding the F1 topics a dashboard's first
// queries read: f1-telemetry as jointTopic makes it (records 5 and 250 not
// JSON), and a few records of positions, race control and alerts spread
// over the same time (the alerts' second record not JSON). It returns the
// source and how many telemetry records lie in jointRange.
func familyCluster(t *testing.T, batches int) (*Source, int) {
	t.Helper()
	const base = jointBase
	for _, topic := range []string{"", f1.TopicTelemetry, f1.TopicAlerts, f1.TopicPositions, f1.TopicRaceControl} {
		jointBases[topic] = base
	}
	pad := strings.Repeat("x", 950)
	drivers := []string{"VER", "HAM", "LEC", "NOR"}
	src, _ := jointCluster(t, batches, jointFamily, func(b int) []*kgo.Record {
		var recs []*kgo.Record
		for i := b * 100; i < (b+1)*100; i++ {
			ms := base + int64(i*10)
			v := fmt.Appendf(nil, `{"ts":%d,"race_id":"r1","driver":%q,"speed_kph":%d,"lap":%d,"pad":%q}`, ms, drivers[i%len(drivers)], 100+i%250, i/40, pad)
			if i == 5 || i == 250 {
				v = []byte(`{"driver":`)
			}
			recs = append(recs, &kgo.Record{Topic: f1.TopicTelemetry, Timestamp: time.UnixMilli(ms), Value: v})
			if i%40 == 7 {
				for k, d := range drivers {
					recs = append(recs, &kgo.Record{Topic: f1.TopicPositions, Timestamp: time.UnixMilli(ms), Value: fmt.Appendf(nil,
						`{"ts":%d,"race_id":"r1","driver":%q,"position":%d,"lap":%d,"gap_to_leader_s":%d}`, ms, d, k+1, i/40, k)})
				}
			}
			if i%60 == 11 {
				v := fmt.Appendf(nil, `{"ts":%d,"race_id":"r1","driver":%q,"severity":"high","kind":"overspeed","value":%d,"message":"fast"}`,
					ms, drivers[i%len(drivers)], 300+i)
				if i == 71 {
					v = []byte(`not json`)
				}
				recs = append(recs, &kgo.Record{Topic: f1.TopicAlerts, Timestamp: time.UnixMilli(ms), Value: v})
			}
			if i%150 == 20 {
				recs = append(recs, &kgo.Record{Topic: f1.TopicRaceControl, Timestamp: time.UnixMilli(ms), Value: fmt.Appendf(nil,
					`{"ts":%d,"race_id":"r1","category":"Flag","flag":"GREEN","message":"green at %d"}`, ms, i)})
			}
		}
		return recs
	})
	return src, batches*100 - 5
}

// The F1 dashboard's first screen: the leaderboard (positions, telemetry,
// race control), the alerts (f1-alerts, telemetry) and a telemetry panel
// (telemetry) arrive together. The leaderboard's read reads the F1 family,
// the other two join it and are handed their own topics' records only:
// each answers exactly what it answers alone, notices included (the
// telemetry's two bad records reach all three, the alerts' one only the
// alerts), and f1-telemetry is fetched and decoded once. The
// joiners come at the 150th record: handed the records kept so far, or,
// when the read keeps none (past JointLoneKeptMax), reading what they
// missed of their own topics from Kafka.
func TestQueriesOfFewerTopicsJoinAWiderRead(t *testing.T) {
	for _, keep := range []int64{JointLoneKeptMax, 16 << 10} {
		t.Run(fmt.Sprintf("kept-%d", keep), func(t *testing.T) {
			noJointCache(t)
			old := JointLoneKeptMax
			JointLoneKeptMax = keep
			t.Cleanup(func() { JointLoneKeptMax = old })
			const batches = 4
			src, inRange := familyCluster(t, batches)
			qs := []string{
				`{"queryType":"leaderboard","offset":"timeRange"}`,
				`{"queryType":"telemetry","topic":"` + f1.TopicTelemetry + `","fields":["speed_kph"],"offset":"timeRange"}`,
				`{"queryType":"alerts","offset":"timeRange","view":"logs"}`,
			}
			var want []string
			for _, js := range qs {
				want = append(want, alone(t, src, mustQuery(t, js), batches))
			}
			for _, c := range []struct {
				i    int
				has  string
				want bool
			}{
				{0, "VER", true}, {0, "2 record(s) skipped or cut (invalid_json)", true},
				{1, "2 record(s) skipped or cut (invalid_json)", true},
				{2, "overspeed", true}, {2, "3 record(s) skipped or cut (invalid_json)", true},
			} {
				if strings.Contains(want[c.i], c.has) != c.want {
					t.Fatalf("the lone answer of query %d has %q: %v, want %v; its notices: %s", c.i, c.has, !c.want, c.want,
						want[c.i][strings.LastIndex(want[c.i], "notices:"):])
				}
			}

			before := recordsRead(f1.TopicTelemetry)
			lead, tel, alerts := newJointRun(t, mustQuery(t, qs[0]), batches), newJointRun(t, mustQuery(t, qs[1]), batches),
				newJointRun(t, mustQuery(t, qs[2]), batches)
			if got := jointKey(src, lead.q, lead.env); !strings.HasSuffix(got, strings.Join(jointFamily, ",")) {
				t.Fatalf("the leaderboard's read is %q, not of the F1 family", got)
			}
			pause := joinAt(t, src, lead, tel, 150)
			alerts.start(src, nil)
			waitWaiting(t, src, lead, 3)
			close(pause.resume)
			for i, r := range []*jointRun{lead, tel, alerts} {
				if got := r.result(t); got != want[i] {
					t.Errorf("query %d joint differs from alone:\n got %.900s\nwant %.900s", i, got, want[i])
				}
			}
			if got := recordsRead(f1.TopicTelemetry) - before; got != float64(inRange) {
				t.Errorf("the reads decoded %.0f telemetry records, want the %d in range once", got, inRange)
			}
		})
	}
}

// Off (JointWiden false), each set of topics reads on its own: the same
// three queries read f1-telemetry three times.
func TestWiderReadsOff(t *testing.T) {
	noJointCache(t)
	JointWiden = false
	t.Cleanup(func() { JointWiden = true })
	const batches = 2
	src, inRange := familyCluster(t, batches)
	before := recordsRead(f1.TopicTelemetry)
	var runs []*jointRun
	for _, js := range []string{
		`{"queryType":"leaderboard","offset":"timeRange"}`,
		`{"queryType":"telemetry","topic":"` + f1.TopicTelemetry + `","fields":["speed_kph"],"offset":"timeRange"}`,
		`{"queryType":"alerts","offset":"timeRange","view":"logs"}`,
	} {
		r := newJointRun(t, mustQuery(t, js), batches)
		r.start(src, nil)
		runs = append(runs, r)
	}
	for _, r := range runs {
		r.result(t)
	}
	if got := recordsRead(f1.TopicTelemetry) - before; got != float64(3*inRange) {
		t.Errorf("decoded %.0f telemetry records, want %d (three reads of %d)", got, 3*inRange, inRange)
	}
}

// Only a query of F1 topics that include f1-telemetry, over every
// partition, widens its read; the family's order keeps each F1 type's own.
func TestWiden(t *testing.T) {
	for _, c := range []struct {
		js   string
		wide bool
	}{
		{`{"queryType":"leaderboard","offset":"timeRange"}`, true},
		{`{"queryType":"alerts","offset":"timeRange"}`, true},
		{`{"queryType":"leaderboard","offset":"timeRange","partition":0}`, false},
		{`{"queryType":"wheelSpin","offset":"timeRange"}`, false},
		{`{"queryType":"raceControl","offset":"timeRange"}`, false},
		{`{"queryType":"predictions","offset":"timeRange"}`, false},
		{`{"queryType":"alerts","topic":"replay-alerts","offset":"timeRange"}`, false},
	} {
		q := mustQuery(t, c.js)
		own := topics(q)
		got := widen(q, own)
		if wide := strings.Join(got, ",") == strings.Join(jointFamily, ","); wide != c.wide {
			t.Errorf("%s: reads %v, want wider: %v", c.js, got, c.wide)
		}
		if !readsAllOf(got, own) {
			t.Errorf("%s: a read of %v does not keep the order of %v", c.js, got, own)
		}
	}
	tel, rc, pos, al := f1.TopicTelemetry, f1.TopicRaceControl, f1.TopicPositions, f1.TopicAlerts
	for _, c := range []struct {
		read, own []string
		shares    bool
	}{
		{jointFamily, []string{tel}, true},
		{jointFamily, []string{al, tel}, true},
		{jointFamily, []string{pos, tel, rc}, true},
		{jointFamily, []string{tel, pos}, false}, // not in the family's order
		{jointFamily, []string{rc}, false},       // sparse alone: reads its own
		{[]string{rc}, []string{rc}, true},
		{[]string{tel}, []string{pos, tel, rc}, false},
		{[]string{tel, al}, []string{al, tel}, false},
	} {
		if got := sharesWith(c.read, c.own); got != c.shares {
			t.Errorf("a query of %v shares a read of %v: %v, want %v", c.own, c.read, got, c.shares)
		}
	}
}

// A read of the F1 family that just ended answers the queries of fewer
// topics that come after it from what it kept (the browser sends them in
// a later wave): each the same answer as alone, f1-telemetry not read
// again.
func TestAWiderKeptReadAnswersQueriesOfFewerTopics(t *testing.T) {
	const batches = 2
	src, inRange := familyCluster(t, batches)
	qs := []string{
		`{"queryType":"alerts","offset":"timeRange","view":"logs"}`,
		`{"queryType":"wheelSpin","offset":"timeRange"}`,
		`{"queryType":"leaderboard","offset":"timeRange"}`,
	}
	var want []string
	for _, js := range qs {
		want = append(want, alone(t, src, mustQuery(t, js), batches))
	}
	before := recordsRead(f1.TopicTelemetry)
	for i, js := range qs {
		r := newJointRun(t, mustQuery(t, js), batches)
		r.start(src, nil)
		if got := r.result(t); got != want[i] {
			t.Errorf("query %d differs from alone:\n got %.900s\nwant %.900s", i, got, want[i])
		}
		if i == 0 && !isCached(src, r) {
			t.Fatal("the alerts' read of the F1 family was not kept")
		}
	}
	if got := recordsRead(f1.TopicTelemetry) - before; got != float64(inRange) {
		t.Errorf("%.0f telemetry records read, want the %d in range once", got, inRange)
	}
}
