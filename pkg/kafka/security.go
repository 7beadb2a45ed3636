package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// The one SASL and TLS builder of Pitwall: the plugin's datasource settings
// (pkg/plugin) and the producer's flags (producer/) both turn their inputs
// into a franz-go SASL mechanism and a *tls.Config here, so a setting means
// the same on both sides.

// SASL mechanisms (docs/DESIGN.md's saslMechanism).
const (
	SASLNone        = ""
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// ErrUnknownSASL says a SASL mechanism is not one Pitwall speaks.
var ErrUnknownSASL = errors.New("SASL mechanism is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (or empty for none)")

// SASL returns the mechanism called name (case and surrounding spaces do
// not matter) with user and pass, or nil for SASLNone. The password is only
// handed to franz-go, which never logs it.
func SASL(name, user, pass string) (sasl.Mechanism, error) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case SASLNone:
		return nil, nil
	case SASLPlain:
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case SASLScramSHA256:
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case SASLScramSHA512:
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownSASL, name)
}

// TLS is what a TLS connection to the brokers is made of: PEM material and
// the two options. Secrets (the client key) are only read, never printed.
type TLS struct {
	CA         []byte // PEM of the CA that signed the brokers' certificates; empty: the system's roots
	ClientCert []byte // PEM client certificate, for mutual TLS (with ClientKey)
	ClientKey  []byte
	ServerName string // the name to verify; empty: the broker's host
	SkipVerify bool   // do not verify the brokers' certificates (labs only)
}

// TLSNames are what the caller calls the three PEM inputs (a setting, a
// flag), so that an error says which one to fix.
type TLSNames struct {
	CA, ClientCert, ClientKey string
}

// Config builds the TLS settings: TLS 1.2 or later, the CA pool when CA is
// set, the client key pair when both halves are. Errors name the input to
// fix and hold none of its content.
func (t TLS) Config(names TLSNames) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.SkipVerify} // #nosec G402 -- the user's explicit tlsSkipVerify setting or --tls-skip-verify flag
	if len(t.CA) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.CA) {
			return nil, fmt.Errorf("%s holds no PEM certificate", names.CA)
		}
		cfg.RootCAs = pool
	}
	switch {
	case len(t.ClientCert) > 0 && len(t.ClientKey) > 0:
		pair, err := tls.X509KeyPair(t.ClientCert, t.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("%s and %s are not a valid PEM certificate and matching key", names.ClientCert, names.ClientKey)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case len(t.ClientCert) > 0:
		return nil, fmt.Errorf("%s is set but %s is not (mutual TLS needs both)", names.ClientCert, names.ClientKey)
	case len(t.ClientKey) > 0:
		return nil, fmt.Errorf("%s is set but %s is not (mutual TLS needs both)", names.ClientKey, names.ClientCert)
	}
	return cfg, nil
}

// RegistryTLS is the TLS config for a Schema Registry at url next to
// brokers reached with brokers: the same CA and client certificate, not the
// brokers' server name nor their skip-verify choice, for the registry has
// its own (skipVerify). Nil (the system's defaults) when the registry is
// not https, or when the brokers use no TLS and skipVerify is off.
func RegistryTLS(brokers *tls.Config, url string, skipVerify bool) *tls.Config {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(url)), "https://") {
		return nil
	}
	var c *tls.Config
	switch {
	case brokers != nil:
		c = brokers.Clone()
		c.ServerName = ""
	case skipVerify:
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	default:
		return nil
	}
	c.InsecureSkipVerify = skipVerify // #nosec G402 -- the user's explicit schemaRegistryTlsSkipVerify setting or --registry-tls-skip-verify flag
	return c
}
