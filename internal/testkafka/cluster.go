package testkafka

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// StartTimeout bounds formatting, starting and waiting for a whole cluster.
var StartTimeout = 3 * time.Minute

// Cluster is a running Kafka cluster of one test or one test package.
type Cluster struct {
	opts       Options
	rt         runtimeEnv
	dir        string
	clusterID  string
	nodes      []*node
	keystore   string
	truststore string
	// Certs is the cluster's PKI when a listener uses TLS, else nil.
	Certs *Certs
	// Started is how long Start took (format, JVMs, ready).
	Started time.Duration

	mu    sync.Mutex
	admin *kgo.Client
}

// Start starts a cluster for tb and stops it when tb ends. Without Java or
// the classpath it skips tb (fails it when Kafka is required); a cluster
// that does not become ready fails tb with the tail of the brokers' logs.
func Start(tb testing.TB, o Options) *Cluster {
	tb.Helper()
	c, err := Launch(o)
	if errors.Is(err, errUnavailable) {
		unavailable(tb, err)
	}
	if err != nil {
		tb.Fatalf("starting Kafka: %v", err)
	}
	tb.Cleanup(c.Stop)
	tb.Logf("Kafka: %d broker(s) ready in %s at %s", o.Brokers, c.Started.Round(time.Millisecond), strings.Join(c.Addrs(""), ","))
	return c
}

var errUnavailable = errors.New("java or the Kafka classpath is missing")

// Launch starts a cluster that the caller must Stop.
func Launch(o Options) (*Cluster, error) {
	begin := time.Now()
	o, err := o.normalized()
	if err != nil {
		return nil, err
	}
	rt, err := findRuntime()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnavailable, err)
	}
	dir, err := os.MkdirTemp("", "testkafka-")
	if err != nil {
		return nil, fmt.Errorf("making the cluster directory: %w", err)
	}
	c := &Cluster{opts: o, rt: rt, dir: dir, clusterID: newClusterID()}
	if err := c.prepare(); err != nil {
		err = fmt.Errorf("%w\n%s", err, c.logTails(30))
		c.Stop()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := c.boot(ctx); err != nil {
		err = fmt.Errorf("%w\n%s", err, c.logTails(30))
		c.Stop()
		return nil, err
	}
	c.Started = time.Since(begin)
	return c, nil
}

