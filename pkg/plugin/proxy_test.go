package plugin

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/proxy"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

const proxyPassword = "Pr0xy-Pass-never-shown"

// pdc is Grafana's secure SOCKS proxy as a test sees it: a SOCKS5 server
// behind TLS with client certificates (socks_test.go), and the Grafana
// configuration that points the SDK's proxy dialer at it.
type pdc struct {
	*socksProxy
	grafana map[string]string
}

func newPDC(t *testing.T) *pdc {
	t.Helper()
	certs, err := testkafka.NewCerts() // a CA, a server certificate for localhost, a client certificate
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certs.ServerCert, certs.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certs.CA)
	srv := &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS13}
	p := newSOCKSProxy(t, srv, "pitwall-test", proxyPassword) // the SDK's user is the datasource's uid
	return &pdc{socksProxy: p, grafana: map[string]string{
		proxy.PluginSecureSocksProxyEnabled:            "true",
		proxy.PluginSecureSocksProxyProxyAddress:       p.addr(),
		proxy.PluginSecureSocksProxyServerName:         "localhost",
		proxy.PluginSecureSocksProxyClientCertContents: string(certs.ClientCert),
		proxy.PluginSecureSocksProxyClientKeyContents:  string(certs.ClientKey),
		proxy.PluginSecureSocksProxyRootCAsContents:    string(certs.CA),
	}}
}

