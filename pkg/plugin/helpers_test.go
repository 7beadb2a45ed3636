package plugin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/query"
)

var update = flag.Bool("update", false, "rewrite golden files")

const testOrg = 1

// broker is where a test's records live: franz-go's kfake in the fast
// suite, a real Apache Kafka cluster when the integration suite runs the
// same test (broker_integration_test.go sets realBroker).
type broker interface {
	ListenAddrs() []string
}

// realBroker, when set (integration build, inside
// TestIntegrationPluginOnRealKafka), gives the tests that need no kfake
// option fresh topics on a real Kafka cluster.
var realBroker func(t testing.TB, topics map[string]int32) broker

// testCluster gives a broker with the given topics (name -> partitions):
// kfake on 127.0.0.1, or real Kafka when the integration suite runs the
// test. Options are kfake's, so a test that passes one always gets kfake.
func testCluster(t testing.TB, topics map[string]int32, opts ...kfake.Opt) broker {
	t.Helper()
	if realBroker != nil && len(opts) == 0 {
		return realBroker(t, topics)
	}
	return fakeCluster(t, topics, opts...)
}

// fakeCluster starts an in-process kfake cluster, for the tests that need
// kfake itself (to close it, or one of its options).
func fakeCluster(t testing.TB, topics map[string]int32, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	all := []kfake.Opt{kfake.NumBrokers(1), kfake.Ports(0)}
	for name, n := range topics {
		all = append(all, kfake.SeedTopics(n, name))
	}
	c, err := kfake.NewCluster(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

type dsOpts struct {
	json   map[string]any
	secure map[string]string
	// grafana is the configuration Grafana sends the plugin
	// (backend.GrafanaConfigFromContext): the secure SOCKS proxy, [aws].
	grafana map[string]string
}

// newTestDS makes a datasource instance the way Grafana does.
func newTestDS(t testing.TB, c broker, o dsOpts) *Datasource {
	t.Helper()
	jd := map[string]any{"timeoutSeconds": 3}
	if c != nil {
		jd["bootstrapServers"] = strings.Join(c.ListenAddrs(), ",")
	}
	for k, v := range o.json {
		jd[k] = v
	}
	raw, _ := json.Marshal(jd)
	ctx := backend.WithPluginContext(context.Background(), backend.PluginContext{OrgID: testOrg})
	if o.grafana != nil {
		ctx = backend.WithGrafanaConfig(ctx, backend.NewGrafanaCfg(o.grafana))
	}
	inst, err := NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: "pitwall-test", Name: "Pitwall", JSONData: raw, DecryptedSecureJSONData: o.secure})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	d.aliveEvery = 200 * time.Millisecond
	t.Cleanup(d.Dispose)
	return d
}

func mustQuery(t testing.TB, js string) *query.Query {
	t.Helper()
	q, err := query.Parse([]byte(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return q
}

// rec is one record to produce.
type rec struct {
	partition int32
	key       string
	ts        int64 // ms
	value     []byte
}

func produce(t testing.TB, c broker, topic string, recs ...rec) {
	t.Helper()
	produceWith(t, c, nil, topic, recs...)
}

func produceWith(t testing.TB, c broker, opts []kgo.Opt, topic string, recs ...rec) {
	t.Helper()
	p, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	krs := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		krs[i] = &kgo.Record{Topic: topic, Partition: r.partition, Key: []byte(r.key), Timestamp: time.UnixMilli(r.ts), Value: r.value}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.ProduceSync(ctx, krs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// queryJSON runs one QueryData query over [from, to] ms.
func runQuery(t testing.TB, d *Datasource, q map[string]any, from, to int64, maxPoints int64, headers map[string]string) backend.DataResponse {
	t.Helper()
	raw, _ := json.Marshal(q)
	resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{OrgID: testOrg},
		Headers:       headers,
		Queries: []backend.DataQuery{{RefID: "A", JSON: raw, MaxDataPoints: maxPoints, Interval: time.Second,
			TimeRange: backend.TimeRange{From: time.UnixMilli(from), To: time.UnixMilli(to)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

// recorder is a StreamPacketSender that keeps every packet.
type recorder struct {
	mu      sync.Mutex
	packets []map[string]json.RawMessage
	raw     []string
	notify  chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1024)} }

func (r *recorder) Send(p *backend.StreamPacket) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(p.Data, &m); err != nil {
		return err
	}
	r.mu.Lock()
	r.packets = append(r.packets, m)
	r.raw = append(r.raw, string(p.Data))
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) snapshot() ([]map[string]json.RawMessage, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]json.RawMessage(nil), r.packets...), append([]string(nil), r.raw...)
}

// rows decodes the data.values of a packet into columns.
func rows(t testing.TB, p map[string]json.RawMessage) [][]any {
	t.Helper()
	var d struct {
		Values [][]any `json:"values"`
	}
	if err := json.Unmarshal(p["data"], &d); err != nil {
		t.Fatal(err)
	}
	return d.Values
}

// waitFor polls cond until it holds or the deadline passes (a test guard,
// not a timing assertion).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settleGoroutines waits until the goroutine count is back to at most base.
func settleGoroutines(t testing.TB, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d > %d at start\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startStream runs RunStream on path in the background. stop cancels it
// and returns RunStream's error; done closes when RunStream returns.
func startStream(t testing.TB, d *Datasource, path string, r *recorder) (stop func() error, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	var runErr error
	go func() {
		defer close(finished)
		runErr = d.RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}, backend.NewStreamSender(r))
	}()
	stop = func() error {
		cancel()
		select {
		case <-finished:
			return runErr
		case <-time.After(20 * time.Second):
			return fmt.Errorf("RunStream did not return after cancel")
		}
	}
	t.Cleanup(func() {
		// A stream that ended on its own (say Kafka refused its start)
		// fails the test's waits; say why.
		select {
		case <-finished:
			if runErr != nil {
				t.Logf("RunStream(%s) had ended by itself: %v", path, runErr)
			}
		default:
		}
		_ = stop()
	})
	return stop, finished
}

// seedSchema registers an Avro schema under subject with the given id.
func seedSchema(fake *srfake.Registry, subject string, id int, schema string) {
	fake.SeedSchema(subject, id, id, sr.Schema{Schema: schema, Type: sr.TypeAvro})
}

func basicAuth(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
