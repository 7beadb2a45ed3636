package openf1test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Server is an httptest server in front of a fixture directory. Its API
// root is URL + "/v1".
type Server struct {
	*httptest.Server
	dir string

	mu        sync.Mutex
	requests  []string
	throttle  int    // answer the next throttle requests with 429
	retryHint string // their Retry-After header ("" for none)
}

// New serves dir until the test ends.
func New(tb testing.TB, dir string) *Server {
	tb.Helper()
	s := &Server{dir: dir}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// API is the root to give the client (--base-url).
func (s *Server) API() string { return s.URL + "/v1" }

// Throttle makes the next n requests answer 429 Too Many Requests, with
// Retry-After: retryAfter when it is not "".
func (s *Server) Throttle(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle, s.retryHint = n, retryAfter
}

// Requests lists the request URIs served (429s included).
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	throttled := s.throttle > 0
	if throttled {
		s.throttle--
	}
	hint := s.retryHint
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if throttled {
		if hint != "" {
			w.Header().Set("Retry-After", hint)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"Rate limit exceeded: 30 per 10 second"}`)
		return
	}
	ep, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok || strings.ContainsAny(ep, "/.\\") || ep == "" {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail":"Not Found"}`)
		return
	}
	data, err := os.ReadFile(filepath.Join(s.dir, ep+".json")) // #nosec G703 -- ep has no /, . or \\ (checked above)
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail":"Not Found"}`)
		return
	}
	var all []map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"detail":%q}`, err.Error())
		return
	}
	out := all[:0]
	for _, e := range all {
		if matches(e, r.URL.Query()) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		// OpenF1's answer to an empty selection.
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"detail":"No results found."}`)
		return
	}
	b, _ := json.Marshal(out)
	w.Write(b)
}

// matches applies equality filters: a string field equals the value, a
// number or boolean field prints as the value.
func matches(e map[string]json.RawMessage, q map[string][]string) bool {
	for k, vs := range q {
		raw, ok := e[k]
		if !ok {
			return false
		}
		got := string(bytes.TrimSpace(raw))
		var s string
		if json.Unmarshal(raw, &s) == nil {
			got = s
		}
		if got != vs[0] {
			return false
		}
	}
	return true
}
