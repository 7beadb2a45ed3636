package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// dialLog remembers the last failed connection, so that an operation that
// merely timed out can still say which address could not be reached and why.
type dialLog struct {
	mu   sync.Mutex
	addr string
	err  error
	at   time.Time
}

var _ kgo.HookBrokerConnect = (*dialLog)(nil)

func (d *dialLog) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		d.addr, d.err = "", nil
		return
	}
	d.addr = net.JoinHostPort(meta.Host, strconv.Itoa(int(meta.Port)))
	d.err, d.at = err, time.Now()
}

func (d *dialLog) last() (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err == nil || time.Since(d.at) > time.Minute {
		return "", nil
	}
	return d.addr, d.err
}

// Fault classes of Explain.
var (
	ErrUnreachable = errors.New("kafka unreachable")
	ErrAuth        = errors.New("kafka authentication failed")
	ErrTLS         = errors.New("kafka TLS failed")
	ErrTimeout     = errors.New("kafka timed out")
	// ErrCanceled: the caller gave up (a panel closed, a query replaced by a
	// newer one), not Kafka. It is no fault to report or log as one.
	// It wraps context.Canceled, so the SDK and Grafana count it as a
	// cancelled request, not an error.
	ErrCanceled = fmt.Errorf("request cancelled: %w", context.Canceled)
)

// Explain turns a franz-go error into one that says what to fix: the address
// that could not be reached, an authentication failure, a TLS failure, or a
// timeout, or that the caller cancelled. The result wraps one of
// ErrUnreachable, ErrAuth, ErrTLS, ErrTimeout or ErrCanceled when it is one of
// those. It never holds the password.
func (c *Client) Explain(err error) error {
	if err == nil {
		return nil
	}
	var already interface{ explained() }
	if errors.As(err, &already) {
		return err
	}
	brokers := strings.Join(c.cfg.Brokers, ",")
	if ex := c.classify(err); ex != nil {
		return ex
	}
	if isEOF(err) && c.auth.Name != SASLNone {
		// Some brokers (kfake among them) just close the connection when
		// SASL authentication fails instead of answering with an error.
		if _, derr := c.dial.last(); derr != nil && isEOF(derr) {
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s closed the connection during SASL authentication (mechanism %s, %s): %s, and that the broker enables this mechanism",
				brokers, c.auth.Name, c.who(), c.credentialHint())}
		}
	}
	if errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		// The caller went away: Kafka may have been answering fine. Saying
		// "no answer within 10s" for a request that lasted a second misleads.
		return &explained{ErrCanceled, fmt.Sprintf("the request to Kafka at %s was cancelled before it finished (the panel or query that asked went away: %v)", brokers, context.Canceled)}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		if addr, derr := c.dial.last(); derr != nil {
			if ex := c.classify(derr); ex != nil {
				return ex
			}
			if c.cfg.TLS != nil && isTimeout(derr) && tcpReachable(addr) {
				return c.tlsSilent(addr)
			}
			return &explained{ErrUnreachable, fmt.Sprintf("cannot reach Kafka at %s: %v: check bootstrapServers and that Grafana can reach the broker", addr, derr)}
		}
		return &explained{ErrTimeout, fmt.Sprintf("no answer from Kafka at %s within %s: check bootstrapServers, the network, and whether the broker expects TLS or SASL", brokers, c.cfg.Timeout)}
	}
	return fmt.Errorf("kafka at %s: %w", brokers, err)
}

type explained struct {
	class error
	msg   string
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.class }
func (e *explained) explained()    {}

