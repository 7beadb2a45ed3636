package plugin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// tlsRegistry serves a fake Schema Registry over HTTPS with its own
// self-signed certificate, and counts the requests that carried a password.
func tlsRegistry(t *testing.T) (url string, withPassword *atomic.Int64) {
	t.Helper()
	_, cfg := selfSigned(t)
	reg := srfake.NewRegistry()
	withPassword = &atomic.Int64{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); ok {
			withPassword.Add(1)
		}
		reg.Handler().ServeHTTP(w, r)
	}))
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, withPassword
}

// tlsSkipVerify is the brokers' setting: it no longer turns off the check of
// an HTTPS registry's certificate, to which the registry password is sent.
// schemaRegistryTlsSkipVerify does, with or without TLS to the brokers.
func TestRegistryCertificateIsCheckedApartFromTheBrokers(t *testing.T) {
	_, kafkaTLS := selfSigned(t)
	c := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(kafkaTLS))
	regURL, withPassword := tlsRegistry(t)
	base := map[string]any{"tlsEnabled": true, "tlsSkipVerify": true, "schemaRegistryUrl": regURL, "schemaRegistryUsername": "sr"}
	secret := map[string]string{"schemaRegistryPassword": "Registry-Pw-1"}

	d := newTestDS(t, c, dsOpts{json: base, secure: secret})
	res := health(t, d)
	wantHealth(t, res, backend.HealthStatusError, "Kafka at", "is reachable", "certificate", "schemaRegistryTlsSkipVerify")
	if n := withPassword.Load(); n != 0 {
		t.Fatalf("the registry password was sent %d times to a registry whose certificate is not trusted", n)
	}

	skip := map[string]any{"schemaRegistryTlsSkipVerify": true}
	for k, v := range base {
		skip[k] = v
	}
	d = newTestDS(t, c, dsOpts{json: skip, secure: secret})
	wantHealth(t, health(t, d), backend.HealthStatusOk, "Schema Registry at "+regURL+" is reachable")

	plain := testCluster(t, map[string]int32{"t": 1})
	d = newTestDS(t, plain, dsOpts{json: map[string]any{"schemaRegistryUrl": regURL, "schemaRegistryTlsSkipVerify": true}})
	wantHealth(t, health(t, d), backend.HealthStatusOk, "Schema Registry at "+regURL+" is reachable")
	if !strings.Contains(d.settings.String(), "registrySkipVerify=true") {
		t.Errorf("the settings' description lacks the registry's own setting: %s", d.settings)
	}
}
