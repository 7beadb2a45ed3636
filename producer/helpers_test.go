package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iskorotkov/avro/v2"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// syncBuf is a goroutine-safe output buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// realKafka, when set (integration build, inside
// TestIntegrationProducerOnRealKafka), gives the tests the package's real
// Apache Kafka cluster instead of kfake, with no topics left from earlier
// tests.
var realKafka interface {
	// broker is the plaintext listener, as comma-separated addresses.
	broker(t testing.TB) string
	// saslBroker is the SASL_PLAINTEXT listener, mech enabled and saslUsers known.
	saslBroker(t testing.TB, mech string) string
	// tlsBroker is the TLS listener.
	tlsBroker(t testing.TB) tlsBroker
}

// newBroker gives a test a broker with no topics: an in-process kfake in
// the fast suite, real Kafka when the integration suite runs the test. The
// address may be a comma-separated list: give it to franz-go with seeds.
func newBroker(t testing.TB) string {
	t.Helper()
	if realKafka != nil {
		return realKafka.broker(t)
	}
	c, err := kfake.NewCluster(kfake.Ports(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// seeds is the franz-go option for a broker address of newBroker.
func seeds(addr string) kgo.Opt { return kgo.SeedBrokers(strings.Split(addr, ",")...) }

// keepForever creates the Pitwall topics with their docs/DESIGN.md
// partitions and retention.ms=-1, as the README tells a user who replays
// with --keep-time: Kafka deletes records older than a topic's retention
// (7 days by default) at its next retention check, however new the write.
func keepForever(t testing.TB, addr string) {
	t.Helper()
	cl, err := kgo.NewClient(seeds(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	forever := "-1"
	for _, s := range f1.Topics() {
		resp, err := kadm.NewClient(cl).CreateTopic(ctx, s.Partitions, -1, map[string]*string{"retention.ms": &forever}, s.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Fatalf("creating %s: %v", s.Name, err)
		}
	}
}

func newRegistry(t testing.TB, opts ...srfake.Option) *srfake.Registry {
	t.Helper()
	r := srfake.New(opts...)
	t.Cleanup(r.Close)
	return r
}

// cli runs the program with args and returns its exit code and output.
func cli(t testing.TB, ctx context.Context, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuf
	code := run(ctx, args, env, &out, &errb)
	return code, out.String(), errb.String()
}

// closedPort is a loopback address nobody listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// consumed is one record read back.
type consumed struct {
	key, value []byte
	ts         time.Time
	partition  int32
}

// consumeAll reads every record of topic, up to its end offsets.
func consumeAll(t testing.TB, addr, topic string) []consumed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(seeds(addr), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(0)
	ends.Each(func(o kadm.ListedOffset) { want += o.Offset })
	var out []consumed
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records of %s: %v", len(out), want, topic, err)
		}
		fs.EachError(func(_ string, _ int32, err error) { t.Fatalf("fetching %s: %v", topic, err) })
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, consumed{key: r.Key, value: r.Value, ts: r.Timestamp, partition: r.Partition})
		})
	}
	return out
}

// decoder decodes values of one topic, JSON or Avro (schema by id from the
// registry), or Protobuf, which it reads the way the plugin does: with
// pkg/codec's decoder and f1wire's Reader.
type decoder struct {
	t       testing.TB
	reg     *sr.Client
	url     string
	schemas map[int]avro.Schema
	ids     map[int]bool
	pb      *codec.Decoder
	rd      *f1wire.Reader
}

func newDecoder(t testing.TB, registryURL string) *decoder {
	d := &decoder{t: t, schemas: map[int]avro.Schema{}, ids: map[int]bool{}}
	if registryURL != "" {
		cl, err := sr.NewClient(sr.URLs(registryURL))
		if err != nil {
			t.Fatal(err)
		}
		d.reg, d.url = cl, registryURL
	}
	return d
}