func (c *Client) classify(err error) error {
	brokers := strings.Join(c.cfg.Brokers, ",")
	if ex := c.proxyProblem(err); ex != nil {
		return ex
	}
	if ex := c.credentialProblem(err); ex != nil {
		return ex
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch ke {
		case kerr.SaslAuthenticationFailed:
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s rejected the SASL credentials (mechanism %s, %s): %s",
				brokers, c.auth.Name, c.who(), c.rejectedHint())}
		case kerr.UnsupportedSaslMechanism, kerr.IllegalSaslState:
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s does not accept SASL mechanism %q: set saslMechanism to one the broker enables", brokers, c.auth.Name)}
		case kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed:
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s: %s is not authorized (%s): grant it describe/read ACLs", brokers, c.who(), ke.Message)}
		}
	}
	var fr *kgo.ErrFirstReadEOF
	if errors.As(err, &fr) {
		msg := fr.Error()
		if strings.Contains(msg, "SASL") {
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s closed the connection right after the first request: the broker probably requires SASL; set saslMechanism, saslUsername and saslPassword", brokers)}
		}
		return &explained{ErrTLS, fmt.Sprintf("TLS mismatch with Kafka at %s: %s Check tlsEnabled", brokers, msg)}
	}
	if tlsMsg := tlsProblem(err); tlsMsg != "" {
		if clientCertRefused(tlsMsg) {
			return &explained{ErrTLS, fmt.Sprintf("TLS handshake with Kafka at %s failed: %s: the broker wants a client certificate it trusts; check tlsClientCert and tlsClientKey", brokers, tlsMsg)}
		}
		return &explained{ErrTLS, fmt.Sprintf("TLS handshake with Kafka at %s failed: %s: check tlsCACert, tlsServerName and tlsSkipVerify, and that the broker listens with TLS", brokers, tlsMsg)}
	}
	var op *net.OpError
	if errors.As(err, &op) {
		addr := brokers
		if op.Addr != nil {
			addr = op.Addr.String()
		}
		if c.cfg.TLS != nil && op.Timeout() && op.Addr != nil && tcpReachable(addr) {
			return c.tlsSilent(addr)
		}
		return &explained{ErrUnreachable, fmt.Sprintf("cannot reach Kafka at %s: %v: check bootstrapServers and that Grafana can reach the broker", addr, op.Err)}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return &explained{ErrUnreachable, fmt.Sprintf("cannot resolve Kafka host %q: check bootstrapServers", dns.Name)}
	}
	return nil
}

// clientCertRefused reports whether a TLS failure is the broker refusing our
// client certificate (mutual TLS): missing, or not signed by a CA it trusts.
func clientCertRefused(tlsMsg string) bool {
	if !strings.Contains(tlsMsg, "remote error") && !strings.Contains(tlsMsg, "TLS alert") {
		return false
	}
	for _, a := range []string{"certificate required", "bad certificate", "unknown certificate authority", "certificate unknown"} {
		if strings.Contains(tlsMsg, a) {
			return true
		}
	}
	return false
}

// tlsSilent explains a TLS handshake that got no answer from a listener
// that accepts TCP connections: most likely a plaintext listener.
func (c *Client) tlsSilent(addr string) error {
	return &explained{ErrTLS, fmt.Sprintf("TLS handshake with Kafka at %s got no answer although the port accepts connections: the listener is probably plaintext; check tlsEnabled and the port", addr)}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// tcpReachable reports whether a TCP connection to addr opens.
func tcpReachable(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// tlsProblem describes a TLS failure in err, or returns "".
func tlsProblem(err error) string {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var ae tls.AlertError
	var ve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &ua):
		return "the broker's certificate is signed by an unknown authority"
	case errors.As(err, &he):
		return "the broker's certificate does not match the host name (" + he.Host + ")"
	case errors.As(err, &ci):
		return "the broker's certificate is invalid (" + ci.Error() + ")"
	case errors.As(err, &ve):
		return "the broker's certificate could not be verified"
	case errors.As(err, &rh):
		return "the broker did not answer with TLS (is it a plaintext listener?)"
	case errors.As(err, &ae):
		return "the broker sent TLS alert: " + ae.Error()
	}
	if s := err.Error(); strings.Contains(s, "tls:") || strings.Contains(s, "x509:") {
		return s
	}
	return ""
}
