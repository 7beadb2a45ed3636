package kafka

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
)

// The token source of OAUTHBEARER: the client-credentials request, its
// cache and refresh, and errors that say what to fix.

// Token lifetimes: refresh once refreshShare of a token's life has passed;
// a token whose endpoint names no lifetime (and that is no JWT with an exp)
// is refreshed after unknownLifetime. A failed fetch is not retried for
// retryAfter: the error is returned at once meanwhile, so that a bad secret
// does not turn every broker connection into a request to the endpoint.
//
// A session a broker opens with a token ends when the token expires, and
// the client must then re-authenticate (KIP-368), which Kafka allows once a
// second at most and franz-go does a second before the end: a token with
// less than minSession (or half its life, for short-lived tokens) left is
// not handed out; the caller waits for the fresh one, unless the endpoint
// fails, when the old one serves while it is valid.
const (
	minSession      = 5 * time.Second
	refreshShare    = 0.8
	unknownLifetime = 5 * time.Minute
	retryAfter      = 2 * time.Second
	maxTokenBody    = 1 << 20
)

// tokenSource fetches and caches tokens. One fetch runs at a time; callers
// that need a token meanwhile wait for it (or, when the cached token is
// still valid, get that one while a refresh runs in the background).
type tokenSource struct {
	cfg     OAuth
	names   Names
	timeout time.Duration
	now     func() time.Time

	mu        sync.Mutex
	token     string
	refreshAt time.Time
	expiresAt time.Time
	minLeft   time.Duration // the least life left a token is handed out with
	inflight  chan struct{} // closed when the running fetch ends
	lastErr   error
	errUntil  time.Time
	postAuth  bool // the endpoint wants the client credentials in the body
	fetches   int  // requests made (tests)
}

func newTokenSource(cfg OAuth, names Names, timeout time.Duration) *tokenSource {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: timeout}
	}
	return &tokenSource{cfg: cfg, names: names, timeout: timeout, now: time.Now}
}

// mechanism is the SASL mechanism that authenticates with the cached token.
func (s *tokenSource) mechanism() sasl.Mechanism {
	return oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
		tok, err := s.Token(ctx)
		if err != nil {
			return oauth.Auth{}, err
		}
		return oauth.Auth{Token: tok, Extensions: s.cfg.Extensions}, nil
	})
}

// Token returns a valid token, fetching one if none is cached or the cached
// one is past its refresh point.
func (s *tokenSource) Token(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		now := s.now()
		valid := s.token != "" && now.Before(s.expiresAt)
		lasting := valid && s.expiresAt.Sub(now) >= s.minLeft
		if lasting && now.Before(s.refreshAt) {
			tok := s.token
			s.mu.Unlock()
			return tok, nil
		}
		if s.inflight == nil {
			if s.lastErr != nil && now.Before(s.errUntil) {
				// The last fetch failed a moment ago: the old token while
				// it lasts, else that failure.
				tok, err := s.token, s.lastErr
				s.mu.Unlock()
				if valid {
					return tok, nil
				}
				return "", err
			}
			s.inflight = make(chan struct{})
			// The fetch is shared by every caller waiting for a token, so
			// no one caller's context may cancel it; it has its own
			// timeout (s.timeout).
			go s.fetch(s.inflight) // #nosec G118 -- see above
		}
		if lasting {
			// Valid for a while yet: use it while the refresh runs.
			tok := s.token
			s.mu.Unlock()
			return tok, nil
		}
		wait := s.inflight
		s.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return "", fmt.Errorf("%w: waiting for a token from %s: %w", ErrToken, redactURL(s.cfg.TokenURL), ctx.Err())
		}
		s.mu.Lock()
		if s.token != "" && s.now().Before(s.expiresAt) {
			// The fresh token, or, when the fetch failed, the old one
			// while it lasts.
			tok := s.token
			s.mu.Unlock()
			return tok, nil
		}
		err := s.lastErr
		s.mu.Unlock()
		if err != nil {
			return "", err
		}
	}
}

