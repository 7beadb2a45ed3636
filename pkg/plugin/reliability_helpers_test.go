package plugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// seqChecker is a StreamPacketSender that checks rows as they arrive,
// without keeping them (so a million-row stream costs it no memory): per
// group (for example kafka.partition), the sequence column (for example
// kafka.offset) must grow, with no repeat and, when contiguous is set, no
// gap. It replays packets the way Grafana does: a packet with a schema sets
// the column names, every packet's data appends rows.
type seqChecker struct {
	group, seq string
	contiguous bool
	delay      time.Duration // sleep per packet: a slow browser/Live
	keep       []string      // other columns to keep (all rows), for assertions

	mu      sync.Mutex
	names   []string
	next    map[int64]int64 // group -> next expected seq (or lowest allowed)
	first   map[int64]int64
	count   map[int64]int64
	rows    int64
	packets int
	maxRows int
	schemas int
	bad     []string
	kept    []map[string]any
	raw     []string // every packet's JSON, when keepRaw
	keepRaw bool
}

func newSeqChecker(group, seq string, contiguous bool) *seqChecker {
	return &seqChecker{group: group, seq: seq, contiguous: contiguous,
		next: map[int64]int64{}, first: map[int64]int64{}, count: map[int64]int64{}}
}

func (c *seqChecker) Send(p *backend.StreamPacket) error {
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	var pk struct {
		Schema *struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		} `json:"schema"`
		Data *struct {
			Values [][]any `json:"values"`
		} `json:"data"`
	}
	if err := json.Unmarshal(p.Data, &pk); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.packets++
	if c.keepRaw {
		c.raw = append(c.raw, string(p.Data))
	}
	if pk.Schema != nil {
		c.schemas++
		c.names = c.names[:0]
		for _, f := range pk.Schema.Fields {
			c.names = append(c.names, f.Name)
		}
	}
	if pk.Data == nil || len(pk.Data.Values) == 0 {
		return nil
	}
	gi, si := -1, -1
	for i, n := range c.names {
		switch n {
		case c.group:
			gi = i
		case c.seq:
			si = i
		}
	}
	if si < 0 || len(pk.Data.Values) != len(c.names) {
		c.fail("packet without column %q or with %d columns for %d names", c.seq, len(pk.Data.Values), len(c.names))
		return nil
	}
	n := len(pk.Data.Values[si])
	c.maxRows = max(c.maxRows, n)
	for row := 0; row < n; row++ {
		g := int64(0)
		if gi >= 0 {
			g = cellInt(pk.Data.Values[gi][row])
		}
		s := cellInt(pk.Data.Values[si][row])
		want, seen := c.next[g]
		switch {
		case !seen:
			c.first[g] = s
		case c.contiguous && s != want:
			c.fail("%s %d: %s %d after %d (gap or repeat)", c.group, g, c.seq, s, want-1)
		case s < want:
			c.fail("%s %d: %s %d after %d (repeat or out of order)", c.group, g, c.seq, s, want-1)
		}
		c.next[g] = s + 1
		c.count[g]++
		c.rows++
		if len(c.keep) > 0 {
			r := map[string]any{}
			for i, name := range c.names {
				for _, k := range c.keep {
					if k == name {
						r[name] = pk.Data.Values[i][row]
					}
				}
			}
			c.kept = append(c.kept, r)
		}
	}
	return nil
}

// heldSender holds every Send to next until release (with afterRows,
// only once next has a row: the stream's first rows go through): a viewer
// stalled for as long as a test needs, which no fixed delay guarantees on
// a loaded machine.
type heldSender struct {
	next      *seqChecker
	afterRows bool
	gate      chan struct{}
	once      sync.Once
}

func newHeldSender(next *seqChecker, afterRows bool) *heldSender {
	return &heldSender{next: next, afterRows: afterRows, gate: make(chan struct{})}
}

func (h *heldSender) Send(p *backend.StreamPacket) error {
	if !h.afterRows || h.next.total() > 0 {
		<-h.gate
	}
	return h.next.Send(p)
}

