package codec

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/iskorotkov/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

// RegistryConfig says how to reach a Confluent-compatible Schema Registry.
type RegistryConfig struct {
	URL      string
	Username string
	Password string // never printed; only sent as HTTP basic auth
	Timeout  time.Duration
	TLS      *tls.Config // nil: system defaults
	// Dial, when set, opens the registry's connections (the plugin's
	// secure SOCKS proxy).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error) `json:"-"`
	// MaxResponseBytes bounds one answer (0: MaxRegistryResponseBytes).
	MaxResponseBytes int64
}

// Registry fetches Avro schemas by id (the id in each record) and the
// subject's latest version (the reader schema), caching both: schemas by id
// forever (ids are immutable), the latest version for ReaderTTL. Compiled
// decoders are cached per (writer id, reader id). Failed look-ups are retried
// no more often than RetryAfter, so a registry outage costs one timeout per
// unseen id per RetryAfter, not one per record. Safe for concurrent use.
type Registry struct {
	cl      *sr.Client
	url     string
	timeout time.Duration

	ReaderTTL  time.Duration
	RetryAfter time.Duration
	now        func() time.Time

	mu      sync.Mutex
	writers map[int]*writerEntry
	readers map[string]*readerEntry
	progs   map[[2]int]*avroProgram
	// After a request gets no answer (network error, timeout, HTTP 5xx)
	// the registry counts as down: ids not cached fail at once instead of
	// each waiting for the timeout (which would stall a stream's cached
	// ids too), and one background probe per RetryAfter checks whether it
	// is back.
	downErr error
	probeAt time.Time
	probing bool
}

// writerEntry is one schema id: its type and what it compiled to (Avro:
// the parsed schema; Protobuf: the descriptors; JSON Schema: the types).
type writerEntry struct {
	typ    sr.SchemaType
	schema avro.Schema
	proto  *protoSchema
	json   *jsonSchema
	err    error
	until  time.Time // for err: when to try again
}

type readerEntry struct {
	id      int // 0: the subject has no schema; decode with the writer alone
	schema  avro.Schema
	fetched time.Time
	retry   time.Time
	newest  int // the newest writer id this entry was refreshed for
}

// maxCachedIDs bounds the schema-id cache before failed look-ups are dropped.
const maxCachedIDs = 4096

// NewRegistry checks cfg and returns a client. It does not connect.
func NewRegistry(cfg RegistryConfig) (*Registry, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("schemaRegistryUrl %q is not an http(s) URL", RedactURL(cfg.URL))
	}
	if u.User != nil {
		return nil, errors.New("schemaRegistryUrl must not hold credentials; use schemaRegistryUsername and schemaRegistryPassword")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS
	}
	if cfg.Dial != nil {
		tr.DialContext = cfg.Dial
		tr.Proxy = nil // the dialer is the proxy
	}
	opts := []sr.ClientOpt{
		sr.URLs(cfg.URL),
		sr.HTTPClient(&http.Client{Timeout: timeout, Transport: LimitResponses(tr, cfg.MaxResponseBytes)}),
		sr.UserAgent("pitwall-kafka-datasource"),
	}
	if cfg.Username != "" || cfg.Password != "" {
		opts = append(opts, sr.BasicAuth(cfg.Username, cfg.Password))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("schema registry client: %w", err)
	}
	return &Registry{
		cl: cl, url: cfg.URL, timeout: timeout,
		ReaderTTL: time.Minute, RetryAfter: 2 * time.Second, now: time.Now,
		writers: map[int]*writerEntry{},
		readers: map[string]*readerEntry{},
		progs:   map[[2]int]*avroProgram{},
	}, nil
}

// URL is the registry address (it never holds credentials).
func (r *Registry) URL() string { return r.url }

// Check asks the registry for its subjects and returns how many there are,
// or an error that says what to fix.
func (r *Registry) Check(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	subjects, err := r.cl.Subjects(ctx)
	if err != nil {
		return 0, r.explain(err, "listing subjects")
	}
	return len(subjects), nil
}

