package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DialFunc opens a connection, like net.Dialer's DialContext. The plugin
// passes the Grafana SDK's secure SOCKS proxy dialer (Private Data source
// Connect) so that every broker, registry and token connection goes
// through the proxy.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// brokerDialer dials brokers with dial, then TLS when tlsCfg is set (with
// the broker's host as the server name unless one is given), within
// timeout. franz-go takes either a dialer or a TLS config, not both, hence
// the TLS here.
func brokerDialer(dial DialFunc, tlsCfg *tls.Config, timeout time.Duration) DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tlsCfg == nil {
			return conn, nil
		}
		c := tlsCfg.Clone()
		if c.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				conn.Close()
				return nil, fmt.Errorf("broker address %q is not host:port: %w", addr, err)
			}
			c.ServerName = host
		}
		tc := tls.Client(conn, c)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
}

// HTTPClient is a client for web endpoints beside the brokers (the OAuth
// token endpoint): TLS per tlsCfg (nil: the system's defaults), connections
// through dial when set (the proxy), answers within timeout.
func HTTPClient(tlsCfg *tls.Config, dial DialFunc, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tlsCfg != nil {
		tr.TLSClientConfig = tlsCfg
	}
	if dial != nil {
		tr.DialContext = dial
		tr.Proxy = nil // the proxy is the dialer
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}

// WebTLS is the TLS of a web endpoint the brokers' CA may have signed (a
// lab's identity provider) or a public CA may (a cloud one): the system's
// roots plus the CA in caPEM, when given.
func WebTLS(caPEM []byte) *tls.Config {
	if len(caPEM) == 0 {
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM(caPEM)
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
}
