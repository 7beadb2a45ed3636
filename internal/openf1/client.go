package openf1

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is OpenF1's API root.
const DefaultBaseURL = "https://api.openf1.org/v1"

// Client fetches OpenF1 endpoints. The zero value is not usable: use New.
type Client struct {
	BaseURL     string        // API root, e.g. DefaultBaseURL or an httptest server
	HTTP        *http.Client  // transport; New sets a 60 s timeout
	CacheDir    string        // "" disables the cache
	MinInterval time.Duration // least time between two requests (pacing)
	MaxRetries  int           // retries of a 429/503 or a transport error
	MaxBackoff  time.Duration // longest single wait
	MaxBody     int64         // largest answer read, in bytes
	// Sleep waits (tests replace it); it returns early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logf reports waits and retries ("" to stay quiet when nil).
	Logf func(format string, args ...any)

	mu   sync.Mutex
	last time.Time
	// Requests counts the HTTP requests made (cache hits excluded).
	Requests int
	// CacheHits counts answers read from the cache.
	CacheHits int
}

// New returns a client for baseURL ("" for DefaultBaseURL) with polite
// defaults: 400 ms between requests (25 per 10 s, under OpenF1's 30), 6
// retries, waits of at most 60 s, answers of at most 128 MiB (a whole race of
// one driver's car data is about 5 MiB).
func New(baseURL, cacheDir string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{
		BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 60 * time.Second}, CacheDir: cacheDir,
		MinInterval: 400 * time.Millisecond, MaxRetries: 6, MaxBackoff: 60 * time.Second, MaxBody: 128 << 20,
		Sleep: sleepCtx,
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// StatusError is a non-success HTTP answer.
type StatusError struct {
	URL    string
	Status int
	Body   string // the start of the answer
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("OpenF1 answered %d for %s: %s", e.Status, e.URL, e.Body)
}

// Get fetches endpoint (e.g. "laps") with the query params and returns the
// JSON array it answered. "No results" (OpenF1 answers 404 with a detail
// for an empty selection) is an empty array.
func (c *Client) Get(ctx context.Context, endpoint string, params url.Values) ([]byte, error) {
	u := c.BaseURL + "/" + strings.TrimLeft(endpoint, "/")
	if q := encode(params); q != "" {
		u += "?" + q
	}
	path := c.cachePath(endpoint, params)
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			c.CacheHits++
			return b, nil
		}
	}
	b, err := c.fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := writeAtomic(path, b); err != nil {
			return nil, fmt.Errorf("caching %s in %s: %w", u, c.CacheDir, err)
		}
	}
	return b, nil
}

// encode is url.Values.Encode with keys in order (stable cache names).
func encode(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, x := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(x))
		}
	}
	return b.String()
}

// cachePath names the cache file of a request: the endpoint and its
// parameters, e.g. <dir>/laps/session_key=9590.json.
func (c *Client) cachePath(endpoint string, params url.Values) string {
	if c.CacheDir == "" {
		return ""
	}
	name := encode(params)
	if name == "" {
		name = "all"
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '=', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	ep := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r == '_' {
			return r
		}
		return '_'
	}, endpoint), "_")
	return filepath.Join(c.CacheDir, ep, clean+".json")
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".part-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// fetch GETs u, pacing requests and retrying 429/503 and transport errors.
func (c *Client) fetch(ctx context.Context, u string) ([]byte, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := c.pace(ctx); err != nil {
			return nil, err
		}
		b, wait, err := c.once(ctx, u)
		if err == nil {
			return b, nil
		}
		lastErr = err
		if wait < 0 || ctx.Err() != nil {
			return nil, err
		}
		if attempt >= c.MaxRetries {
			return nil, fmt.Errorf("giving up on %s after %d retries: %w", u, c.MaxRetries, lastErr)
		}
		if wait == 0 {
			wait = time.Second << attempt
		}
		wait = min(wait, c.MaxBackoff)
		c.logf("openf1: %v; retrying in %s", err, wait)
		if err := c.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// pace waits until MinInterval has passed since the last request.
func (c *Client) pace(ctx context.Context) error {
	c.mu.Lock()
	wait := time.Until(c.last.Add(c.MinInterval))
	c.mu.Unlock()
	if wait > 0 {
		if err := c.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.last = time.Now()
	c.Requests++
	c.mu.Unlock()
	return nil
}

// once makes one request. wait says what to do on error: < 0 do not
// retry, 0 back off exponentially, > 0 wait that long (Retry-After).
func (c *Client) once(ctx context.Context, u string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, -1, fmt.Errorf("bad OpenF1 URL %s: %w (check --base-url)", u, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "pitwall-producer (+https://github.com/pitwall-f1/pitwall)")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, 0, fmt.Errorf("cannot reach OpenF1 at %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.MaxBody+1))
	if err != nil {
		return nil, 0, fmt.Errorf("reading OpenF1's answer for %s: %w", u, err)
	}
	if int64(len(body)) > c.MaxBody {
		return nil, -1, fmt.Errorf("OpenF1's answer for %s is larger than %d MiB: narrow the request", u, c.MaxBody>>20)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound && noResults(body):
		return []byte("[]"), 0, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable ||
		resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout:
		return nil, retryAfter(resp.Header.Get("Retry-After")), &StatusError{URL: u, Status: resp.StatusCode, Body: excerpt(body)}
	default:
		return nil, -1, &StatusError{URL: u, Status: resp.StatusCode, Body: excerpt(body)}
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '[' {
		return nil, -1, fmt.Errorf("OpenF1's answer for %s is not a JSON array: %s (is --base-url an OpenF1 API root such as %s?)",
			u, excerpt(body), DefaultBaseURL)
	}
	return body, 0, nil
}

// noResults recognises OpenF1's empty-selection answer.
func noResults(body []byte) bool {
	return bytes.Contains(bytes.ToLower(body), []byte("no results"))
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Millisecond)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), time.Millisecond)
	}
	return 0
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// ErrNotFound says a lookup matched no session.
var ErrNotFound = errors.New("no such OpenF1 session")
