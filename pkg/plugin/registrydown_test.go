package plugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iskorotkov/avro/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// flakyRegistry is srfake's Schema Registry on a fixed address that can go
// down two ways: stopped (connections refused) or hung (connections accepted,
// never answered), and come back on the same address.
type flakyRegistry struct {
	t    testing.TB
	reg  *srfake.Registry
	addr string

	mu   sync.Mutex
	srv  *http.Server
	hole net.Listener
	hung []net.Conn
}

func startFlakyRegistry(t testing.TB, opts ...srfake.Option) *flakyRegistry {
	t.Helper()
	f := &flakyRegistry{t: t, reg: srfake.NewRegistry(opts...), addr: "127.0.0.1:0"}
	f.up()
	t.Cleanup(func() { f.down(false) })
	return f
}

func (f *flakyRegistry) url() string { return "http://" + f.addr }

func (f *flakyRegistry) listen() net.Listener {
	f.t.Helper()
	var err error
	for try := 0; try < 50; try++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", f.addr); err == nil {
			f.addr = ln.Addr().String()
			return ln
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.t.Fatalf("registry listen on %s: %v", f.addr, err)
	return nil
}

// up serves the registry (again).
func (f *flakyRegistry) up() {
	f.down(false)
	f.mu.Lock()
	defer f.mu.Unlock()
	ln := f.listen()
	f.srv = &http.Server{Handler: f.reg.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func(s *http.Server) { _ = s.Serve(ln) }(f.srv)
}

// down stops serving; hung keeps the port open, accepting connections and
// never answering.
func (f *flakyRegistry) down(hung bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv != nil {
		_ = f.srv.Close()
		f.srv = nil
	}
	if f.hole != nil {
		_ = f.hole.Close()
		f.hole = nil
	}
	for _, c := range f.hung {
		_ = c.Close()
	}
	f.hung = nil
	if !hung {
		return
	}
	f.hole = f.listen()
	go func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.hung = append(f.hung, c)
			f.mu.Unlock()
		}
	}(f.hole)
}

const (
	seqSchemaV1 = `{"type":"record","name":"Lap","fields":[{"name":"seq","type":"long"},{"name":"driver","type":"string"}]}`
	seqSchemaV2 = `{"type":"record","name":"Lap","fields":[{"name":"seq","type":"long"},{"name":"driver","type":"string"},{"name":"tyre","type":"string","default":"SOFT"}]}`
)

func lapAvro(t testing.TB, schema string, id int, v any) []byte {
	t.Helper()
	s, err := avro.Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	b, err := avro.Marshal(s, v)
	if err != nil {
		t.Fatal(err)
	}
	return append(codec.AppendWireHeader(nil, id), b...)
}

type lapV1 struct {
	Seq    int64  `avro:"seq"`
	Driver string `avro:"driver"`
}

type lapV2 struct {
	Seq    int64  `avro:"seq"`
	Driver string `avro:"driver"`
	Tyre   string `avro:"tyre"`
}