// With the proxy on, every connection of the datasource goes through it:
// the brokers (TLS inside the tunnel), the Schema Registry, and the OAuth
// token endpoint; the proxy saw each target and carried the bytes.
func TestSecureSocksProxyCarriesEveryConnection(t *testing.T) {
	p := newPDC(t)
	ca, server := selfSigned(t)
	c := testCluster(t, map[string]int32{"sensors": 1}, kfake.TLS(server))
	fake := srfake.New()
	t.Cleanup(fake.Close)
	const schema = `{"type":"record","name":"S","fields":[{"name":"speed","type":"double"}]}`
	seedSchema(fake, "sensors-value", 7, schema)
	produceWith(t, c, tlsProducer(ca), "sensors", rec{0, "", 1000, avroWire(t, schema, 7, map[string]any{"speed": 301.5})})

	d := newTestDS(t, c, dsOpts{
		json:   map[string]any{"enableSecureSocksProxy": true, "tlsEnabled": true, "schemaRegistryUrl": fake.URL()},
		secure: map[string]string{"tlsCACert": ca, "secureSocksProxyPassword": proxyPassword}, grafana: p.grafana})
	res := health(t, d)
	wantHealth(t, res, backend.HealthStatusOk, "1 topics", "Through the secure SOCKS proxy (Private Data source Connect) at "+p.addr(), "1 subjects")
	resp := runQuery(t, d, map[string]any{"queryType": "raw", "topic": "sensors", "format": "avro", "offset": "timeRange"}, 0, 2000, 100, nil)
	if resp.Error != nil || len(resp.Frames) == 0 || resp.Frames[0].Rows() != 1 {
		t.Fatalf("query through the proxy: %v %v", resp.Error, resp.Frames)
	}

	targets, users := p.seen()
	reg, _ := url.Parse(fake.URL())
	for _, want := range []string{c.ListenAddrs()[0], reg.Host} {
		if !slices.Contains(targets, want) {
			t.Errorf("the proxy was not asked for %s: %v", want, targets)
		}
	}
	if len(users) == 0 || slices.ContainsFunc(users, func(u string) bool { return u != "pitwall-test" }) {
		t.Errorf("users that authenticated to the proxy: %v", users)
	}
	if n := p.bytes.Load(); n < 1000 {
		t.Errorf("the proxy carried %d bytes", n)
	}

	// The token endpoint too (kfake has no OAUTHBEARER, so the broker
	// then refuses the mechanism: the token went through the proxy first).
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"t0ken","token_type":"Bearer","expires_in":60}`))
	}))
	t.Cleanup(idp.Close)
	o := newTestDS(t, c, dsOpts{json: map[string]any{"enableSecureSocksProxy": true, "tlsEnabled": true, "saslMechanism": "OAUTHBEARER",
		"oauthTokenUrl": idp.URL + "/token", "oauthClientId": "pitwall"},
		secure: map[string]string{"tlsCACert": ca, "oauthClientSecret": "s", "secureSocksProxyPassword": proxyPassword}, grafana: p.grafana})
	wantHealth(t, health(t, o), backend.HealthStatusError, `does not accept SASL mechanism "OAUTHBEARER"`)
	targets, _ = p.seen()
	if idpURL, _ := url.Parse(idp.URL); !slices.Contains(targets, idpURL.Host) {
		t.Errorf("the token endpoint %s was reached around the proxy: %v", idpURL.Host, targets)
	}
}

// A proxy that is down, that refuses the datasource's credentials, or that
// cannot reach the broker each gives a health error that says which, and
// a datasource asking for a proxy Grafana does not have is refused.
func TestSecureSocksProxyFailuresSayWhatToFix(t *testing.T) {
	p := newPDC(t)
	c := testCluster(t, map[string]int32{"t": 1})
	jd := map[string]any{"enableSecureSocksProxy": true, "timeoutSeconds": 2}

	down := map[string]string{}
	for k, v := range p.grafana {
		down[k] = v
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	down[proxy.PluginSecureSocksProxyProxyAddress] = dead
	d := newTestDS(t, c, dsOpts{json: jd, secure: map[string]string{"secureSocksProxyPassword": proxyPassword}, grafana: down})
	wantHealth(t, health(t, d), backend.HealthStatusError, "cannot reach the secure SOCKS proxy (Private Data source Connect) at "+dead, "proxy_address")

	wrong := newTestDS(t, c, dsOpts{json: jd, secure: map[string]string{"secureSocksProxyPassword": "wrong"}, grafana: p.grafana})
	res := health(t, wrong)
	wantHealth(t, res, backend.HealthStatusError, "refused this datasource's credentials", "secureSocksProxyPassword")
	if strings.Contains(res.Message, proxyPassword) || strings.Contains(res.Message, "wrong") {
		t.Errorf("a password in %q", res.Message)
	}

	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	gone := ln.Addr().String()
	ln.Close()
	lost := newTestDS(t, nil, dsOpts{json: map[string]any{"enableSecureSocksProxy": true, "timeoutSeconds": 2, "bootstrapServers": gone},
		secure: map[string]string{"secureSocksProxyPassword": proxyPassword}, grafana: p.grafana})
	wantHealth(t, health(t, lost), backend.HealthStatusError, "at "+p.addr()+" could not connect to Kafka at "+gone, "check bootstrapServers")

	untrusted := map[string]string{}
	for k, v := range p.grafana {
		untrusted[k] = v
	}
	other, _ := testkafka.NewCerts()
	untrusted[proxy.PluginSecureSocksProxyRootCAsContents] = string(other.CA)
	tlsFail := newTestDS(t, c, dsOpts{json: jd, secure: map[string]string{"secureSocksProxyPassword": proxyPassword}, grafana: untrusted})
	wantHealth(t, health(t, tlsFail), backend.HealthStatusError, "TLS with the secure SOCKS proxy (Private Data source Connect) at "+p.addr()+" failed", "root_ca_cert")

	none := newTestDS(t, c, dsOpts{json: jd})
	wantHealth(t, health(t, none), backend.HealthStatusError, "enableSecureSocksProxy is on but this Grafana has no secure SOCKS proxy")

	badCert := map[string]string{}
	for k, v := range p.grafana {
		badCert[k] = v
	}
	badCert[proxy.PluginSecureSocksProxyClientKeyContents] = "not a key"
	broken := newTestDS(t, c, dsOpts{json: jd, grafana: badCert})
	wantHealth(t, health(t, broken), backend.HealthStatusError, "the secure SOCKS proxy (Private Data source Connect) cannot be used", "client_key")

	// Without enableSecureSocksProxy, Grafana's proxy is not used.
	direct := newTestDS(t, c, dsOpts{grafana: p.grafana})
	before := p.bytes.Load()
	wantHealth(t, health(t, direct), backend.HealthStatusOk)
	if time.Sleep(50 * time.Millisecond); p.bytes.Load() != before {
		t.Error("a datasource without enableSecureSocksProxy went through the proxy")
	}
}

// tlsProducer are the options of a producer that trusts the test CA.
func tlsProducer(caPEM string) []kgo.Opt {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(caPEM))
	return []kgo.Opt{kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})}
}
