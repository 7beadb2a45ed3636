package plugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func health(t testing.TB, d *Datasource) *backend.CheckHealthResult {
	t.Helper()
	res, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantHealth(t *testing.T, res *backend.CheckHealthResult, status backend.HealthStatus, parts ...string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %v, want %v: %s", res.Status, status, res.Message)
	}
	for _, p := range parts {
		if !strings.Contains(res.Message, p) {
			t.Fatalf("message %q lacks %q", res.Message, p)
		}
	}
}

func TestHealthOKCountsTopicsAndSubjects(t *testing.T) {
	c := testCluster(t, map[string]int32{"a": 1, "b": 2})
	fake := srfake.New()
	t.Cleanup(fake.Close)
	seedSchema(fake, "a-value", 1, `{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}`)
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": fake.URL()}})
	wantHealth(t, health(t, d), backend.HealthStatusOk, "2 topics", "Schema Registry at "+fake.URL()+" is reachable: 1 subjects")
}

func TestHealthUnreachableNamesTheAddress(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	d := newTestDS(t, nil, dsOpts{json: map[string]any{"bootstrapServers": addr, "timeoutSeconds": 2}})
	wantHealth(t, health(t, d), backend.HealthStatusError, "cannot reach Kafka at "+addr, "check bootstrapServers")
}

func TestHealthSilentBrokerTimesOutWithinTimeout(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	d := newTestDS(t, nil, dsOpts{json: map[string]any{"bootstrapServers": ln.Addr().String(), "timeoutSeconds": 1}})
	wantHealth(t, health(t, d), backend.HealthStatusError, ln.Addr().String())
}

func TestHealthWrongSASLPassword(t *testing.T) {
	c := testCluster(t, nil, kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "pit", "right-one"))
	d := newTestDS(t, c, dsOpts{json: map[string]any{"saslMechanism": "SCRAM-SHA-256", "saslUsername": "pit"},
		secure: map[string]string{"saslPassword": "wrong-Pa55-word"}})
	res := health(t, d)
	wantHealth(t, res, backend.HealthStatusError, "SASL", "saslPassword")
	if strings.Contains(res.Message, "wrong-Pa55-word") {
		t.Fatal("health shows the password")
	}
	good := newTestDS(t, c, dsOpts{json: map[string]any{"saslMechanism": "SCRAM-SHA-256", "saslUsername": "pit"},
		secure: map[string]string{"saslPassword": "right-one"}})
	wantHealth(t, health(t, good), backend.HealthStatusOk)
	none := newTestDS(t, c, dsOpts{})
	wantHealth(t, health(t, none), backend.HealthStatusError, "SASL")
}

// selfSigned makes a certificate for 127.0.0.1 and returns its PEM and a
// server TLS config.
func selfSigned(t *testing.T) (string, *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pitwall-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames: []string{"kafka.test"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	if err != nil {
		t.Fatal(err)
	}
	return string(certPEM), &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
}

func TestHealthTLSFailuresSayTLS(t *testing.T) {
	ca, server := selfSigned(t)
	c := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(server))
	untrusted := newTestDS(t, c, dsOpts{json: map[string]any{"tlsEnabled": true, "timeoutSeconds": 2}})
	wantHealth(t, health(t, untrusted), backend.HealthStatusError, "TLS", "unknown authority", "tlsCACert")
	wrongName := newTestDS(t, c, dsOpts{json: map[string]any{"tlsEnabled": true, "tlsServerName": "other.test", "timeoutSeconds": 2},
		secure: map[string]string{"tlsCACert": ca}})
	wantHealth(t, health(t, wrongName), backend.HealthStatusError, "TLS", "host name")
	trusted := newTestDS(t, c, dsOpts{json: map[string]any{"tlsEnabled": true}, secure: map[string]string{"tlsCACert": ca}})
	wantHealth(t, health(t, trusted), backend.HealthStatusOk, "1 topics")

	plain := testCluster(t, map[string]int32{"t": 1})
	tlsToPlain := newTestDS(t, plain, dsOpts{json: map[string]any{"tlsEnabled": true, "timeoutSeconds": 2}, secure: map[string]string{"tlsCACert": ca}})
	wantHealth(t, health(t, tlsToPlain), backend.HealthStatusError, "TLS", "plaintext")
	plainToTLS := newTestDS(t, c, dsOpts{json: map[string]any{"timeoutSeconds": 2}})
	wantHealth(t, health(t, plainToTLS), backend.HealthStatusError, "TLS")
}

func TestHealthRegistryFailures(t *testing.T) {
	c := testCluster(t, map[string]int32{"a": 1})

	gone := srfake.New()
	goneURL := gone.URL()
	gone.Close()
	d := newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": goneURL}})
	wantHealth(t, health(t, d), backend.HealthStatusError, "Kafka at", "is reachable", "cannot reach Schema Registry at "+goneURL)

	broken := srfake.New()
	t.Cleanup(broken.Close)
	broken.Intercept(func(w http.ResponseWriter, _ *http.Request) bool {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error_code":50001,"message":"store down"}`))
		return true
	})
	d = newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": broken.URL()}})
	wantHealth(t, health(t, d), backend.HealthStatusError, "answered HTTP 500 Internal Server Error", "store down")

	locked := srfake.New(srfake.WithAuth("Basic " + base64.StdEncoding.EncodeToString([]byte("sr:good"))))
	t.Cleanup(locked.Close)
	d = newTestDS(t, c, dsOpts{json: map[string]any{"schemaRegistryUrl": locked.URL(), "schemaRegistryUsername": "sr"},
		secure: map[string]string{"schemaRegistryPassword": "Bad-Registry-Pw"}})
	res := health(t, d)
	wantHealth(t, res, backend.HealthStatusError, "HTTP 403", "schemaRegistryPassword")
	if strings.Contains(res.Message, "Bad-Registry-Pw") {
		t.Fatal("health shows the registry password")
	}
}