// prepare picks ports, writes certificates and configs, and formats every
// node's storage (in parallel).
func (c *Cluster) prepare() error {
	if c.opts.needsTLS() {
		certs, err := NewCerts()
		if err != nil {
			return err
		}
		c.Certs = certs
		if c.keystore, c.truststore, err = certs.write(c.dir); err != nil {
			return err
		}
	}
	log4j := filepath.Join(c.dir, "log4j2.properties")
	if err := os.WriteFile(log4j, []byte(log4jConfig), 0o644); err != nil {
		return fmt.Errorf("writing the log4j config: %w", err)
	}
	for i := range c.opts.Brokers {
		n := &node{id: int32(i + 1), dir: filepath.Join(c.dir, fmt.Sprintf("node-%d", i+1)), ports: map[string]int{}}
		if err := os.MkdirAll(n.dir, 0o755); err != nil {
			return fmt.Errorf("making %s: %w", n.dir, err)
		}
		c.nodes = append(c.nodes, n)
	}
	ports, err := freePorts(len(c.nodes) * (2 + len(c.opts.Listeners)))
	if err != nil {
		return err
	}
	for _, n := range c.nodes {
		n.controller, n.internal, ports = ports[0], ports[1], ports[2:]
		for _, l := range c.opts.Listeners {
			n.ports[l.Name], ports = ports[0], ports[1:]
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(c.nodes))
	for i, n := range c.nodes {
		if err := os.WriteFile(n.propsFile(), []byte(c.properties(n)), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", n.propsFile(), err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runJVM(c.rt, filepath.Join(n.dir, "format.log"), time.Minute, c.formatArgs(n)...)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("formatting the storage: %w", err)
	}
	return nil
}

func (c *Cluster) formatArgs(n *node) []string {
	args := append(c.jvmArgs("128m"), "kafka.tools.StorageTool", "format", "--config", n.propsFile(), "--cluster-id", c.clusterID)
	for _, m := range c.opts.scramMechanisms() {
		for _, u := range c.opts.Users {
			args = append(args, "--add-scram", fmt.Sprintf("%s=[name=%s,password=%s]", m, u.Name, u.Password))
		}
	}
	return args
}

func (c *Cluster) jvmArgs(heap string) []string {
	args := []string{"-Xmx" + heap, "-Xss512k", "-XX:MaxDirectMemorySize=128m", "-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile=" + filepath.Join(c.dir, "log4j2.properties")}
	if c.opts.OAuth != nil {
		// Kafka reads no OAuth URL that this property does not allow.
		args = append(args, "-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls="+c.opts.OAuth.JWKSURL)
	}
	if c.opts.JVMOpts != nil {
		args = append(args, c.opts.JVMOpts...)
	} else {
		args = append(args, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1")
	}
	return append(args, "-cp", filepath.Join(c.rt.classpath, "*"))
}

// boot starts every JVM at once and waits until the cluster is ready.
func (c *Cluster) boot(ctx context.Context) error {
	for _, n := range c.nodes {
		if err := c.startNode(n); err != nil {
			return err
		}
	}
	return c.WaitReady(ctx)
}

func (c *Cluster) startNode(n *node) error {
	if n.proc != nil && !n.proc.exited() {
		return fmt.Errorf("broker %d is already running", n.id)
	}
	args := append(c.jvmArgs(c.opts.Heap), "kafka.Kafka", n.propsFile())
	p, err := startJVM(c.rt, n.logFile(), args...)
	if err != nil {
		return fmt.Errorf("broker %d: %w", n.id, err)
	}
	n.proc = p
	return nil
}

// Stop kills every JVM of the cluster and removes its directory (kept when
// PITWALL_KAFKA_KEEP=1). It is safe to call more than once.
func (c *Cluster) Stop() {
	c.mu.Lock()
	if c.admin != nil {
		c.admin.Close()
		c.admin = nil
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		if n.proc != nil {
			wg.Add(1)
			go func(p *process) { defer wg.Done(); p.kill() }(n.proc)
		}
	}
	wg.Wait()
	if os.Getenv(EnvKeepLogs) == "1" {
		fmt.Fprintf(os.Stderr, "testkafka: kept %s\n", c.dir)
		return
	}
	_ = os.RemoveAll(c.dir)
}

// Addrs are the brokers' host:port on a listener; "" is the INTERNAL
// (plaintext, super user) listener.
func (c *Cluster) Addrs(listener string) []string {
	var out []string
	for _, n := range c.nodes {
		port := n.internal
		if listener != "" {
			port = n.ports[listener]
		}
		out = append(out, fmt.Sprintf("127.0.0.1:%d", port))
	}
	return out
}

// BrokerIDs are the node ids, 1 to N.
func (c *Cluster) BrokerIDs() []int32 {
	var ids []int32
	for _, n := range c.nodes {
		ids = append(ids, n.id)
	}
	return ids
}

// Pids are the running JVMs' pids by node id.
func (c *Cluster) Pids() map[int32]int {
	out := map[int32]int{}
	for _, n := range c.nodes {
		if n.proc != nil && !n.proc.exited() {
			out[n.id] = n.proc.pid()
		}
	}
	return out
}

// Dir is the cluster's directory (node-N/server.properties, server.log, data).
func (c *Cluster) Dir() string { return c.dir }

// Client returns a franz-go client on the INTERNAL listener with opts
// added; the caller closes it.
func (c *Cluster) Client(opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.Addrs("")...)}, opts...)...)
}

// Admin is the cluster's admin client on the INTERNAL listener (a super
// user when ACLs are on), closed by Stop.
func (c *Cluster) Admin() *kadm.Client { return kadm.NewClient(c.adminClient()) }

func (c *Cluster) adminClient() *kgo.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin == nil {
		cl, err := c.Client(kgo.RetryTimeout(30 * time.Second))
		if err != nil {
			panic(fmt.Sprintf("testkafka: admin client: %v", err)) // only bad options fail here
		}
		c.admin = cl
	}
	return c.admin
}

// logTails is the last lines of every broker's log, for a failure message.
func (c *Cluster) logTails(lines int) string {
	var b strings.Builder
	for _, n := range c.nodes {
		for _, f := range []string{filepath.Join(n.dir, "format.log"), n.logFile()} {
			data, err := os.ReadFile(f)
			if err != nil || len(data) == 0 {
				continue
			}
			all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
			fmt.Fprintf(&b, "--- broker %d: last lines of %s\n%s\n", n.id, filepath.Base(f), strings.Join(all[max(0, len(all)-lines):], "\n"))
		}
	}
	return b.String()
}

// newClusterID is a random Kafka cluster id: 16 bytes, base64url, not
// starting with '-' (which the storage tool would read as an option, the
// reason Kafka's own Uuid.randomUuid avoids it too).
func newClusterID() string {
	for {
		var b [16]byte
		_, _ = rand.Read(b[:])
		if id := base64.RawURLEncoding.EncodeToString(b[:]); id[0] != '-' {
			return id
		}
	}
}

// freePorts reserves n distinct free loopback ports by listening on them
// all at once, then releases them for the brokers.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
