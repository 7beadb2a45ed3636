package kafka

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

const (
	testClientID     = "pitwall-client"
	testClientSecret = "Cl13nt-S3cret-never-shown"
)

// idp is a client-credentials token endpoint (RFC 6749 §4.4) of our own:
// it checks the client's credentials (HTTP Basic, or in the body when
// postOnly), records what it was asked, and hands out numbered tokens.
type idp struct {
	srv       *httptest.Server
	requests  atomic.Int32
	expiresIn int
	postOnly  bool
	delay     time.Duration
	answer    func(w http.ResponseWriter) bool // overrides the answer when it returns true

	mu    sync.Mutex
	forms []map[string]string
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	p := &idp{expiresIn: 3600}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *idp) url() string { return p.srv.URL + "/oauth2/token" }

func (p *idp) serve(w http.ResponseWriter, r *http.Request) {
	n := p.requests.Add(1)
	time.Sleep(p.delay)
	if r.Method != http.MethodPost || r.URL.Path != "/oauth2/token" {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseForm()
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	user, pass, basic := r.BasicAuth()
	if basic {
		form["basic"] = user
	}
	p.mu.Lock()
	p.forms = append(p.forms, form)
	p.mu.Unlock()
	if p.answer != nil && p.answer(w) {
		return
	}
	ok := basic && !p.postOnly && user == testClientID && pass == testClientSecret ||
		!basic && form["client_id"] == testClientID && form["client_secret"] == testClientSecret
	w.Header().Set("Content-Type", "application/json")
	if form["grant_type"] != "client_credentials" || !ok {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"Invalid client credentials"}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("token-%d", n), "token_type": "Bearer", "expires_in": p.expiresIn})
}

func (p *idp) lastForm() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.forms[len(p.forms)-1]
}

func source(t *testing.T, p *idp, mod ...func(*OAuth)) *tokenSource {
	t.Helper()
	cfg := OAuth{TokenURL: p.url(), ClientID: testClientID, ClientSecret: testClientSecret, Scopes: []string{"kafka:read", "kafka:describe"}}
	for _, m := range mod {
		m(&cfg)
	}
	if err := cfg.check(PluginNames); err != nil {
		t.Fatal(err)
	}
	return newTokenSource(cfg, PluginNames, 2*time.Second)
}

func TestTokenFetchedOnceSentWithScopesAndAudience(t *testing.T) {
	p := newIDP(t)
	s := source(t, p, func(o *OAuth) { o.Audience = "kafka-cluster" })
	for range 3 {
		tok, err := s.Token(context.Background())
		if err != nil || tok != "token-1" {
			t.Fatalf("%q %v", tok, err)
		}
	}
	if n := p.requests.Load(); n != 1 {
		t.Fatalf("%d token requests for one valid token", n)
	}
	f := p.lastForm()
	if f["basic"] != testClientID || f["scope"] != "kafka:read kafka:describe" || f["audience"] != "kafka-cluster" || f["client_secret"] != "" {
		t.Fatalf("the request was %v", f)
	}
}

// A token is refreshed once 80% of its life has passed: the old one serves
// while the new one is fetched, and no caller waits for it.
func TestTokenRefreshedAtFourFifthsOfItsLife(t *testing.T) {
	p := newIDP(t)
	p.expiresIn = 100
	s := source(t, p)
	var mu sync.Mutex
	now := time.Now()
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	if tok, _ := s.Token(context.Background()); tok != "token-1" {
		t.Fatal(tok)
	}
	advance(79 * time.Second)
	if tok, _ := s.Token(context.Background()); tok != "token-1" || p.requests.Load() != 1 {
		t.Fatalf("at 79%%: %s after %d requests", tok, p.requests.Load())
	}
	advance(2 * time.Second) // 81%: still valid, refreshed in the background
	if tok, _ := s.Token(context.Background()); tok != "token-1" {
		t.Fatalf("at 81%% the valid token was not served while refreshing: %s", tok)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		tok, err := s.Token(context.Background())
		if err == nil && tok == "token-2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refreshed token: %q %v", tok, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := p.requests.Load(); n != 2 {
		t.Fatalf("%d requests for one refresh", n)
	}
	// Past the expiry of every token, a caller waits for a fresh one.
	advance(200 * time.Second)
	if tok, err := s.Token(context.Background()); tok != "token-3" || err != nil {
		t.Fatalf("after expiry: %q %v", tok, err)
	}
}

// A token about to expire is not handed to a new session while the fresh
// one is fetched: the session would end at once, and Kafka lets a
// connection re-authenticate once a second at most.
func TestTokenNearExpiryWaitsForTheFreshOne(t *testing.T) {
	p := newIDP(t)
	p.expiresIn = 6
	s := source(t, p)
	var mu sync.Mutex
	now := time.Now()
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	if tok, _ := s.Token(context.Background()); tok != "token-1" {
		t.Fatal(tok)
	}
	mu.Lock()
	now = now.Add(5 * time.Second) // 1 s left: less than minSession
	mu.Unlock()
	if tok, err := s.Token(context.Background()); tok != "token-2" || err != nil {
		t.Fatalf("%q %v", tok, err)
	}
	// The endpoint down now: the old token is still handed out while it
	// lasts, then the failure.
	p.srv.Close()
	mu.Lock()
	now = now.Add(5 * time.Second) // token-2: 1 s left
	mu.Unlock()
	if tok, err := s.Token(context.Background()); tok != "token-2" || err != nil {
		t.Fatalf("while the old token lasts: %q %v", tok, err)
	}
	mu.Lock()
	now = now.Add(5 * time.Second)
	mu.Unlock()
	if _, err := s.Token(context.Background()); !errors.Is(err, ErrToken) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("after it: %v", err)
	}
}

