package testkafka

import (
	"errors"
	"os"
	"sync"
	"testing"
)

// One cluster per test package: Shared starts it on first use, Main stops
// it after the package's tests.
var shared = struct {
	mu       sync.Mutex
	clusters map[string]*sharedCluster
}{clusters: map[string]*sharedCluster{}}

type sharedCluster struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Shared returns the package's cluster called name, started with o on its
// first use and stopped by Main. Tests that share it must leave it as they
// found it (every broker running, replicas in sync) and use their own
// topics. A cluster that failed to start fails (or skips) every test that
// asks for it, without a second try.
func Shared(tb testing.TB, name string, o Options) *Cluster {
	tb.Helper()
	shared.mu.Lock()
	s, ok := shared.clusters[name]
	if !ok {
		s = &sharedCluster{}
		shared.clusters[name] = s
	}
	shared.mu.Unlock()
	s.once.Do(func() {
		s.c, s.err = Launch(o)
		if s.err == nil {
			tb.Logf("Kafka %q: %d broker(s) ready in %s", name, s.c.opts.Brokers, s.c.Started)
		}
	})
	if errors.Is(s.err, errUnavailable) {
		unavailable(tb, s.err)
	}
	if s.err != nil {
		tb.Fatalf("starting the shared Kafka %q: %v", name, s.err)
	}
	return s.c
}

// Main runs the package's tests, then stops every Shared cluster. A test
// package that uses Shared has func TestMain(m *testing.M) { testkafka.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops every Shared cluster.
func StopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for name, s := range shared.clusters {
		if s.c != nil {
			s.c.Stop()
		}
		delete(shared.clusters, name)
	}
}
