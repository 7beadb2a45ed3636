//go:build integration

package integration

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

// OAUTHBEARER on real Kafka: the brokers validate tokens with Kafka's
// production validator (OAuthBearerValidatorCallbackHandler: signature by
// the keys of a JWKS URL, expiry, audience, issuer), and re-authenticate
// connections when a session ends (connections.max.reauth.ms). The
// identity provider is the test's own: a client-credentials token endpoint
// that signs RS256 JWTs, and the JWKS of its key.

const (
	lnOAuth      = "OAUTH" // SASL_SSL with OAUTHBEARER only
	oauthClient  = "pitwall-grafana"
	oauthSecret  = "0auth-S3cret-it"
	oauthAud     = "kafka"
	wrongAudUser = "wrong-audience" // a client the IdP gives tokens for another audience
	forgedUser   = "forged"         // a client whose tokens are signed by a key not in the JWKS
)

// idp is the identity provider: its key, its token endpoint and JWKS.
type idp struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	other    *rsa.PrivateKey // signs the forged tokens
	ttl      atomic.Int64    // token lifetime, seconds
	issued   atomic.Int64    // tokens handed out
	mu       sync.Mutex
	perScope map[string]int
}

var (
	idpOnce sync.Once
	theIDP  *idp
)

func identityProvider(t *testing.T) *idp {
	idpOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		p := &idp{key: key, other: other, perScope: map[string]int{}}
		p.ttl.Store(300)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /jwks", p.jwks)
		mux.HandleFunc("POST /token", p.token)
		p.srv = httptest.NewServer(mux) // lives as long as the shared cluster: the test binary
		theIDP = p
	})
	return theIDP
}

func (p *idp) tokenURL() string { return p.srv.URL + "/token" }

func (p *idp) jwks(w http.ResponseWriter, _ *http.Request) {
	b64 := base64.RawURLEncoding.EncodeToString
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "pitwall-it", "use": "sig", "alg": "RS256",
		"n": b64(p.key.N.Bytes()), "e": b64(big.NewInt(int64(p.key.E)).Bytes()),
	}}})
}

