package openf1_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/internal/openf1/openf1test"
)

const fixtures = "testdata/session9590"

// newClient talks to srv with no real waiting: waits are recorded.
func newClient(srv string, cache string) (*openf1.Client, *[]time.Duration) {
	c := openf1.New(srv, cache)
	var waits []time.Duration
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		if d > 0 {
			waits = append(waits, d)
		}
		return ctx.Err()
	}
	c.MinInterval = 0
	return c, &waits
}

func TestLookup(t *testing.T) {
	srv := openf1test.New(t, fixtures)
	c, _ := newClient(srv.API(), "")
	ctx := context.Background()
	for _, q := range []openf1.Query{
		{SessionKey: 9590},
		{MeetingKey: 1244},
		{Year: 2024, Country: "Italy"},
		{Year: 2024, Country: "Italy", SessionName: "Race"},
	} {
		s, err := c.Lookup(ctx, q)
		if err != nil || s.SessionKey != 9590 || s.MeetingKey != 1244 || s.SessionName != "Race" {
			t.Errorf("Lookup(%+v) = %v, %v", q, s, err)
		}
	}
	if _, err := c.Lookup(ctx, openf1.Query{Year: 2024, Country: "Belgium"}); !errors.Is(err, openf1.ErrNotFound) ||
		!strings.Contains(err.Error(), "country_name=Belgium") {
		t.Errorf("unknown country: %v", err)
	}
	for _, q := range []openf1.Query{{}, {Year: 2024}, {SessionKey: 1, MeetingKey: 2}, {MeetingKey: 1, Country: "Italy"}, {SessionKey: -3}} {
		if _, err := c.Lookup(ctx, q); err == nil {
			t.Errorf("Lookup(%+v) accepted", q)
		}
	}
	got := srv.Requests()
	if len(got) != 5 || !strings.Contains(got[2], "country_name=Italy") || !strings.Contains(got[2], "session_name=Race") {
		t.Errorf("requests %v", got)
	}
}

