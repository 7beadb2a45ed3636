package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Config is what the transport needs from the datasource settings.
type Config struct {
	Brokers  []string
	ClientID string
	SASL     SASLAuth    // mechanism and credentials; never printed but for names
	TLS      *tls.Config // nil: plaintext
	// Dial, when set, opens every broker connection (the secure SOCKS
	// proxy); TLS is then done over it.
	Dial DialFunc `json:"-"`
	// ProxyAddr is the address of the proxy Dial goes through, for
	// errors that say whether the proxy or the broker failed.
	ProxyAddr string
	Timeout   time.Duration
	// FetchMaxBytes bounds one fetch response (default 4 MiB). A consumer
	// buffers at most one fetch per broker while its records are not polled,
	// which is what bounds a slow stream's memory.
	FetchMaxBytes int32
	Logger        kgo.Logger // optional
}

// String describes c without its password.
func (c Config) String() string {
	return fmt.Sprintf("kafka{brokers=%s clientId=%q sasl=%q user=%q tls=%v proxy=%v}",
		strings.Join(c.Brokers, ","), c.ClientID, c.SASL.Mechanism, c.SASL.Username, c.TLS != nil, c.Dial != nil)
}

// GoString is String, so %#v cannot print the password either.
func (c Config) GoString() string { return c.String() }

// Client is the transport of one datasource instance.
type Client struct {
	cfg  Config
	auth *Authenticator
	base []kgo.Opt
	cl   *kgo.Client
	adm  *kadm.Client
	dial *dialLog

	mu        sync.Mutex
	closed    bool
	consumers map[*kgo.Client]struct{}
}

// New checks cfg and builds the client. It does not connect: the first
// request does.
func New(cfg Config) (*Client, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("no bootstrap servers")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.FetchMaxBytes <= 0 {
		cfg.FetchMaxBytes = 4 << 20
	}
	dl := &dialLog{}
	base := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.DialTimeout(cfg.Timeout),
		kgo.RequestTimeoutOverhead(cfg.Timeout),
		kgo.RetryTimeout(cfg.Timeout),
		kgo.MetadataMinAge(time.Second),
		kgo.WithHooks(dl),
		// No KIP-714 client metrics: a broker that asks for them gets each
		// push lz4-compressed in 4 MiB blocks, which cost the plugin 8 MB of
		// heap (measured with kfake, internal/bench); the plugin's own
		// Prometheus metrics are what Grafana scrapes.
		kgo.DisableClientMetrics(),
	}
	if cfg.ClientID != "" {
		base = append(base, kgo.ClientID(cfg.ClientID))
	}
	switch {
	case cfg.Dial != nil:
		base = append(base, kgo.Dialer(brokerDialer(cfg.Dial, cfg.TLS, cfg.Timeout)))
	case cfg.TLS != nil:
		base = append(base, kgo.DialTLSConfig(cfg.TLS))
	}
	if cfg.Logger != nil {
		base = append(base, kgo.WithLogger(cfg.Logger))
	}
	if cfg.SASL.Timeout <= 0 {
		cfg.SASL.Timeout = cfg.Timeout
	}
	auth, err := SASL(cfg.SASL)
	if err != nil {
		return nil, err
	}
	if auth.Mechanism != nil {
		base = append(base, kgo.SASL(auth.Mechanism))
	}
	cl, err := kgo.NewClient(base...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return &Client{cfg: cfg, auth: auth, base: base, cl: cl, adm: kadm.NewClient(cl), dial: dl, consumers: map[*kgo.Client]struct{}{}}, nil
}

// Config returns the client's settings.
func (c *Client) Config() Config { return c.cfg }

// Close closes the client and every consumer still open.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	cons := c.consumers
	c.consumers = map[*kgo.Client]struct{}{}
	c.mu.Unlock()
	for cl := range cons {
		cl.Close()
	}
	c.cl.Close()
}

// Isolation is which records of transactions a read sees.
type Isolation int8

const (
	// ReadCommitted, the default: records of aborted transactions never
	// show, and reads end at the last stable offset, so an open
	// transaction neither shows nor stalls them.
	ReadCommitted Isolation = iota
	// ReadUncommitted: every record as written, aborted and open
	// transactions included, up to the high watermark.
	ReadUncommitted
)

func isolation(iso []Isolation) Isolation {
	if len(iso) > 0 {
		return iso[0]
	}
	return ReadCommitted
}

// newConsumer makes a consumer client for the given partitions, tracked so
// Close can close it.
func (c *Client) newConsumer(start map[string]map[int32]int64, iso Isolation, extra ...kgo.Opt) (*kgo.Client, error) {
	offs := make(map[string]map[int32]kgo.Offset, len(start))
	for t, ps := range start {
		offs[t] = make(map[int32]kgo.Offset, len(ps))
		for p, o := range ps {
			offs[t][p] = kgo.NewOffset().At(o)
		}
	}
	opts := append([]kgo.Opt{}, c.base...)
	opts = append(opts,
		kgo.ConsumePartitions(offs),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxBytes(c.cfg.FetchMaxBytes),
		kgo.FetchMaxPartitionBytes(c.cfg.FetchMaxBytes),
		kgo.FetchMaxWait(500*time.Millisecond),
		kgo.KeepControlRecords(),
	)
	if iso == ReadUncommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	} else {
		// Records of aborted transactions never reach a frame.
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	opts = append(opts, extra...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka consumer: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cl.Close()
		return nil, errors.New("kafka client is closed")
	}
	c.consumers[cl] = struct{}{}
	return cl, nil
}

func (c *Client) release(cl *kgo.Client) {
	c.mu.Lock()
	delete(c.consumers, cl)
	c.mu.Unlock()
	cl.Close()
}

// CheckAuth gets the SASL mechanism's credentials (an OAuth token, AWS
// credentials) without asking a broker, and says where they came from.
func (c *Client) CheckAuth(ctx context.Context) (string, error) {
	where, err := c.auth.Check(ctx)
	return where, c.Explain(err)
}

// Ping checks that a broker answers, within ctx.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.cl.Ping(ctx); err != nil {
		return c.Explain(err)
	}
	return nil
}
