package testkafka

import (
	"fmt"
	"slices"
	"strings"
)

// Security is a listener's security protocol.
type Security string

// Kafka's security protocols.
const (
	Plaintext     Security = "PLAINTEXT"
	SSL           Security = "SSL"
	SASLPlaintext Security = "SASL_PLAINTEXT"
	SASLSSL       Security = "SASL_SSL"
)

// SASL mechanisms a listener can enable.
const (
	MechPlain       = "PLAIN"
	MechScramSHA256 = "SCRAM-SHA-256"
	MechScramSHA512 = "SCRAM-SHA-512"
	// MechOAuthBearer validates JWTs with Kafka's production validator
	// (OAuthBearerValidatorCallbackHandler) against Options.OAuth's JWKS.
	MechOAuthBearer = "OAUTHBEARER"
)

// OAuth is how brokers validate OAUTHBEARER tokens: signed JWTs whose keys
// are served at JWKSURL (allowed to the JVM with
// org.apache.kafka.sasl.oauthbearer.allowed.urls), with the expected
// audience and issuer when set.
type OAuth struct {
	JWKSURL  string
	Audience string
	Issuer   string
}

// Listener is a client listener under test, besides the plaintext INTERNAL
// one that every broker has.
type Listener struct {
	// Name is the listener's name, upper case letters, digits and _ (for
	// example SASL_TLS); not INTERNAL or CONTROLLER.
	Name     string
	Security Security
	// ClientAuth requires a client certificate signed by the cluster's CA
	// (mutual TLS) on an SSL or SASL_SSL listener.
	ClientAuth bool
	// Mechanisms enabled on a SASL listener; empty means PLAIN,
	// SCRAM-SHA-256 and SCRAM-SHA-512. OAUTHBEARER needs Options.OAuth.
	Mechanisms []string
}

func (l Listener) tls() bool  { return l.Security == SSL || l.Security == SASLSSL }
func (l Listener) sasl() bool { return l.Security == SASLPlaintext || l.Security == SASLSSL }

func (l Listener) mechanisms() []string {
	if len(l.Mechanisms) == 0 {
		return []string{MechPlain, MechScramSHA256, MechScramSHA512}
	}
	return l.Mechanisms
}

// User is a SASL user: known to PLAIN (in the listener's JAAS config) and to
// SCRAM-SHA-256 and SCRAM-SHA-512 (created when the storage is formatted).
type User struct {
	Name, Password string
}

// Options describe a cluster. The zero value is one plaintext broker.
type Options struct {
	// Brokers is 1 or 3 (0 means 1). Every node is broker and controller.
	Brokers int
	// Listeners are the client listeners under test.
	Listeners []Listener
	// Users exist on every SASL listener.
	Users []User
	// ACLs turns on the StandardAuthorizer with
	// allow.everyone.if.no.acl.found=false. The INTERNAL listener's
	// principal (User:ANONYMOUS, the harness) and SuperUsers are super users.
	ACLs       bool
	SuperUsers []string
	// OAuth configures OAUTHBEARER, on the listeners that enable it.
	OAuth *OAuth
	// Props are extra broker properties; they override the defaults
	// (for example log.segment.bytes, log.retention.check.interval.ms).
	Props map[string]string
	// Heap is the JVM's -Xmx (default 384m).
	Heap string
	// JVMOpts replace the default JIT and GC flags
	// (-XX:+UseSerialGC -XX:TieredStopAtLevel=1, tuned for a fast start).
	JVMOpts []string
}

func (o Options) normalized() (Options, error) {
	if o.Brokers == 0 {
		o.Brokers = 1
	}
	if o.Brokers != 1 && o.Brokers != 3 {
		return o, fmt.Errorf("testkafka: Brokers must be 1 or 3, not %d", o.Brokers)
	}
	if o.Heap == "" {
		o.Heap = "384m"
	}
	seen := map[string]bool{"INTERNAL": true, "CONTROLLER": true}
	for _, l := range o.Listeners {
		if l.Name == "" || strings.ToUpper(l.Name) != l.Name || strings.ContainsAny(l.Name, " :,=") {
			return o, fmt.Errorf("testkafka: listener name %q: use upper case letters, digits and _", l.Name)
		}
		if seen[l.Name] {
			return o, fmt.Errorf("testkafka: listener name %q is taken", l.Name)
		}
		seen[l.Name] = true
		switch l.Security {
		case Plaintext, SSL, SASLPlaintext, SASLSSL:
		default:
			return o, fmt.Errorf("testkafka: listener %s: unknown security protocol %q", l.Name, l.Security)
		}
		if l.ClientAuth && !l.tls() {
			return o, fmt.Errorf("testkafka: listener %s: ClientAuth needs SSL or SASL_SSL", l.Name)
		}
		if slices.Contains(l.Mechanisms, MechOAuthBearer) && (o.OAuth == nil || o.OAuth.JWKSURL == "") {
			return o, fmt.Errorf("testkafka: listener %s: OAUTHBEARER needs Options.OAuth with a JWKS URL", l.Name)
		}
	}
	for _, u := range o.Users {
		if u.Name == "" || strings.ContainsAny(u.Name+u.Password, "\"\\,[]=\n") {
			return o, fmt.Errorf("testkafka: user %q: names and passwords must not hold quotes, backslashes, commas, brackets or =", u.Name)
		}
	}
	return o, nil
}

// needsTLS reports whether any listener uses TLS.
func (o Options) needsTLS() bool {
	for _, l := range o.Listeners {
		if l.tls() {
			return true
		}
	}
	return false
}

// scramMechanisms lists the SCRAM mechanisms some listener enables.
func (o Options) scramMechanisms() []string {
	var out []string
	for _, m := range []string{MechScramSHA256, MechScramSHA512} {
		for _, l := range o.Listeners {
			if l.sasl() && slices.Contains(l.mechanisms(), m) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
