package plugin

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// socksProxy is a minimal SOCKS5 server (RFC 1928, with RFC 1929
// username/password authentication), standing in for Grafana's secure
// SOCKS proxy: like the real one it listens with TLS and wants a client
// certificate when tlsCfg is set. It connects where it is asked to,
// records every target, and counts the bytes it carries both ways, which
// is what proves that a connection went through it.
type socksProxy struct {
	ln         net.Listener
	user, pass string

	mu      sync.Mutex
	targets []string
	authed  []string
	open    map[net.Conn]bool
	bytes   atomic.Int64
	conns   sync.WaitGroup
}

func newSOCKSProxy(t *testing.T, tlsCfg *tls.Config, user, pass string) *socksProxy {
	t.Helper()
	var ln net.Listener
	var err error
	if tlsCfg != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", tlsCfg)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	p := &socksProxy{ln: ln, user: user, pass: pass, open: map[net.Conn]bool{}}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// close stops the proxy and every connection it carries.
func (p *socksProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.conns.Wait()
}

func (p *socksProxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.open[c] = true
	} else {
		delete(p.open, c)
	}
}

func (p *socksProxy) addr() string { return p.ln.Addr().String() }

// seen returns the targets asked for and the users that authenticated.
func (p *socksProxy) seen() (targets, users []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.targets...), append([]string{}, p.authed...)
}

func (p *socksProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.track(c, true)
		go func() {
			defer p.conns.Done()
			defer p.track(c, false)
			defer c.Close()
			_ = p.serve(c)
		}()
	}
}

func (p *socksProxy) serve(c net.Conn) error {
	// Greeting: version 5, the methods the client offers.
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil || hdr[0] != 5 {
		return errors.New("not SOCKS5")
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return err
	}
	if p.user != "" {
		if !slices.Contains(methods, 2) {
			_, _ = c.Write([]byte{5, 0xff})
			return errors.New("no username/password offered")
		}
		_, _ = c.Write([]byte{5, 2})
		var v [2]byte
		if _, err := io.ReadFull(c, v[:]); err != nil {
			return err
		}
		user := make([]byte, v[1])
		_, _ = io.ReadFull(c, user)
		var pl [1]byte
		_, _ = io.ReadFull(c, pl[:])
		pass := make([]byte, pl[0])
		_, _ = io.ReadFull(c, pass)
		if string(user) != p.user || string(pass) != p.pass {
			_, _ = c.Write([]byte{1, 1})
			return errors.New("bad credentials")
		}
		_, _ = c.Write([]byte{1, 0})
		p.mu.Lock()
		p.authed = append(p.authed, string(user))
		p.mu.Unlock()
	} else {
		_, _ = c.Write([]byte{5, 0})
	}
	// Request: version, CONNECT, reserved, address type, address, port.
	var req [4]byte
	if _, err := io.ReadFull(c, req[:]); err != nil || req[1] != 1 {
		return errors.New("not CONNECT")
	}
	var host string
	switch req[3] {
	case 1, 4:
		ip := make(net.IP, map[byte]int{1: 4, 4: 16}[req[3]])
		_, _ = io.ReadFull(c, ip)
		host = ip.String()
	case 3:
		var l [1]byte
		_, _ = io.ReadFull(c, l[:])
		name := make([]byte, l[0])
		_, _ = io.ReadFull(c, name)
		host = string(name)
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return err
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:]))))
	p.mu.Lock()
	p.targets = append(p.targets, target)
	p.mu.Unlock()
	up, err := net.Dial("tcp", target)
	if err != nil {
		_, _ = c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}) // connection refused
		return err
	}
	p.track(up, true)
	defer p.track(up, false)
	defer up.Close()
	if _, err := c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0}); err != nil {
		return err
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(counter{dst, &p.bytes}, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	return nil
}

// counter counts what is written through it as it flows.
type counter struct {
	w io.Writer
	n *atomic.Int64
}

func (c counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
