package codec

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostileRegistry serves /schemas/ids/{id} and /subjects/{s}/versions/{v}
// with handler, counting requests and body bytes written.
type hostileRegistry struct {
	srv      *httptest.Server
	requests atomic.Int64
	written  atomic.Int64
}

func newHostileRegistry(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, count func(int))) (*hostileRegistry, *Registry) {
	t.Helper()
	h := &hostileRegistry{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.requests.Add(1)
		handler(w, r, func(n int) { h.written.Add(int64(n)) })
	}))
	t.Cleanup(h.srv.Close)
	reg, err := NewRegistry(RegistryConfig{URL: h.srv.URL, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return h, reg
}

// A registry that answers a schema look-up with an endless body (here
// 256 MB) is read no further than MaxRegistryResponseBytes: the record fails
// with bad_schema saying why, and the registry is not taken for down.
func TestRegistryAnswerLargerThanTheBoundIsNotRead(t *testing.T) {
	const huge = 256 << 20
	h, reg := newHostileRegistry(t, func(w http.ResponseWriter, r *http.Request, count func(int)) {
		if strings.HasPrefix(r.URL.Path, "/subjects/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for sent := 0; sent < huge; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up
			}
			count(len(chunk))
		}
	})
	d := NewDecoder(FormatAvro, "big", reg, Limits{})
	var rec Record
	err := d.Decode(context.Background(), append(AppendWireHeader(nil, 9), 2), &rec)
	if ClassOf(err) != ErrBadSchema || !strings.Contains(err.Error(), fmt.Sprintf("larger than %d bytes", MaxRegistryResponseBytes)) {
		t.Fatalf("got %v, want bad_schema naming the size bound", err)
	}
	// The server writes ahead of the client into socket buffers; what it
	// got out is far below the 256 MB it tried.
	if w := h.written.Load(); w > 4*MaxRegistryResponseBytes {
		t.Fatalf("the client took %d bytes of the answer, bound %d", w, MaxRegistryResponseBytes)
	}
	reg.mu.Lock()
	down := reg.downErr
	reg.mu.Unlock()
	if down != nil {
		t.Fatalf("an oversized answer marked the registry down: %v", down)
	}
	// A body announced larger than the bound is refused unread.
	h2, reg2 := newHostileRegistry(t, func(w http.ResponseWriter, r *http.Request, count func(int)) {
		w.Header().Set("Content-Length", fmt.Sprint(huge))
		w.WriteHeader(http.StatusOK)
		n, _ := w.Write([]byte(`{"schema":"`))
		count(n)
	})
	if _, err := reg2.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("health check against an oversized answer: %v", err)
	}
	_ = h2
}

// A registry whose every schema references three new subjects, down to
// the deepest nesting allowed (a tree of 9,840 fetches for one schema id),
// is cut off after MaxSchemaReferences fetches, with an error that says so.
func TestRegistryBoundsSchemaReferences(t *testing.T) {
	type ref struct {
		Name    string `json:"name"`
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	children := func(parent string) []ref {
		var out []ref
		if strings.Count(parent, "_") >= maxReferenceNesting {
			return nil // leaves at the deepest level allowed
		}
		for i := 0; i < 3; i++ {
			s := fmt.Sprintf("%s_%d", parent, i)
			out = append(out, ref{Name: s, Subject: s, Version: 1})
		}
		return out
	}
	h, reg := newHostileRegistry(t, func(w http.ResponseWriter, r *http.Request, count func(int)) {
		w.Header().Set("Content-Type", "application/json")
		var v any
		switch {
		case r.URL.Path == "/schemas/ids/5":
			v = map[string]any{"schema": `"long"`, "references": children("r")}
		case strings.HasPrefix(r.URL.Path, "/subjects/r"):
			subject := strings.Split(strings.TrimPrefix(r.URL.Path, "/subjects/"), "/")[0]
			v = map[string]any{"subject": subject, "version": 1, "id": 100,
				"schema":     fmt.Sprintf(`{"type":"record","name":%q,"fields":[]}`, subject),
				"references": children(subject)}
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(v)
	})
	d := NewDecoder(FormatAvro, "fan", reg, Limits{})
	var rec Record
	err := d.Decode(context.Background(), append(AppendWireHeader(nil, 5), 2), &rec)
	if ClassOf(err) != ErrBadSchema || !strings.Contains(err.Error(), fmt.Sprintf("more than %d schemas", MaxSchemaReferences)) {
		t.Fatalf("got %v, want bad_schema naming the reference bound", err)
	}
	// The id, the subject's latest version, and at most the bound of references.
	if n := h.requests.Load(); n > MaxSchemaReferences+3 {
		t.Fatalf("%d requests for one schema, bound %d references", n, MaxSchemaReferences)
	}
}

// A reference shared by two schemas (a diamond) is fetched once.
func TestRegistryFetchesADiamondReferenceOnce(t *testing.T) {
	type ref struct {
		Name    string `json:"name"`
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	var baseFetches atomic.Int64
	_, reg := newHostileRegistry(t, func(w http.ResponseWriter, r *http.Request, count func(int)) {
		w.Header().Set("Content-Type", "application/json")
		base := []ref{{Name: "d.Base", Subject: "base", Version: 1}}
		var v any
		switch r.URL.Path {
		case "/schemas/ids/6":
			v = map[string]any{"schema": `{"type":"record","name":"d.Top","fields":[{"name":"l","type":"d.Left"},{"name":"r","type":"d.Right"}]}`,
				"references": []ref{{Name: "d.Left", Subject: "left", Version: 1}, {Name: "d.Right", Subject: "right", Version: 1}}}
		case "/subjects/left/versions/1":
			v = map[string]any{"subject": "left", "version": 1, "id": 7, "references": base,
				"schema": `{"type":"record","name":"d.Left","fields":[{"name":"b","type":"d.Base"}]}`}
		case "/subjects/right/versions/1":
			v = map[string]any{"subject": "right", "version": 1, "id": 8, "references": base,
				"schema": `{"type":"record","name":"d.Right","fields":[{"name":"b","type":"d.Base"}]}`}
		case "/subjects/base/versions/1":
			baseFetches.Add(1)
			v = map[string]any{"subject": "base", "version": 1, "id": 9, "schema": `{"type":"record","name":"d.Base","fields":[{"name":"n","type":"long"}]}`}
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(v)
	})
	d := NewDecoder(FormatAvro, "diamond", reg, Limits{})
	eq(t, decodeOK(t, d, append(AppendWireHeader(nil, 6), 2, 4)), []string{"l.b.n=1", "r.b.n=2"})
	if n := baseFetches.Load(); n != 1 {
		t.Fatalf("the shared reference was fetched %d times", n)
	}
}
