package plugin

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// captureLogger records every log line (message and key/values).
type captureLogger struct {
	mu   *sync.Mutex
	buf  *strings.Builder
	with []any
}

func newCaptureLogger() captureLogger {
	return captureLogger{mu: &sync.Mutex{}, buf: &strings.Builder{}}
}

func (c captureLogger) log(level, msg string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.buf, "%s %s %v %v\n", level, msg, c.with, args)
}
func (c captureLogger) Debug(msg string, args ...any) { c.log("debug", msg, args...) }
func (c captureLogger) Info(msg string, args ...any)  { c.log("info", msg, args...) }
func (c captureLogger) Warn(msg string, args ...any)  { c.log("warn", msg, args...) }
func (c captureLogger) Error(msg string, args ...any) { c.log("error", msg, args...) }
func (c captureLogger) With(args ...any) log.Logger {
	return captureLogger{mu: c.mu, buf: c.buf, with: append(append([]any{}, c.with...), args...)}
}
func (c captureLogger) Level() log.Level                       { return log.Debug }
func (c captureLogger) FromContext(context.Context) log.Logger { return c }
func (c captureLogger) String() string                         { c.mu.Lock(); defer c.mu.Unlock(); return c.buf.String() }

// TestSecretsNeverLeak runs every handler with a distinctive password, both
// wrong (every failure path) and right (every success path), and greps all
// that comes out: logs, errors, frames, stream packets, health, resources.
func TestSecretsNeverLeak(t *testing.T) {
	const secret = "Pw-7Kq2-ZEBRA-never-shown"
	logs := newCaptureLogger()
	saved := log.DefaultLogger
	log.DefaultLogger = logs
	t.Cleanup(func() { log.DefaultLogger = saved })

	c := testCluster(t, map[string]int32{"t": 1}, kfake.EnableSASL(), kfake.Superuser("PLAIN", "alice", secret))
	fake := srfake.New(srfake.WithAuth("Basic " + basicAuth("reg", "other")))
	t.Cleanup(fake.Close)
	var out []string
	add := func(v any) {
		b, _ := json.Marshal(v)
		out = append(out, string(b), fmt.Sprintf("%v %+v %#v", v, v, v))
	}
	jd := map[string]any{"saslMechanism": "PLAIN", "saslUsername": "alice", "schemaRegistryUrl": fake.URL(), "schemaRegistryUsername": "reg", "timeoutSeconds": 2}

	// Right Kafka password (so records flow), wrong registry password.
	good := newTestDS(t, c, dsOpts{json: jd, secure: map[string]string{"saslPassword": secret, "schemaRegistryPassword": secret, "tlsClientKey": secret}})
	add(good.settings)
	add(good.kafka.Config())
	produceWith(t, c, []kgo.Opt{kgo.SASL(plain.Auth{User: "alice", Pass: secret}.AsMechanism())}, "t", rec{0, "k", 100, []byte(`{"n":1,"note":"hello"}`)}, rec{0, "k", 101, []byte{0, 0, 0, 0, 5, 1}}) // 2nd: Avro, registry refuses
	res := health(t, good)
	add(res)
	dr := runQuery(t, good, map[string]any{"topic": "t", "stream": true}, 0, 1000, 0, nil)
	add(dr)
	if dr.Error != nil || dr.Frames[0].Rows() != 1 {
		t.Fatalf("good query: %v", dr.Error)
	}
	r := newRecorder()
	stop, _ := startStream(t, good, pathFor(t, `{"topic":"t","offset":"earliest"}`), r)
	waitFor(t, "stream data", func() bool { p, _ := r.snapshot(); return len(p) > 0 })
	add(stop())
	_, raw := r.snapshot()
	out = append(out, raw...)
	for _, p := range []string{"topics", "topics/t/partitions", "drivers?topic=t"} {
		_, body := callResource(t, good, p)
		out = append(out, string(body))
	}

	// Wrong Kafka password: every failure path.
	bad := newTestDS(t, c, dsOpts{json: jd, secure: map[string]string{"saslPassword": secret + "x", "schemaRegistryPassword": secret}})
	add(health(t, bad))
	add(runQuery(t, bad, map[string]any{"topic": "t"}, 0, 1000, 0, nil))
	err := bad.RunStream(context.Background(), &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg},
		Path: pathFor(t, `{"topic":"t"}`)}, backend.NewStreamSender(newRecorder()))
	add(err)
	for _, p := range []string{"topics", "topics/t/partitions", "drivers?topic=t"} {
		_, body := callResource(t, bad, p)
		out = append(out, string(body))
	}
	// Invalid settings mention the fields, not the values.
	inv := newTestDS(t, c, dsOpts{json: map[string]any{"tlsEnabled": true}, secure: map[string]string{"tlsClientCert": secret, "tlsClientKey": secret}})
	add(health(t, inv))
	// A real client key (mutual TLS) that the broker does not trust: a TLS
	// failure, whose explanation must not quote the key.
	keyPEM, certPEM := clientKeyPair(t)
	ca, server := selfSigned(t)
	server.ClientAuth = tls.RequireAndVerifyClientCert
	mc := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(server))
	mtls := newTestDS(t, mc, dsOpts{json: map[string]any{"tlsEnabled": true, "timeoutSeconds": 1},
		secure: map[string]string{"tlsCACert": ca, "tlsClientCert": certPEM, "tlsClientKey": keyPEM}})
	hm := health(t, mtls)
	wantHealth(t, hm, backend.HealthStatusError, "TLS")
	add(hm)
	add(runQuery(t, mtls, map[string]any{"topic": "t"}, 0, 1000, 0, nil))
	time.Sleep(100 * time.Millisecond) // let franz-go's background logging land
	// Health details travel as raw JSON (json.Marshal above shows them
	// base64-encoded), and the metrics endpoint is output too.
	for _, h := range []*backend.CheckHealthResult{res, hm} {
		out = append(out, string(h.JSONDetails))
	}
	out = append(out, metricsText(t))
	keyBody := strings.Split(strings.TrimSpace(keyPEM), "\n")[1] // a line of the key itself

	all := strings.Join(out, "\n") + "\n" + logs.String()
	if strings.Contains(all, keyBody) {
		t.Fatal("the TLS client key leaked")
	}
	if strings.Contains(all, secret) || strings.Contains(all, basicAuth("alice", secret)) {
		i := strings.Index(all, secret)
		t.Fatalf("the secret leaked: …%s…", all[max(0, i-200):min(len(all), i+50)])
	}
	// The captures are not empty: the failures were seen and explained.
	for _, want := range []string{"SASL", "Schema Registry", "HTTP 403", "tlsClientCert", "TLS", "pitwall_records_total"} {
		if !strings.Contains(all, want) {
			t.Errorf("captured output lacks %q", want)
		}
	}
}