// explain turns a registry client error into one that names the problem.
func (r *Registry) explain(err error, doing string) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		switch re.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("Schema Registry at %s answered HTTP %d %s while %s: check schemaRegistryUsername and schemaRegistryPassword",
				r.url, re.StatusCode, http.StatusText(re.StatusCode), doing)
		default:
			return fmt.Errorf("Schema Registry at %s answered HTTP %d %s while %s: %s",
				r.url, re.StatusCode, http.StatusText(re.StatusCode), doing, clip(re.Error(), 200))
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("Schema Registry at %s did not answer within %s while %s", r.url, r.timeout, doing)
	}
	var unknownCA x509.UnknownAuthorityError
	var badCert *tls.CertificateVerificationError
	var badHost x509.HostnameError
	if errors.As(err, &unknownCA) || errors.As(err, &badCert) || errors.As(err, &badHost) {
		return fmt.Errorf("the certificate of the Schema Registry at %s is not trusted while %s: %w; check its certificate (tlsCACert is used for the registry when TLS is on), or set schemaRegistryTlsSkipVerify (insecure: the registry password goes to whoever answers)", r.url, doing, err)
	}
	if tooLarge(err) {
		return fmt.Errorf("Schema Registry at %s sent an answer larger than %d bytes while %s; Pitwall does not read it", r.url, MaxRegistryResponseBytes, doing)
	}
	return fmt.Errorf("cannot reach Schema Registry at %s while %s: %w", r.url, doing, err)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func statusOf(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// program returns the compiled decoder for writer id, resolved against the
// latest schema of subject when there is one.
func (r *Registry) program(ctx context.Context, id int, subject string) (*avroProgram, error) {
	e, err := r.writer(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.typ != sr.TypeAvro {
		return nil, decErr(ErrBadSchema, nil, "schema id %d is %s, not AVRO", id, e.typ)
	}
	w := e.schema
	rid, rs := r.reader(ctx, subject, id)
	if rid == id {
		rid, rs = 0, nil // reading with the writer schema itself
	}
	key := [2]int{id, rid}
	r.mu.Lock()
	p := r.progs[key]
	r.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err = compileAvro(w, rs)
	if err != nil && rs != nil {
		// The latest schema cannot read this one: show it as written.
		rid = 0
		p, err = compileAvro(w, nil)
	}
	if err != nil {
		return nil, decErr(ErrBadSchema, err, "schema id %d cannot be decoded", id)
	}
	p.writerID, p.readerID = id, rid
	r.mu.Lock()
	r.progs[key] = p
	r.mu.Unlock()
	return p, nil
}

// writer returns the schema of id, from the cache or the registry.
func (r *Registry) writer(ctx context.Context, id int) (*writerEntry, error) {
	now := r.now()
	r.mu.Lock()
	e := r.writers[id]
	down := r.downErr
	r.mu.Unlock()
	if e != nil && (e.err == nil || now.Before(e.until)) {
		return e, e.err
	}
	if down != nil {
		// Wait a little for a probe: a registry that is back answers
		// within it, one that hangs costs this much once per RetryAfter.
		if done := r.probe(id); done != nil {
			t := time.NewTimer(probeWait)
			select {
			case <-done:
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
			r.mu.Lock()
			e = r.writers[id]
			r.mu.Unlock()
			if e != nil && (e.err == nil || ClassOf(e.err) != ErrRegistryUnavailable) {
				return e, e.err
			}
		}
		return nil, decErr(ErrRegistryUnavailable, down, "schema id %d not cached; retrying in the background", id)
	}
	e = r.fetchWriter(ctx, id)
	return e, e.err
}

// fetchWriter asks the registry for schema id and caches the answer (a
// failure for a while).
func (r *Registry) fetchWriter(ctx context.Context, id int) *writerEntry {
	now := r.now()
	e := &writerEntry{}
	fctx, cancel := context.WithTimeout(ctx, r.timeout)
	s, err := r.cl.SchemaByID(fctx, id)
	cancel()
	switch {
	case err != nil && statusOf(err) == http.StatusNotFound:
		e.err = decErr(ErrUnknownSchema, nil, "schema id %d is not in the Schema Registry at %s", id, r.url)
		e.until = now.Add(10 * r.RetryAfter)
	case tooLarge(err):
		e.err = decErr(ErrBadSchema, r.explain(err, fmt.Sprintf("fetching schema id %d", id)), "schema id %d", id)
		e.until = now.Add(10 * r.RetryAfter)
	case err != nil:
		e.err = decErr(ErrRegistryUnavailable, r.explain(err, fmt.Sprintf("fetching schema id %d", id)), "schema id %d not cached", id)
		e.until = now.Add(r.RetryAfter)
	default:
		if err := r.compileWriter(ctx, id, s, e); err != nil {
			e.err = decErr(ErrBadSchema, err, "schema id %d", id)
			e.until = now.Add(10 * r.RetryAfter)
		}
	}
	if e.err != nil && ctx.Err() != nil {
		return e // our caller gave up: don't remember that as a failure
	}
	r.health(err, fmt.Sprintf("fetching schema id %d", id))
	r.mu.Lock()
	if e.err != nil && len(r.writers) > maxCachedIDs {
		// Garbage ids must not grow the cache without bound: forget failures.
		for k, old := range r.writers {
			if old.err != nil {
				delete(r.writers, k)
			}
		}
	}
	r.writers[id] = e
	r.mu.Unlock()
	return e
}

// reader returns the latest schema of subject, or id 0 when there is none
// (or the registry cannot say and nothing is cached). A writer id newer than
// the cached latest one means the subject has moved on: it is asked again
// (once per such id) rather than reading new records with an older schema,
// which would drop their new fields.
func (r *Registry) reader(ctx context.Context, subject string, writer int) (int, avro.Schema) {
	now := r.now()
	r.mu.Lock()
	e := r.readers[subject]
	down := r.downErr != nil
	r.mu.Unlock()
	if e != nil {
		newer := writer > e.id && writer > e.newest
		if now.Before(e.retry) || down || (now.Sub(e.fetched) < r.ReaderTTL && !newer) {
			return e.id, e.schema
		}
	} else if down {
		return 0, nil
	}
	fctx, cancel := context.WithTimeout(ctx, r.timeout)
	ss, err := r.cl.SchemaByVersion(fctx, subject, -1)
	cancel()
	if ctx.Err() == nil {
		r.health(err, "fetching the latest schema of "+subject)
	}
	next := &readerEntry{fetched: now, newest: writer}
	switch {
	case err != nil && statusOf(err) == http.StatusNotFound:
		// No such subject: records are read with their own schema.
	case err != nil:
		if e == nil {
			e = &readerEntry{}
		}
		next = &readerEntry{id: e.id, schema: e.schema, fetched: e.fetched, retry: now.Add(r.RetryAfter), newest: max(e.newest, writer)}
	case ss.Type != sr.TypeAvro:
	default:
		if s, perr := r.parse(ctx, ss.Schema, 0); perr == nil {
			next.id, next.schema = ss.ID, s
		}
	}
	r.mu.Lock()
	r.readers[subject] = next
	r.mu.Unlock()
	return next.id, next.schema
}

// RedactURL returns u without any user:password part.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	if p.User != nil {
		p.User = url.User("redacted")
	}
	return p.String()
}