// protobuf decodes a Protobuf record into out (a pointer to an f1 record).
func (d *decoder) protobuf(v []byte, out any) {
	d.t.Helper()
	if d.pb == nil {
		reg, err := codec.NewRegistry(codec.RegistryConfig{URL: d.url})
		if err != nil {
			d.t.Fatal(err)
		}
		d.pb, d.rd = codec.NewDecoder(codec.FormatProtobuf, "any", reg, codec.Limits{}), f1wire.NewReader()
	}
	var rec codec.Record
	if err := d.pb.Decode(context.Background(), v, &rec); err != nil {
		d.t.Fatalf("Protobuf record: %v", err)
	}
	ok := false
	switch o := out.(type) {
	case *f1.Telemetry:
		ok = d.rd.Telemetry(&rec, d.pb.Names(), time.Time{}, nil, o)
	case *f1.Position:
		ok = d.rd.Position(&rec, d.pb.Names(), time.Time{}, nil, o)
	case *f1.RaceControl:
		ok = d.rd.RaceControl(&rec, d.pb.Names(), time.Time{}, o)
	case *f1.Alert:
		ok = d.rd.Alert(&rec, d.pb.Names(), time.Time{}, o)
	case *f1.Prediction:
		ok = d.rd.Prediction(&rec, d.pb.Names(), time.Time{}, o)
	default:
		// Records the plugin reads only as raw columns (weather,
		// locations): the decoded fields by name, into out's JSON tags.
		obj := map[string]any{}
		for _, f := range rec.Fields {
			switch f.Kind {
			case codec.KindNumber:
				obj[d.pb.Names().Name(f.ID)] = f.Num
			case codec.KindString:
				obj[d.pb.Names().Name(f.ID)] = string(f.Bytes)
			case codec.KindBool:
				obj[d.pb.Names().Name(f.ID)] = f.Bool
			}
		}
		b, err := json.Marshal(obj)
		if err == nil {
			err = json.Unmarshal(b, out)
		}
		ok = err == nil && len(obj) > 0
	}
	if !ok {
		d.t.Fatalf("Protobuf record of schema %d did not read as %T", rec.SchemaID, out)
	}
}

func (d *decoder) decode(v []byte, out any) {
	d.t.Helper()
	if !codec.LooksLikeWire(v) {
		if err := json.Unmarshal(v, out); err != nil {
			d.t.Fatalf("JSON %s: %v", v, err)
		}
		return
	}
	if d.reg == nil {
		d.t.Fatalf("Avro record but no registry")
	}
	id, body, err := codec.SplitWire(v)
	if err != nil {
		d.t.Fatal(err)
	}
	d.ids[id] = true
	s, ok := d.schemas[id]
	if !ok {
		ss, err := d.reg.SchemaByID(context.Background(), id)
		if err != nil {
			d.t.Fatalf("schema %d: %v", id, err)
		}
		if ss.Type == sr.TypeProtobuf {
			d.protobuf(v, out)
			return
		}
		s = avro.MustParse(ss.Schema)
		d.schemas[id] = s
	}
	if err := avro.Unmarshal(s, body, out); err != nil {
		d.t.Fatalf("Avro body of schema %d: %v", id, err)
	}
}

// decodeTopic reads a whole topic into records of type T, checking that
// each record's Kafka timestamp is its ts field.
func decodeTopic[T any](t testing.TB, d *decoder, addr, topic string, tsOf func(*T) int64, keyOf func(*T) string) []T {
	t.Helper()
	var out []T
	for _, c := range consumeAll(t, addr, topic) {
		var v T
		d.decode(c.value, &v)
		if tsOf(&v) != c.ts.UnixMilli() {
			t.Fatalf("%s: record timestamp %d, ts field %d", topic, c.ts.UnixMilli(), tsOf(&v))
		}
		if string(c.key) != keyOf(&v) {
			t.Fatalf("%s: key %q, want %q", topic, c.key, keyOf(&v))
		}
		out = append(out, v)
	}
	return out
}

var (
	telTs  = func(x *f1.Telemetry) int64 { return x.Ts }
	telKey = func(x *f1.Telemetry) string { return x.Driver }
	posTs  = func(x *f1.Position) int64 { return x.Ts }
	posKey = func(x *f1.Position) string { return x.Driver }
	rcTs   = func(x *f1.RaceControl) int64 { return x.Ts }
	rcKey  = func(x *f1.RaceControl) string { return x.RaceID }
	alTs   = func(x *f1.Alert) int64 { return x.Ts }
	alKey  = func(x *f1.Alert) string { return x.Severity }
	cmdTs  = func(x *f1.RaceCommand) int64 { return x.Ts }
	cmdKey = func(x *f1.RaceCommand) string { return x.RaceID }
	prTs   = func(x *f1.Prediction) int64 { return x.Ts }
	prKey  = func(x *f1.Prediction) string { return x.Model }
)

func itoa(n int) string { return strconv.Itoa(n) }