func (p *idp) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user, pass, _ := r.BasicAuth()
	w.Header().Set("Content-Type", "application/json")
	if r.PostForm.Get("grant_type") != "client_credentials" || pass != oauthSecret || (user != oauthClient && user != wrongAudUser && user != forgedUser) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"unknown client or wrong secret"}`))
		return
	}
	aud := oauthAud
	if user == wrongAudUser {
		aud = "someone-else"
	}
	ttl := p.ttl.Load()
	now := time.Now().Unix()
	claims := map[string]any{"iss": p.srv.URL, "sub": user, "aud": aud, "iat": now, "exp": now + ttl, "scope": r.PostForm.Get("scope")}
	p.issued.Add(1)
	p.mu.Lock()
	p.perScope[r.PostForm.Get("scope")]++
	p.mu.Unlock()
	key := p.key
	if user == forgedUser {
		key = p.other
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": sign(key, claims), "token_type": "Bearer", "expires_in": ttl})
}

// sign makes an RS256 JWT (RFC 7515, compact form).
func sign(key *rsa.PrivateKey, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "pitwall-it"})
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// oauthCluster is one broker whose OAUTH listener takes OAUTHBEARER only,
// validating tokens against the IdP's JWKS, and ends every session after
// 8 s so that clients must re-authenticate with a fresh token.
func oauthCluster(t *testing.T) (*testkafka.Cluster, *idp) {
	t.Helper()
	p := identityProvider(t)
	c := testkafka.Shared(t, "oauth", testkafka.Options{
		Listeners: []testkafka.Listener{{Name: lnOAuth, Security: testkafka.SASLSSL, Mechanisms: []string{testkafka.MechOAuthBearer}}},
		OAuth:     &testkafka.OAuth{JWKSURL: p.srv.URL + "/jwks", Audience: oauthAud, Issuer: p.srv.URL},
		Props:     map[string]string{"connections.max.reauth.ms": "8000"},
	})
	return c, p
}

func oauthSettings(c *testkafka.Cluster, p *idp, client, secret string) (map[string]any, map[string]string) {
	return map[string]any{"bootstrapServers": strings.Join(c.Addrs(lnOAuth), ","), "tlsEnabled": true, "saslMechanism": "OAUTHBEARER",
			"oauthTokenUrl": p.tokenURL(), "oauthClientId": client, "oauthScopes": "kafka:read kafka:describe"},
		map[string]string{"tlsCACert": string(c.Certs.CA), "oauthClientSecret": secret}
}

func TestIntegrationOAuthBearer(t *testing.T) {
	c, p := oauthCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const topic = "oauth-sensors"
	if err := c.CreateTopic(ctx, topic, 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	cl, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := range 5 {
		r := &kgo.Record{Topic: topic, Timestamp: time.UnixMilli(int64(1000 + i)), Value: []byte(fmt.Sprintf(`{"speed":%d}`, 300+i))}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("valid token", func(t *testing.T) {
		jd, sec := oauthSettings(c, p, oauthClient, oauthSecret)
		ds := datasource(t, jd, sec)
		res := checkHealth(t, ds)
		if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "SASL OAUTHBEARER with OAuth token from "+p.tokenURL()) {
			t.Fatalf("%v: %s", res.Status, res.Message)
		}
		r := query(t, ds, map[string]any{"queryType": "raw", "topic": topic, "format": "json", "offset": "timeRange"}, 0, 10_000)
		if r.Error != nil || len(column(t, r, "speed")) != 5 {
			t.Fatalf("%v %v", r.Error, column(t, r, "speed"))
		}
	})

	// Tokens that live 6 s, sessions that end after at most 8 s: over 20 s
	// the datasource fetches new tokens before the old ones expire and the
	// brokers accept each re-authentication; every query succeeds.
	t.Run("refresh and re-authentication", func(t *testing.T) {
		p.ttl.Store(6)
		defer p.ttl.Store(300)
		jd, sec := oauthSettings(c, p, oauthClient, oauthSecret)
		jd["oauthScopes"] = "kafka:refresh" // its own scope, to count its own tokens
		ds := datasource(t, jd, sec)
		deadline := time.Now().Add(20 * time.Second)
		n := 0
		for time.Now().Before(deadline) {
			res := checkHealth(t, ds)
			if res.Status != backend.HealthStatusOk {
				t.Fatalf("after %d checks: %s", n, res.Message)
			}
			r := query(t, ds, map[string]any{"queryType": "raw", "topic": topic, "format": "json", "offset": "lastN", "lastN": 2}, 0, 10_000)
			if r.Error != nil || len(column(t, r, "speed")) != 2 {
				t.Fatalf("after %d queries: %v %v", n, r.Error, column(t, r, "speed"))
			}
			n++
			time.Sleep(time.Second)
		}
		p.mu.Lock()
		tokens := p.perScope["kafka:refresh"]
		p.mu.Unlock()
		// 20 s of 6 s tokens refreshed at 80%: at least 4, not one per
		// connection or request.
		if tokens < 4 || tokens > 12 {
			t.Fatalf("%d tokens for 20 s of 6 s tokens over %d rounds", tokens, n)
		}
		t.Logf("%d rounds, %d tokens", n, tokens)
	})

	// Tokens the brokers must refuse: for another audience, and signed by
	// a key that is not in the JWKS (Kafka checks the signature).
	for _, client := range []string{wrongAudUser, forgedUser} {
		t.Run("token "+client, func(t *testing.T) {
			jd, sec := oauthSettings(c, p, client, oauthSecret)
			res := checkHealth(t, datasource(t, jd, sec))
			t.Logf("%s", res.Message)
			if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "rejected the OAuth token") ||
				!strings.Contains(res.Message, "expected issuer and audience") {
				t.Fatalf("%v: %s", res.Status, res.Message)
			}
		})
	}

	t.Run("wrong client secret", func(t *testing.T) {
		jd, sec := oauthSettings(c, p, oauthClient, "Wr0ng-secret")
		res := checkHealth(t, datasource(t, jd, sec))
		if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "answered HTTP 401 (invalid_client") ||
			!strings.Contains(res.Message, "check oauthClientId and oauthClientSecret") || strings.Contains(res.Message, "Wr0ng") {
			t.Fatalf("%v: %s", res.Status, res.Message)
		}
	})

	// A plain SASL mechanism on the OAUTHBEARER-only listener.
	t.Run("mechanism the listener does not enable", func(t *testing.T) {
		res := checkHealth(t, datasource(t, map[string]any{"bootstrapServers": strings.Join(c.Addrs(lnOAuth), ","), "tlsEnabled": true,
			"saslMechanism": "PLAIN", "saslUsername": "x"}, map[string]string{"tlsCACert": string(c.Certs.CA), "saslPassword": "y"}))
		if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, `does not accept SASL mechanism "PLAIN"`) {
			t.Fatalf("%v: %s", res.Status, res.Message)
		}
	})

	// The producer with the same builder: a race over OAUTHBEARER.
	t.Run("producer", func(t *testing.T) {
		caFile := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(caFile, c.Certs.CA, 0o600); err != nil {
			t.Fatal(err)
		}
		const raceTopic = "f1-oauth-telemetry"
		args := []string{"race", "--speed", "max", "--laps", "1", "--drivers", "VER", "--connect-timeout", "10s", "--topic-telemetry", raceTopic,
			"--brokers", strings.Join(c.Addrs(lnOAuth), ","), "--tls", "--tls-ca-cert", caFile, "--sasl-mechanism", "OAUTHBEARER",
			"--oauth-token-url", p.tokenURL(), "--oauth-client-id", oauthClient, "--oauth-client-secret", oauthSecret, "--oauth-scopes", "kafka:write"}
		code, out := producer(t, 2*time.Minute, args...)
		if code != 0 || strings.Contains(out, oauthSecret) {
			t.Fatalf("exit %d:\n%s", code, lastLines(out, 8))
		}
		ends, err := c.Admin().ListEndOffsets(ctx, raceTopic)
		if err != nil {
			t.Fatal(err)
		}
		total := int64(0)
		ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
		if total == 0 {
			t.Fatalf("the producer exited 0 but %s is empty", raceTopic)
		}
		code, out = producer(t, time.Minute, append(args[:len(args)-4], "--oauth-client-secret", "Wr0ng-secret")...)
		if code == 0 || !strings.Contains(out, "check --oauth-client-id and --oauth-client-secret") || strings.Contains(out, "Wr0ng-secret") {
			t.Fatalf("wrong secret: exit %d:\n%s", code, lastLines(out, 5))
		}
	})
}