// release lets every held and later Send through.
func (h *heldSender) release() { h.once.Do(func() { close(h.gate) }) }

func cellInt(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func (c *seqChecker) fail(format string, args ...any) {
	if len(c.bad) < 20 {
		c.bad = append(c.bad, fmt.Sprintf(format, args...))
	}
}

func (c *seqChecker) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rows
}

// verify fails t unless every group holds exactly want[group] rows starting
// at first[group] (when given), with no violation seen.
func (c *seqChecker) verify(t testing.TB, want map[int64]int64, first map[int64]int64) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bad) > 0 {
		t.Fatalf("order violations:\n%s", strings.Join(c.bad, "\n"))
	}
	for g, n := range want {
		if c.count[g] != n {
			t.Errorf("%s %d: %d rows, want %d", c.group, g, c.count[g], n)
		}
	}
	for g, f := range first {
		if c.first[g] != f {
			t.Errorf("%s %d starts at %s %d, want %d", c.group, g, c.seq, c.first[g], f)
		}
	}
	if len(c.count) != len(want) {
		t.Errorf("rows of %d %ss, want %d: %v", len(c.count), c.group, len(want), c.count)
	}
}

// grafanaRunner runs RunStream the way Grafana does for one channel: when it
// returns an error, it is started again after a backoff, with the same
// sender (the subscribers stay), until the test stops it.
type grafanaRunner struct {
	mu       sync.Mutex
	errs     []error
	starts   int
	running  bool
	cancel   context.CancelFunc
	done     chan struct{}
	backoffs []time.Duration
}

func runLikeGrafana(t testing.TB, d *Datasource, path string, sender backend.StreamPacketSender, backoff time.Duration) *grafanaRunner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g := &grafanaRunner{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(g.done)
		for ctx.Err() == nil {
			g.mu.Lock()
			g.starts++
			g.running = true
			g.mu.Unlock()
			err := d.RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}, backend.NewStreamSender(sender))
			g.mu.Lock()
			g.running = false
			if err != nil {
				g.errs = append(g.errs, err)
			}
			g.mu.Unlock()
			if err == nil {
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
		}
	}()
	t.Cleanup(g.stop)
	return g
}

func (g *grafanaRunner) stop() {
	g.cancel()
	<-g.done
}

func (g *grafanaRunner) state() (starts int, errs []error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.starts, append([]error(nil), g.errs...)
}

// seqRecords makes n JSON records per partition with a "seq" field counting
// from base and timestamps that grow with seq.
func seqRecords(partitions int32, base, n int) []rec {
	var out []rec
	for i := 0; i < n; i++ {
		for p := int32(0); p < partitions; p++ {
			seq := base + i
			out = append(out, rec{p, fmt.Sprintf("k%d", p), int64(1_000_000 + seq), []byte(fmt.Sprintf(`{"seq":%d,"p":%d}`, seq, p))})
		}
	}
	return out
}

// sortedKeys is for messages.
func sortedKeys(m map[int64]int64) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type backendDataResponse = backend.DataResponse

// startStreamTo is startStream for any sender: stop cancels RunStream and
// returns its error.
func startStreamTo(t testing.TB, d *Datasource, path string, sender backend.StreamPacketSender) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan error, 1)
	go func() {
		finished <- d.RunStream(ctx, &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}, backend.NewStreamSender(sender))
	}()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-finished:
			case <-time.After(20 * time.Second):
				runErr = fmt.Errorf("RunStream did not return after cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// metricsText is what the plugin's metrics endpoint serves (the default
// Prometheus registry, which the SDK exposes).
func metricsText(t testing.TB) string {
	t.Helper()
	rr := httptest.NewRecorder()
	promhttp.HandlerFor(prometheus.DefaultGatherer, promhttp.HandlerOpts{}).ServeHTTP(rr, httptest.NewRequest("GET", "/metrics", nil))
	return rr.Body.String()
}

// clientKeyPair makes a self-signed client certificate and returns the key
// and the certificate as PEM.
func clientKeyPair(t testing.TB) (keyPEM, certPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "pitwall-client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
