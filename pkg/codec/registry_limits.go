package codec

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// A Schema Registry is trusted with schemas, not with memory: a hostile or
// broken one could answer with an endless body, or with references that fan
// out without end (every schema naming new ones, up to the nesting bound).
// Both are bounded here.

const (
	// MaxRegistryResponseBytes bounds one Schema Registry answer (a schema
	// by id or version, the subject list of a health check).
	MaxRegistryResponseBytes = 4 << 20
	// MaxSchemaReferences bounds how many referenced schemas one schema may
	// pull in, counting every level; each is fetched once.
	MaxSchemaReferences = 100
	// maxReferenceNesting bounds how deep references may nest.
	maxReferenceNesting = 8
)

// ErrRegistryResponseTooLarge is the error of an answer above the bound.
var ErrRegistryResponseTooLarge = fmt.Errorf("the Schema Registry's answer is larger than %d bytes", MaxRegistryResponseBytes)

// LimitResponses wraps rt so that no response body yields more than max
// bytes (max <= 0: MaxRegistryResponseBytes): past that, reading it fails
// with ErrRegistryResponseTooLarge, and a body announced larger fails at
// once, unread. rt nil is http.DefaultTransport.
func LimitResponses(rt http.RoundTripper, max int64) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if max <= 0 {
		max = MaxRegistryResponseBytes
	}
	return limitTransport{rt: rt, max: max}
}

type limitTransport struct {
	rt  http.RoundTripper
	max int64
}

func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, ErrRegistryResponseTooLarge
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// limitedBody reads at most left bytes, then fails.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the bound from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, ErrRegistryResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// refWalk counts the references of one schema as they are fetched.
type refWalk struct {
	seen    map[string]bool // subject + "\x00" + version
	fetched int
}

// visit reports whether the reference is new (to be fetched), or an error
// once the schema has pulled in more than MaxSchemaReferences.
func (w *refWalk) visit(subject string, version int) (bool, error) {
	key := fmt.Sprintf("%s\x00%d", subject, version)
	if w.seen[key] {
		return false, nil
	}
	if w.fetched++; w.fetched > MaxSchemaReferences {
		return false, fmt.Errorf("the schema references more than %d schemas in total", MaxSchemaReferences)
	}
	w.seen[key] = true
	return true, nil
}

// tooLarge reports whether err is an answer above the bound: the registry
// answered, so it is not down, but the schema cannot be used.
func tooLarge(err error) bool { return errors.Is(err, ErrRegistryResponseTooLarge) }
