package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

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
	SASLOAuthBearer = "OAUTHBEARER" // client-credentials grant (oauth.go)
	SASLAWSMSKIAM   = "AWS_MSK_IAM" // AWS IAM for Amazon MSK (awsiam.go)
)

// ErrUnknownSASL says a SASL mechanism is not one Pitwall speaks.
var ErrUnknownSASL = errors.New("SASL mechanism is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM (or empty for none)")

// SASLAuth is what a SASL mechanism is made of: user and password for
// PLAIN and SCRAM, OAuth for OAUTHBEARER, AWS for AWS_MSK_IAM.
type SASLAuth struct {
	Mechanism string
	Username  string
	Password  string `json:"-"` // only handed to franz-go, which never logs it
	OAuth     OAuth
	AWS       AWS
	// Names are the caller's names of the OAuth and AWS inputs (zero:
	// PluginNames).
	Names Names
	// Timeout bounds a token request or a credential look-up (0: 10s).
	Timeout time.Duration
}

// Authenticator is a built SASL mechanism. One serves every connection of
// a client (and of its consumers), so an OAuth token is fetched once for
// all of them.
type Authenticator struct {
	Name      string         // the mechanism's name, SASLNone for none
	Mechanism sasl.Mechanism // nil for none
	token     *tokenSource
	aws       *awsCredentials
}

// SASL checks a and builds its mechanism. Case and surrounding spaces of
// the name do not matter. Errors name the input to fix and hold no secret.
func SASL(a SASLAuth) (*Authenticator, error) {
	if a.Names == (Names{}) {
		a.Names = PluginNames
	}
	if a.Timeout <= 0 {
		a.Timeout = 10 * time.Second
	}
	name := strings.ToUpper(strings.TrimSpace(a.Mechanism))
	au := &Authenticator{Name: name}
	switch name {
	case SASLNone:
	case SASLPlain:
		au.Mechanism = plain.Auth{User: a.Username, Pass: a.Password}.AsMechanism()
	case SASLScramSHA256:
		au.Mechanism = scram.Auth{User: a.Username, Pass: a.Password}.AsSha256Mechanism()
	case SASLScramSHA512:
		au.Mechanism = scram.Auth{User: a.Username, Pass: a.Password}.AsSha512Mechanism()
	case SASLOAuthBearer:
		if err := a.OAuth.check(a.Names); err != nil {
			return nil, err
		}
		au.token = newTokenSource(a.OAuth, a.Names, a.Timeout)
		au.Mechanism = au.token.mechanism()
	case SASLAWSMSKIAM:
		if err := a.AWS.check(a.Names); err != nil {
			return nil, err
		}
		au.aws = newAWSCredentials(a.AWS, a.Names, a.Timeout)
		au.Mechanism = au.aws.mechanism()
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownSASL, a.Mechanism)
	}
	return au, nil
}

// Check gets the credentials the mechanism needs before any broker is
// asked: an OAuth token from the token endpoint, AWS credentials from the
// keys or the default chain. It says where they came from ("" when the
// mechanism needs nothing fetched); an error says what to fix.
func (au *Authenticator) Check(ctx context.Context) (string, error) {
	switch {
	case au == nil:
		return "", nil
	case au.token != nil:
		if _, err := au.token.Token(ctx); err != nil {
			return "", err
		}
		return "OAuth token from " + redactURL(au.token.cfg.TokenURL), nil
	case au.aws != nil:
		_, source, err := au.aws.retrieve(ctx)
		if err != nil {
			return "", err
		}
		return "AWS credentials from " + source, nil
	}
	return "", nil
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
