package codec

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

// hungServer accepts connections on addr and never answers.
func hungServer(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
}

// A registry that stops answering costs the stream no wait per unseen id:
// once a request got no answer, look-ups of ids not cached fail at once
// (the caller counts them) while a background probe checks for its return,
// instead of each holding the stream for the registry timeout.
func TestRegistryKnownDownFailsUnseenIDsWithoutWaiting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refused for now
	reg, err := NewRegistry(RegistryConfig{URL: "http://" + addr, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	v := func(id int) []byte { return wire(t, evoV1, id, map[string]any{"ts": int64(1), "speed": 1, "old": "x"}) }
	decodeKind(t, d, v(1), ErrRegistryUnavailable) // refused: now known down

	hungServer(t, addr) // and now it hangs: a request would wait the minute
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for id := 2; id < 6; id++ {
		var rec Record
		err := d.Decode(ctx, v(id), &rec)
		if ClassOf(err) != ErrRegistryUnavailable {
			t.Fatalf("id %d: %v", id, err)
		}
		if ctx.Err() != nil {
			t.Fatalf("id %d waited for the hung registry (%v)", id, err)
		}
	}
}

// A record written with a schema version registered after the decoder last
// asked for the subject's latest version is not read with the older one
// (that would drop its new fields): the newer writer id makes the registry
// ask again.
func TestNewerWriterIDRefreshesTheReaderSchema(t *testing.T) {
	const v1 = `{"type":"record","name":"L","fields":[{"name":"seq","type":"long"}]}`
	const v2 = `{"type":"record","name":"L","fields":[{"name":"seq","type":"long"},{"name":"tyre","type":"string","default":"SOFT"}]}`
	fake, reg := newSR(t)
	seed(fake, "s-value", 1, 1, v1)
	d := NewDecoder(FormatAvro, "s", reg, Limits{})
	eq(t, decodeOK(t, d, wire(t, v1, 1, map[string]any{"seq": int64(1)})), []string{"seq=1"})
	seed(fake, "s-value", 2, 2, v2) // within ReaderTTL of the first look-up
	eq(t, decodeOK(t, d, wire(t, v2, 2, map[string]any{"seq": int64(2), "tyre": "HARD"})), []string{"seq=2", `tyre="HARD"`})
	// Version 1 records are now read with version 2, the latest.
	eq(t, decodeOK(t, NewDecoder(FormatAvro, "s", reg, Limits{}), wire(t, v1, 1, map[string]any{"seq": int64(3)})), []string{"seq=3", `tyre="SOFT"`})
}
