package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// saslUsers are the users of a SASL test broker: name, password.
var saslUsers = [][2]string{{"pit", "wall-secret"}, {"a", "b"}}

// newSASLBroker gives a broker that requires SASL with mech and knows
// saslUsers: kfake, or the SASL_PLAINTEXT listener of real Kafka.
func newSASLBroker(t testing.TB, mech string) string {
	t.Helper()
	if realKafka != nil {
		return realKafka.saslBroker(t, mech)
	}
	opts := []kfake.Opt{kfake.Ports(0), kfake.EnableSASL()}
	for _, u := range saslUsers {
		opts = append(opts, kfake.Superuser(mech, u[0], u[1]))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// tlsBroker is a broker that speaks TLS only.
type tlsBroker struct {
	addr       string
	caPEM      []byte      // the CA that vouches for the broker's certificate
	serverName string      // a name in that certificate besides 127.0.0.1
	serverTLS  *tls.Config // a server config whose certificate caPEM vouches for (for the test's own servers)
}

// newTLSBroker gives a TLS broker: kfake with a self-signed certificate,
// or the TLS listener of real Kafka with its test CA.
func newTLSBroker(t testing.TB) tlsBroker {
	t.Helper()
	if realKafka != nil {
		return realKafka.tlsBroker(t)
	}
	certPEM, _, cert := selfSigned(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	c, err := kfake.NewCluster(kfake.Ports(0), kfake.TLS(serverTLS))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return tlsBroker{addr: c.ListenAddrs()[0], caPEM: certPEM, serverName: "kafka.test", serverTLS: serverTLS}
}

func TestSASL(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			addr := newSASLBroker(t, mech)
			base := []string{"race", "--brokers", addr, "--speed", "max", "--laps", "1", "--drivers", "VER", "--sasl-mechanism", mech,
				"--sasl-username", "pit", "--connect-timeout", "3s"}
			code, out, errOut := cli(t, context.Background(), nil, append(base, "--sasl-password", "wall-secret")...)
			if code != 0 {
				t.Fatalf("exit %d: %s %s", code, out, errOut)
			}
			errOut = expectFail(t, 1, []string{"cannot reach the Kafka broker at " + addr, "check --sasl-mechanism (" + mech + "), --sasl-username (pit)"}, nil, append(base, "--sasl-password", "not-the-password")...)
			if strings.Contains(errOut, "not-the-password") {
				t.Fatal("the SASL password appears in the error")
			}
		})
	}
	// Sanity: the records are there for an authenticated reader.
	addr := newSASLBroker(t, "PLAIN")
	if code, o, e := cli(t, context.Background(), []string{"PITWALL_SASL_MECHANISM=PLAIN", "PITWALL_SASL_USERNAME=a", "PITWALL_SASL_PASSWORD=b"},
		"race", "--brokers", addr, "--speed", "max", "--laps", "1", "--drivers", "HAM"); code != 0 {
		t.Fatalf("exit %d: %s %s", code, o, e)
	}
	cl, _ := kgo.NewClient(seeds(addr), kgo.SASL(plain.Auth{User: "a", Pass: "b"}.AsMechanism()),
		kgo.ConsumeTopics(f1.TopicTelemetry), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if fs := cl.PollFetches(ctx); fs.NumRecords() == 0 {
		t.Fatalf("no telemetry readable: %v", fs.Errors())
	}
}

// selfSigned makes a CA-less self-signed certificate for 127.0.0.1.
func selfSigned(t testing.TB) (certPEM, keyPEM []byte, cert tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pitwall-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"kafka.test"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM, cert
}

func TestTLS(t *testing.T) {
	b := newTLSBroker(t)
	addr := b.addr
	caFile := writeFile(t, t.TempDir(), "ca.pem", string(b.caPEM))
	race := []string{"race", "--brokers", addr, "--speed", "max", "--laps", "1", "--drivers", "LEC", "--connect-timeout", "3s"}
	for name, extra := range map[string][]string{
		"CA file":        {"--tls", "--tls-ca-cert", caFile},
		"inline CA":      {"--tls", "--tls-ca-cert", string(b.caPEM)},
		"server name":    {"--tls", "--tls-ca-cert", caFile, "--tls-server-name", b.serverName},
		"skip verifying": {"--tls", "--tls-skip-verify"},
	} {
		if code, o, e := cli(t, context.Background(), nil, append(race, extra...)...); code != 0 {
			t.Errorf("%s: exit %d: %s %s", name, code, o, e)
		}
	}
	// Without the CA the certificate is not trusted.
	expectFail(t, 1, []string{"cannot reach the Kafka broker at " + addr, "certificate", "check --tls-ca-cert"}, nil, append(race, "--tls")...)
	expectFail(t, 1, []string{"mutual TLS needs both"}, nil, append(race, "--tls", "--tls-client-cert", caFile)...)
}

// TestRegistryOverTLS: the producer's Schema Registry client uses the TLS
// settings of the brokers (the same CA), like the plugin's: an https
// registry whose certificate only --tls-ca-cert vouches for is reached.
func TestRegistryOverTLS(t *testing.T) {
	b := newTLSBroker(t)
	reg := newRegistry(t)
	target, err := url.Parse(reg.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	proxy.TLS = b.serverTLS
	proxy.StartTLS()
	defer proxy.Close()
	caFile := writeFile(t, t.TempDir(), "ca.pem", string(b.caPEM))
	args := []string{"race", "--brokers", b.addr, "--tls", "--tls-ca-cert", caFile, "--registry", proxy.URL, "--format", "avro",
		"--speed", "max", "--laps", "1", "--drivers", "VER", "--connect-timeout", "3s"}
	if code, o, e := cli(t, context.Background(), nil, args...); code != 0 {
		t.Fatalf("exit %d: %s %s", code, o, e)
	}
	subjects, err := http.Get(reg.URL() + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	defer subjects.Body.Close()
	body, _ := io.ReadAll(subjects.Body)
	if !strings.Contains(string(body), f1.TopicTelemetry+"-value") {
		t.Fatalf("no schema registered through the https registry: %s", body)
	}
	// The registry keeps its own certificate check, as the datasource's
	// schemaRegistryTlsSkipVerify: --tls-skip-verify is the brokers' alone.
	noCA := []string{"race", "--brokers", b.addr, "--tls", "--tls-skip-verify", "--registry", proxy.URL, "--format", "avro",
		"--speed", "max", "--laps", "1", "--drivers", "VER", "--connect-timeout", "3s"}
	expectFail(t, 1, []string{"registering the Avro schema", "certificate"}, nil, noCA...)
	if code, o, e := cli(t, context.Background(), nil, append(noCA, "--registry-tls-skip-verify")...); code != 0 {
		t.Fatalf("--registry-tls-skip-verify: exit %d: %s %s", code, o, e)
	}
}