// Many connections asking at once make one request (single flight).
func TestTokenSingleFlight(t *testing.T) {
	p := newIDP(t)
	p.delay = 200 * time.Millisecond
	s := source(t, p)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := s.Token(context.Background()); err != nil || tok != "token-1" {
				errs <- fmt.Errorf("%q %v", tok, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := p.requests.Load(); n != 1 {
		t.Fatalf("64 callers made %d requests", n)
	}
}

// An endpoint that takes the credentials only in the body
// (client_secret_post) is asked again that way, and then always.
func TestTokenFallsBackToCredentialsInTheBody(t *testing.T) {
	p := newIDP(t)
	p.postOnly = true
	p.expiresIn = 1
	s := source(t, p)
	if tok, err := s.Token(context.Background()); err != nil || tok != "token-2" {
		t.Fatalf("%q %v", tok, err)
	}
	time.Sleep(1100 * time.Millisecond)
	if tok, err := s.Token(context.Background()); err != nil || tok != "token-3" {
		t.Fatalf("%q %v", tok, err)
	}
	if f := p.lastForm(); f["basic"] != "" || f["client_id"] != testClientID {
		t.Fatalf("the second fetch tried Basic again: %v", f)
	}
}

func TestTokenLifetimeFromExpiresInAndTheJWT(t *testing.T) {
	exp := time.Now().Add(40 * time.Minute).Unix()
	claims := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"x","exp":%d}`, exp)))
	if d := lifetime(nil, "e30."+claims+".sig"); d < 39*time.Minute || d > 41*time.Minute {
		t.Errorf("JWT exp: %v", d)
	}
	if d := lifetime(json.RawMessage(`3600`), "e30."+claims+".sig"); d < 39*time.Minute || d > 41*time.Minute {
		t.Errorf("an exp sooner than expires_in: %v", d)
	}
	if d := lifetime(json.RawMessage(`"3600"`), "opaque"); d != time.Hour {
		t.Errorf("expires_in as a string: %v", d)
	}
	if d := lifetime(nil, "opaque"); d != unknownLifetime {
		t.Errorf("no lifetime: %v", d)
	}
}

// Every failure of the token endpoint says what to fix, and none shows the
// client secret, even when the endpoint echoes it.
func TestTokenErrorsSayWhatToFix(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String() + "/token"
	dead.Close()
	for _, tc := range []struct {
		name   string
		mod    func(*OAuth)
		answer func(w http.ResponseWriter) bool
		want   []string
	}{
		{"wrong secret", func(o *OAuth) { o.ClientSecret = "Wr0ng-S3cret" }, nil,
			[]string{"answered HTTP 401 (invalid_client: Invalid client credentials)", "check oauthClientId and oauthClientSecret"}},
		{"unreachable", func(o *OAuth) { o.TokenURL = deadURL }, nil,
			[]string{"cannot reach the OAuth token endpoint " + deadURL, "check oauthTokenUrl"}},
		{"no access_token", nil, func(w http.ResponseWriter) bool {
			_, _ = w.Write([]byte(`{"token_type":"Bearer","expires_in":60}`))
			return true
		}, []string{"without an access_token", "oauthTokenUrl"}},
		{"a login page", nil, func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<html>login</html>`))
			return true
		}, []string{"answered text/html, not a JSON token"}},
		{"bad scope", nil, func(w http.ResponseWriter) bool {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_scope"}`))
			return true
		}, []string{"HTTP 400 (invalid_scope)", "check oauthScopes"}},
		{"echoed secret", nil, func(w http.ResponseWriter) bool {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":"access_denied","error_description":"secret ` + testClientSecret + ` is revoked"}`))
			return true
		}, []string{"secret [redacted] is revoked"}},
		{"wrong path", func(o *OAuth) { o.TokenURL = strings.TrimSuffix(o.TokenURL, "/oauth2/token") + "/other?key=K3Y" }, nil,
			[]string{"HTTP 404", "is oauthTokenUrl the token endpoint"}},
		{"not bearer", nil, func(w http.ResponseWriter) bool {
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"mac"}`))
			return true
		}, []string{`a token of type "mac"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newIDP(t)
			p.answer = tc.answer
			s := source(t, p, func(o *OAuth) {
				if tc.mod != nil {
					tc.mod(o)
				}
			})
			_, err := s.Token(context.Background())
			if !errors.Is(err, ErrToken) {
				t.Fatalf("not ErrToken: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			for _, secret := range []string{testClientSecret, "Wr0ng-S3cret", "K3Y"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("%q shows %q", err, secret)
				}
			}
		})
	}
}

