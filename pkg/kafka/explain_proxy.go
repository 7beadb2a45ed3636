package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
)

// proxyProblem explains a connection that failed at the secure SOCKS proxy
// (Config.ProxyAddr set): the proxy itself unreachable, its TLS or its
// credentials refused, or the proxy unable to reach the broker. The SOCKS
// dialer (golang.org/x/net/proxy) reports each as a "socks connect"
// net.OpError whose Err is the cause.
func (c *Client) proxyProblem(err error) error {
	if c.cfg.ProxyAddr == "" {
		return nil
	}
	var op *net.OpError
	for e := err; errors.As(e, &op); e = op.Err {
		if strings.HasPrefix(op.Op, "socks") {
			break
		}
		op = nil
	}
	if op == nil {
		return nil
	}
	proxy, target := c.cfg.ProxyAddr, "the broker"
	if op.Addr != nil {
		target = op.Addr.String()
	}
	cause := op.Err
	var inner *net.OpError
	var dns *net.DNSError
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ae tls.AlertError
	switch {
	case errors.As(cause, &ve) || errors.As(cause, &ua) || errors.As(cause, &ae) || strings.Contains(cause.Error(), "tls:"):
		return &explained{ErrUnreachable, fmt.Sprintf("TLS with the secure SOCKS proxy (Private Data source Connect) at %s failed: %v: check Grafana's [secure_socks_datasource_proxy] root_ca_cert, client_cert, client_key and server_name",
			proxy, cause)}
	case errors.As(cause, &inner) || errors.As(cause, &dns) || isEOF(cause):
		return &explained{ErrUnreachable, fmt.Sprintf("cannot reach the secure SOCKS proxy (Private Data source Connect) at %s: %v: check that the proxy (the PDC agent's tunnel) runs and Grafana's [secure_socks_datasource_proxy] proxy_address",
			proxy, cause)}
	case strings.Contains(cause.Error(), "authentication"):
		return &explained{ErrUnreachable, fmt.Sprintf("the secure SOCKS proxy (Private Data source Connect) at %s refused this datasource's credentials (%v): check secureSocksProxyUsername and secureSocksProxyPassword, or the proxy's users",
			proxy, cause)}
	}
	return &explained{ErrUnreachable, fmt.Sprintf("the secure SOCKS proxy (Private Data source Connect) at %s could not connect to Kafka at %s: %v: check bootstrapServers and that the PDC agent's network reaches the brokers",
		proxy, target, cause)}
}
