package plugin

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Credential failures say which credential is wrong, also when TLS and SASL
// are combined: a wrong SASL password over a good TLS connection is a SASL
// problem; a broker that requires a client certificate and gets none, or an
// untrusted one, is a TLS problem. No message quotes a secret. (Plain SASL
// and plain TLS failures: health_test.go; every output grepped for the
// secrets: secrets_test.go.)
func TestHealthSaysWhichCredentialIsWrong(t *testing.T) {
	ca, server := selfSigned(t)
	const pass = "Right-Pass-3xq"
	sasl := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(server), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "pit", pass))
	tlsJSON := func(extra map[string]any) map[string]any {
		m := map[string]any{"tlsEnabled": true, "timeoutSeconds": 2}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	good := newTestDS(t, sasl, dsOpts{json: tlsJSON(map[string]any{"saslMechanism": "SCRAM-SHA-512", "saslUsername": "pit"}),
		secure: map[string]string{"tlsCACert": ca, "saslPassword": pass}})
	wantHealth(t, health(t, good), backend.HealthStatusOk)
	wrong := newTestDS(t, sasl, dsOpts{json: tlsJSON(map[string]any{"saslMechanism": "SCRAM-SHA-512", "saslUsername": "pit"}),
		secure: map[string]string{"tlsCACert": ca, "saslPassword": "Wrong-Pass-9zz"}})
	res := health(t, wrong)
	wantHealth(t, res, backend.HealthStatusError, "SASL", "saslPassword")
	if strings.Contains(res.Message, "TLS") || strings.Contains(res.Message, "Wrong-Pass-9zz") {
		t.Errorf("a SASL failure over TLS: %s", res.Message)
	}

	// Mutual TLS: the broker trusts only client certificates signed by its
	// own CA.
	clientKey, clientCert := clientKeyPair(t)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(ca))
	mtlsServer := server.Clone()
	mtlsServer.ClientAuth, mtlsServer.ClientCAs = tls.RequireAndVerifyClientCert, pool
	mtls := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(mtlsServer))
	noCert := newTestDS(t, mtls, dsOpts{json: tlsJSON(nil), secure: map[string]string{"tlsCACert": ca}})
	wantHealth(t, health(t, noCert), backend.HealthStatusError, "TLS", "tlsClientCert")
	untrusted := newTestDS(t, mtls, dsOpts{json: tlsJSON(nil),
		secure: map[string]string{"tlsCACert": ca, "tlsClientCert": clientCert, "tlsClientKey": clientKey}})
	res = health(t, untrusted)
	wantHealth(t, res, backend.HealthStatusError, "TLS", "tlsClientCert")
	if strings.Contains(res.Message, "SASL") || strings.Contains(res.Message, strings.Split(clientKey, "\n")[1]) {
		t.Errorf("an mTLS failure: %s", res.Message)
	}
}