// fetch asks the endpoint for a token, on its own context (a caller that
// gives up does not cancel the fetch others wait for), and stores the
// outcome.
func (s *tokenSource) fetch(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	start := s.now()
	tok, life, err := s.request(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(done)
	s.inflight = nil
	if err != nil {
		s.lastErr, s.errUntil = err, s.now().Add(retryAfter)
		return
	}
	s.lastErr = nil
	s.token = tok
	s.expiresAt = start.Add(life)
	s.refreshAt = start.Add(time.Duration(float64(life) * refreshShare))
	s.minLeft = min(minSession, life/2)
}

// tokenResponse is RFC 6749 §5.1 and §5.2. expires_in comes as a number or,
// from some endpoints, as a string.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

// request makes one token request. The client authenticates with HTTP
// Basic (client_secret_basic, which every endpoint must accept); an endpoint
// that refuses the client that way (401 or invalid_client) is asked again
// with the credentials in the body (client_secret_post), and that choice is
// kept when it works.
func (s *tokenSource) request(ctx context.Context) (string, time.Duration, error) {
	s.mu.Lock()
	post := s.postAuth
	s.mu.Unlock()
	tok, life, refused, err := s.requestWith(ctx, post)
	if err == nil || post || !refused {
		return tok, life, err
	}
	tok, life, refused2, err2 := s.requestWith(ctx, true)
	switch {
	case err2 == nil:
		s.mu.Lock()
		s.postAuth = true
		s.mu.Unlock()
		return tok, life, nil
	case refused2:
		return "", 0, err // refused both ways: the first answer says it
	}
	return "", 0, err2 // the body worked for the client but failed otherwise
}

// requestWith makes one request, with the client's credentials in the body
// when post. refused: the endpoint refused the client itself.
func (s *tokenSource) requestWith(ctx context.Context, post bool) (tok string, life time.Duration, refused bool, err error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(s.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(s.cfg.Scopes, " "))
	}
	if s.cfg.Audience != "" {
		form.Set("audience", s.cfg.Audience)
	}
	if post {
		form.Set("client_id", s.cfg.ClientID)
		form.Set("client_secret", s.cfg.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, false, s.fail("%s is not a valid URL", s.names.TokenURL)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !post {
		req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	}
	s.mu.Lock()
	s.fetches++
	s.mu.Unlock()
	resp, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return "", 0, false, s.fail("cannot reach the OAuth token endpoint %s: %s: check %s and that Grafana (or its proxy) can reach it",
			redactURL(s.cfg.TokenURL), s.scrub(unwrapURLError(err)), s.names.TokenURL)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody+1))
	if err != nil {
		return "", 0, false, s.fail("reading the answer of the OAuth token endpoint %s: %s", redactURL(s.cfg.TokenURL), s.scrub(err.Error()))
	}
	if len(body) > maxTokenBody {
		return "", 0, false, s.fail("the OAuth token endpoint %s answered more than 1 MiB: is %s the token endpoint?", redactURL(s.cfg.TokenURL), s.names.TokenURL)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK {
		return "", 0, resp.StatusCode == http.StatusUnauthorized || tr.Error == "invalid_client", s.statusError(resp.StatusCode, tr)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); jsonErr != nil {
		return "", 0, false, s.fail("the OAuth token endpoint %s answered %s, not a JSON token: is %s the token endpoint (not the issuer or a login page)?",
			redactURL(s.cfg.TokenURL), orUnknown(ct), s.names.TokenURL)
	}
	if tr.AccessToken == "" {
		return "", 0, false, s.fail("the OAuth token endpoint %s answered without an access_token: is %s the token endpoint of a client-credentials client?",
			redactURL(s.cfg.TokenURL), s.names.TokenURL)
	}
	if tt := strings.ToLower(tr.TokenType); tt != "" && tt != "bearer" {
		return "", 0, false, s.fail("the OAuth token endpoint %s gave a token of type %q; OAUTHBEARER needs a Bearer token", redactURL(s.cfg.TokenURL), s.scrub(tr.TokenType))
	}
	return tr.AccessToken, lifetime(tr.ExpiresIn, tr.AccessToken), false, nil
}

// statusError explains a refused token request.
func (s *tokenSource) statusError(status int, tr tokenResponse) error {
	said := ""
	if tr.Error != "" {
		said = " (" + s.scrub(tr.Error)
		if tr.Description != "" {
			said += ": " + s.scrub(tr.Description)
		}
		said += ")"
	}
	where := fmt.Sprintf("the OAuth token endpoint %s answered HTTP %d%s", redactURL(s.cfg.TokenURL), status, said)
	switch {
	case status == http.StatusUnauthorized || tr.Error == "invalid_client" || tr.Error == "unauthorized_client":
		return s.fail("%s: it refused the client credentials; check %s and %s", where, s.names.ClientID, s.names.ClientSecret)
	case tr.Error == "invalid_scope":
		return s.fail("%s: check %s (the scopes this client may ask for)", where, s.names.Scopes)
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		return s.fail("%s: is %s the token endpoint (it takes POST)?", where, s.names.TokenURL)
	case status == http.StatusBadRequest || status == http.StatusForbidden:
		return s.fail("%s: check %s, %s and %s", where, s.names.ClientID, s.names.ClientSecret, s.names.Scopes)
	}
	return s.fail("%s: check %s and that the identity provider is up", where, s.names.TokenURL)
}

func (s *tokenSource) fail(format string, args ...any) error {
	return &tokenError{msg: fmt.Sprintf(format, args...)}
}

// scrub bounds text that came from the endpoint or the network and removes
// the client secret from it, should anything echo it.
func (s *tokenSource) scrub(text string) string {
	if s.cfg.ClientSecret != "" {
		text = strings.ReplaceAll(text, s.cfg.ClientSecret, "[redacted]")
	}
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	return text
}

type tokenError struct{ msg string }

func (e *tokenError) Error() string { return e.msg }
func (e *tokenError) Unwrap() error { return ErrToken }

// lifetime is the shorter of expires_in and the time to a JWT token's exp
// (read, not verified: brokers judge a session by exp, which is whole
// seconds and the identity provider's clock), else unknownLifetime.
func lifetime(expiresIn json.RawMessage, token string) time.Duration {
	life := time.Duration(0)
	raw := strings.Trim(string(expiresIn), `"`)
	if n, err := strconv.ParseFloat(raw, 64); err == nil && n > 0 && n < 1e9 {
		life = time.Duration(n * float64(time.Second))
	}
	if parts := strings.Split(token, "."); len(parts) == 3 {
		if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var claims struct {
				Exp float64 `json:"exp"`
			}
			if json.Unmarshal(b, &claims) == nil && claims.Exp > 0 {
				if d := time.Until(time.Unix(int64(claims.Exp), 0)); d > 0 && (life == 0 || d < life) {
					life = d
				}
			}
		}
	}
	if life == 0 {
		return unknownLifetime
	}
	return life
}

func unwrapURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}
