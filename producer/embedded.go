package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// embedded is an in-process Kafka broker (franz-go's kfake) and Schema
// Registry (sr/srfake): for development and tests only. kfake keeps data in
// memory (or in --data-dir) and implements the Kafka protocol; it is not a
// production broker.
type embedded struct {
	cluster     *kfake.Cluster
	reg         *srfake.Registry
	srv         *http.Server
	kafkaAddr   string
	registryURL string
}

// startEmbedded starts the broker on kafkaAddr (host:port, port 0 for any)
// with Pitwall's topics pre-created, and, if registryAddr is not empty, the
// registry on it. An empty host (":9092") or localhost is 127.0.0.1. Any
// other bind is written to warn: neither has authentication.
func startEmbedded(kafkaAddr, registryAddr, dataDir string, topics topicNames, warn io.Writer) (*embedded, error) {
	host, portStr, err := net.SplitHostPort(kafkaAddr)
	if err != nil {
		return nil, fmt.Errorf("broker address %q: want host:port: %w", kafkaAddr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("broker address %q: bad port", kafkaAddr)
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	opts := []kfake.Opt{
		kfake.Ports(port),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		}),
		kfake.ClusterID("pitwall-dev"),
	}
	for _, name := range topics.all() {
		opts = append(opts, kfake.SeedTopics(topics.partitions(name), name))
	}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker on %s: %w", kafkaAddr, err)
	}
	e := &embedded{cluster: cluster, kafkaAddr: cluster.ListenAddrs()[0]}
	if registryAddr != "" {
		if h, p, err := net.SplitHostPort(registryAddr); err == nil && (h == "" || h == "localhost") {
			registryAddr = net.JoinHostPort("127.0.0.1", p)
		}
		ln, err := net.Listen("tcp", registryAddr)
		if err != nil {
			cluster.Close()
			return nil, fmt.Errorf("starting the embedded schema registry on %s: %w", registryAddr, err)
		}
		e.reg = srfake.NewRegistry()
		e.srv = &http.Server{Handler: e.reg.Handler(), ReadHeaderTimeout: 10 * time.Second}
		e.registryURL = "http://" + ln.Addr().String()
		go func() {
			if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Printf("embedded schema registry stopped: %v\n", err)
			}
		}()
	}
	warnExposed(warn, "Kafka broker", e.kafkaAddr)
	if e.srv != nil {
		warnExposed(warn, "Schema Registry", strings.TrimPrefix(e.registryURL, "http://"))
	}
	return e, nil
}

// warnExposed warns when addr (host:port as bound) is not a loopback
// address: the development broker and registry have no authentication, so
// anyone who can reach it may read and write every topic and schema.
func warnExposed(w io.Writer, what, addr string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return
	}
	fmt.Fprintf(w, "WARNING: the development %s listens on %s, which other machines may reach. It has no authentication:\n"+
		"anyone who can connect can read and write everything. Bind it to 127.0.0.1 unless that is what you want.\n", what, addr)
}

func (e *embedded) Close() {
	if e.srv != nil {
		_ = e.srv.Close()
	}
	e.cluster.Close()
}

// useEmbedded starts the embedded broker (and registry, for Avro and
// Protobuf) on the
// addresses the config names and points the config at them.
func (c *kafkaConfig) useEmbedded(dataDir string, warn io.Writer) (*embedded, error) {
	regAddr := ""
	if c.registered() || c.registry != "" {
		regAddr = "127.0.0.1:0"
		if c.registry != "" {
			u := c.registry
			for _, p := range []string{"http://", "https://"} {
				if len(u) > len(p) && u[:len(p)] == p {
					u = u[len(p):]
				}
			}
			regAddr = u
		}
	}
	e, err := startEmbedded(c.brokerList()[0], regAddr, dataDir, c.topics, warn)
	if err != nil {
		return nil, err
	}
	c.brokers = e.kafkaAddr
	if e.registryURL != "" {
		c.registry = e.registryURL
	}
	return e, nil
}