// After a failure the endpoint is not asked again for a while: every broker
// connection would otherwise make a request.
func TestTokenFailureIsNotRetriedAtOnce(t *testing.T) {
	p := newIDP(t)
	s := source(t, p, func(o *OAuth) { o.ClientSecret = "wrong" })
	for range 10 {
		if _, err := s.Token(context.Background()); err == nil {
			t.Fatal("a wrong secret got a token")
		}
	}
	// Basic refused, then the body tried once: two requests in all.
	if n := p.requests.Load(); n != 2 {
		t.Fatalf("10 failing calls made %d requests", n)
	}
}

// The SASL message carries the token and the extensions (RFC 7628 §3.1).
func TestOAuthMechanismSendsTokenAndExtensions(t *testing.T) {
	p := newIDP(t)
	au, err := SASL(SASLAuth{Mechanism: "OAUTHBEARER", OAuth: OAuth{TokenURL: p.url(), ClientID: testClientID, ClientSecret: testClientSecret,
		Extensions: map[string]string{"logicalCluster": "lkc-1", "identityPoolId": "pool-2"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, msg, err := au.Mechanism.Authenticate(context.Background(), "broker:9092")
	if err != nil {
		t.Fatal(err)
	}
	if want := "n,,\x01auth=Bearer token-1\x01identityPoolId=pool-2\x01logicalCluster=lkc-1\x01\x01"; string(msg) != want {
		t.Fatalf("SASL message %q, want %q", msg, want)
	}
	if where, err := au.Check(context.Background()); err != nil || where != "OAuth token from "+p.url() {
		t.Fatalf("%q %v", where, err)
	}
}

// Through a client: CheckAuth gets the token before any broker is asked
// (kfake speaks PLAIN and SCRAM only, so a connection would stop at the
// handshake), and says what to fix; the broker is the one that says when
// it does not speak OAUTHBEARER. Real Kafka with OAUTHBEARER, where a
// token failure also surfaces through a connection, is in
// internal/integration.
func TestClientExplainsTokenFailuresAndUnsupportedMechanism(t *testing.T) {
	c := cluster(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "admin", "admin"))
	p := newIDP(t)
	oauthCfg := func(secret string) func(*Config) {
		return func(cfg *Config) {
			cfg.SASL = SASLAuth{Mechanism: "OAUTHBEARER", OAuth: OAuth{TokenURL: p.url(), ClientID: testClientID, ClientSecret: secret}}
		}
	}
	_, err := client(t, c, oauthCfg("Wr0ng-S3cret")).CheckAuth(context.Background())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "HTTP 401") ||
		!strings.Contains(err.Error(), "oauthClientSecret") || strings.Contains(err.Error(), "Wr0ng") {
		t.Fatalf("a refused token: %v", err)
	}
	good := client(t, c, oauthCfg(testClientSecret))
	if where, err := good.CheckAuth(context.Background()); err != nil || !strings.Contains(where, p.url()) {
		t.Fatalf("%q %v", where, err)
	}
	err = good.Ping(context.Background())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), `does not accept SASL mechanism "OAUTHBEARER"`) {
		t.Fatalf("a broker without OAUTHBEARER: %v", err)
	}
}