// TestDownloadBacksOffAndCaches: 429s are waited out (Retry-After when
// given, else 1 s, 2 s, ...), every endpoint is fetched once per session
// (car data and locations once per driver), and a second download with the
// cache makes no request at all.
func TestDownloadBacksOffAndCaches(t *testing.T) {
	srv := openf1test.New(t, fixtures)
	cache := t.TempDir()
	c, waits := newClient(srv.API(), cache)
	srv.Throttle(2, "3")
	ctx := context.Background()
	s, err := c.Lookup(ctx, openf1.Query{SessionKey: 9590})
	if err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 2 || (*waits)[0] != 3*time.Second || (*waits)[1] != 3*time.Second {
		t.Errorf("waits after two 429 with Retry-After 3: %v", *waits)
	}
	srv.Throttle(2, "")
	*waits = nil
	d, err := c.Download(ctx, s, openf1.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 2 || (*waits)[0] != time.Second || (*waits)[1] != 2*time.Second {
		t.Errorf("waits after two 429 without Retry-After: %v", *waits)
	}
	if len(d.Numbers) != 5 || len(d.CarData) != 5 || len(d.Location) != 5 {
		t.Fatalf("drivers %v, car data %d, locations %d", d.Numbers, len(d.CarData), len(d.Location))
	}
	var car []map[string]any
	if err := json.Unmarshal(d.CarData[1], &car); err != nil || len(car) != 307 {
		t.Errorf("VER car data: %d samples, %v", len(car), err)
	}
	if string(d.CarData[16]) != "[]" {
		t.Errorf("LEC has no car data in the fixture (404 No results): got %.40s", d.CarData[16])
	}
	// 1 lookup + 2 throttled + 9 session endpoints + 2 per driver + 2 throttled.
	want := 1 + 2 + 9 + 10 + 2
	if n := len(srv.Requests()); n != want || c.Requests != want {
		t.Errorf("%d requests served (client counted %d), want %d", n, c.Requests, want)
	}

	again, _ := newClient(srv.API(), cache)
	d2, err := again.Download(ctx, s, openf1.DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Requests != 0 || again.CacheHits != 19 || string(d2.Laps) != string(d.Laps) {
		t.Errorf("second download: %d requests, %d cache hits", again.Requests, again.CacheHits)
	}
	if _, err := os.Stat(filepath.Join(cache, "car_data", "driver_number=1_session_key=9590.json")); err != nil {
		t.Errorf("cache layout: %v", err)
	}
}

func TestDownloadSomeDrivers(t *testing.T) {
	srv := openf1test.New(t, fixtures)
	c, _ := newClient(srv.API(), "")
	d, err := c.Download(context.Background(), openf1.Session{SessionKey: 9590},
		openf1.DownloadOptions{Drivers: []int{1, 16}, NoLocations: true})
	if err != nil || len(d.Numbers) != 2 || len(d.CarData) != 2 || len(d.Location) != 0 {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := c.Download(context.Background(), openf1.Session{SessionKey: 9590}, openf1.DownloadOptions{Drivers: []int{99}}); err == nil ||
		!strings.Contains(err.Error(), "no drivers") {
		t.Errorf("unknown driver: %v", err)
	}
}

// TestErrors: an HTTP error says which URL; a server error is retried and
// then given up; an answer that is not a JSON array is refused; a body over
// MaxBody is refused; cancelling stops the waits.
func TestErrors(t *testing.T) {
	var calls int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Path {
		case "/v1/forbidden":
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"detail":"Authentication required for live sessions"}`))
		case "/v1/busy":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/v1/html":
			w.Write([]byte("<html>hello</html>"))
		case "/v1/big":
			w.Write([]byte("[" + strings.Repeat(`{"x":1},`, 1000) + `{"x":1}]`))
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, waits := newClient(srv.URL+"/v1/", "")
	ctx := context.Background()
	_, err := c.Get(ctx, "forbidden", url.Values{"session_key": {"1"}})
	var se *openf1.StatusError
	if !errors.As(err, &se) || se.Status != 403 || !strings.Contains(err.Error(), "/v1/forbidden?session_key=1") ||
		!strings.Contains(err.Error(), "Authentication required") || calls != 1 {
		t.Errorf("403: %v after %d calls", err, calls)
	}
	c.MaxRetries, calls = 2, 0
	if _, err := c.Get(ctx, "busy", nil); err == nil || !strings.Contains(err.Error(), "giving up") || calls != 3 || len(*waits) != 2 {
		t.Errorf("503: %v after %d calls, waits %v", err, calls, *waits)
	}
	if _, err := c.Get(ctx, "html", nil); err == nil || !strings.Contains(err.Error(), "not a JSON array") {
		t.Errorf("html: %v", err)
	}
	c.MaxBody = 100
	if _, err := c.Get(ctx, "big", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	c.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	if _, err := c.Get(cancelled, "busy", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	dead := openf1.New("http://127.0.0.1:1/v1", "")
	dead.MaxRetries = 0
	if _, err := dead.Get(ctx, "laps", nil); err == nil || !strings.Contains(err.Error(), "cannot reach OpenF1") {
		t.Errorf("unreachable: %v", err)
	}
}

// TestPacing: two requests in a row are MinInterval apart.
func TestPacing(t *testing.T) {
	srv := openf1test.New(t, fixtures)
	c, waits := newClient(srv.API(), "")
	c.MinInterval = 400 * time.Millisecond
	for i := 0; i < 3; i++ {
		if _, err := c.Get(context.Background(), "drivers", url.Values{"session_key": {"9590"}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(*waits) != 2 {
		t.Fatalf("waits %v, want two (before the 2nd and 3rd request)", *waits)
	}
	for _, w := range *waits {
		if w <= 300*time.Millisecond || w > 400*time.Millisecond {
			t.Errorf("paced by %v, want just under 400 ms", w)
		}
	}
}