// Schema Registry down: records whose schema id was already fetched keep
// decoding from the cache, live and in a query; a record with an id not seen
// yet is counted (registry_unavailable) and shown as a notice, and the
// records around it still arrive in order; once the registry is back, that
// id decodes. Both ways down: refused, and hung (accepts, never answers).
func TestSchemaRegistryDown(t *testing.T) {
	for _, hung := range []bool{false, true} {
		name := map[bool]string{false: "refused", true: "hung"}[hung]
		t.Run(name, func(t *testing.T) {
			c := testCluster(t, map[string]int32{"laps": 1})
			fr := startFlakyRegistry(t)
			fr.reg.SeedSchema("laps-value", 1, 1, sr.Schema{Schema: seqSchemaV1, Type: sr.TypeAvro})
			d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fr.url(), "timeoutSeconds": 1}})
			d.registry.RetryAfter = 300 * time.Millisecond

			v1 := func(seq int64) rec { return rec{0, "VER", 1000 + seq, lapAvro(t, seqSchemaV1, 1, lapV1{seq, "VER"})} }
			v2 := func(seq int64) rec {
				return rec{0, "VER", 1000 + seq, lapAvro(t, seqSchemaV2, 2, lapV2{seq, "VER", "HARD"})}
			}
			var batch []rec
			for s := int64(0); s < 5; s++ {
				batch = append(batch, v1(s))
			}
			produce(t, c, "laps", batch...)

			chk := newSeqChecker("", "seq", false)
			chk.keepRaw = true
			chk.keep = []string{"seq", "tyre"}
			startStreamWith(t, d, pathFor(t, `{"topic":"laps","offset":"earliest","format":"avro","flushMs":20}`), chk)
			waitFor(t, "the first records", func() bool { return chk.total() == 5 })

			unavailBefore := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues(string(codec.ErrRegistryUnavailable)))
			fr.down(hung)
			// Version 2 is registered while the registry is down for us:
			// the plugin has never seen id 2.
			fr.reg.SeedSchema("laps-value", 2, 2, sr.Schema{Schema: seqSchemaV2, Type: sr.TypeAvro})
			downAt := time.Now()
			batch = nil
			for s := int64(5); s < 10; s++ {
				batch = append(batch, v1(s))
			}
			batch = append(batch, v2(10))
			for s := int64(11); s < 15; s++ {
				batch = append(batch, v1(s))
			}
			produce(t, c, "laps", batch...)
			waitFor(t, "the cached-id records while the registry is down", func() bool { return chk.total() == 14 })
			t.Logf("registry %s: 9 records of the cached id arrived %s after the produce", name, time.Since(downAt).Round(time.Millisecond))
			waitFor(t, "the notice", func() bool {
				chk.mu.Lock()
				defer chk.mu.Unlock()
				return strings.Contains(strings.Join(chk.raw, "\n"), "registry_unavailable")
			})
			if got := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues(string(codec.ErrRegistryUnavailable))) - unavailBefore; got != 1 {
				t.Errorf("registry_unavailable counted %v times, want 1", got)
			}

			// Now the registry is known to be down: another record of the
			// unseen id costs no wait for the registry's timeout.
			downAt = time.Now()
			batch = []rec{v2(15)}
			for s := int64(16); s < 20; s++ {
				batch = append(batch, v1(s))
			}
			produce(t, c, "laps", batch...)
			waitFor(t, "more cached-id records while the registry is down", func() bool { return chk.total() == 18 })
			t.Logf("registry %s, known down: 4 records of the cached id arrived %s after the produce", name, time.Since(downAt).Round(time.Millisecond))

			// A query meanwhile: the datasource's schema cache serves id 1.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dr := runQueryCtx(ctx, t, d, map[string]any{"topic": "laps", "offset": "earliest", "format": "avro"})
			if dr.Error != nil || len(dr.Frames) == 0 || dr.Frames[0].Rows() != 18 {
				t.Fatalf("query while the registry is down: %v (%d frames)", dr.Error, len(dr.Frames))
			}
			if n := noticeText(dr); !strings.Contains(n, "registry_unavailable") || !strings.Contains(n, "schema id 2") {
				t.Errorf("query notices %q lack the unseen id", n)
			}

			fr.up()
			time.Sleep(2 * d.registry.RetryAfter) // the failure of id 2 is remembered that long
			batch = nil
			for s := int64(20); s < 25; s++ {
				batch = append(batch, v2(s))
			}
			batch = append(batch, v1(25))
			produce(t, c, "laps", batch...)
			waitFor(t, "the records after the registry's return", func() bool { return chk.total() == 24 })

			chk.verify(t, map[int64]int64{0: 24}, map[int64]int64{0: 0})
			chk.mu.Lock()
			defer chk.mu.Unlock()
			var seqs []int64
			for _, row := range chk.kept {
				seqs = append(seqs, cellInt(row["seq"]))
				if s := cellInt(row["seq"]); s >= 20 && s < 25 && row["tyre"] != "HARD" {
					t.Errorf("seq %d decoded without the v2 field: %v", s, row)
				}
			}
			var want []int64
			for s := int64(0); s <= 25; s++ {
				if s != 10 && s != 15 { // the unseen id while the registry was down
					want = append(want, s)
				}
			}
			if fmt.Sprint(seqs) != fmt.Sprint(want) {
				t.Fatalf("seqs %v, want %v", seqs, want)
			}
			if got := testutil.ToFloat64(pipeline.MetricDecodeErrors.WithLabelValues(string(codec.ErrRegistryUnavailable))) - unavailBefore; got != 4 {
				t.Errorf("registry_unavailable counted %v times, want 4 (seq 10 and 15, by the stream and by the query)", got)
			}
		})
	}
}

func runQueryCtx(ctx context.Context, t testing.TB, d *Datasource, q map[string]any) backendDataResponse {
	t.Helper()
	done := make(chan backendDataResponse, 1)
	go func() { done <- runQuery(t, d, q, 0, 1<<62, 0, nil) }()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		t.Fatal(errors.New("the query did not return"))
	}
	return backendDataResponse{}
}

func noticeText(dr backendDataResponse) string {
	var out []string
	for _, f := range dr.Frames {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				out = append(out, n.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}
