//go:build integration

package main

import (
	"context"
	"crypto/tls"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/internal/testkafka"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func TestMain(m *testing.M) { testkafka.Main(m) }

// Listeners of the package's cluster besides the plaintext one.
const (
	lnSASL = "SASL" // SASL_PLAINTEXT: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
	lnTLS  = "TLS"  // SSL, no client certificate
)

// realCluster is the package's real Kafka: three brokers, every node
// broker and controller, with a plaintext, a SASL and a TLS listener.
type realCluster struct{}

func (realCluster) cluster(t testing.TB) *testkafka.Cluster {
	t.Helper()
	var users []testkafka.User
	for _, u := range saslUsers {
		users = append(users, testkafka.User{Name: u[0], Password: u[1]})
	}
	c := testkafka.Shared(t, "producer", testkafka.Options{
		Brokers:   3,
		Listeners: []testkafka.Listener{{Name: lnSASL, Security: testkafka.SASLPlaintext}, {Name: lnTLS, Security: testkafka.SSL}},
		Users:     users,
		// Retention is checked every second (Kafka's default is 5 minutes),
		// so a test that leaves records to a topic's retention sees it act.
		Props: map[string]string{"log.retention.check.interval.ms": "1000"},
	})
	// A fresh start for each test, as a new kfake gives: every topic an
	// earlier test made (or the producer auto-created) goes first.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	old, err := c.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTopics(ctx, old...); err != nil {
		t.Fatal(err)
	}
	return c
}

func (r realCluster) broker(t testing.TB) string {
	return strings.Join(r.cluster(t).Addrs(""), ",")
}

func (r realCluster) saslBroker(t testing.TB, mech string) string {
	return strings.Join(r.cluster(t).Addrs(lnSASL), ",")
}

func (r realCluster) tlsBroker(t testing.TB) tlsBroker {
	c := r.cluster(t)
	cert, err := tls.X509KeyPair(c.Certs.ServerCert, c.Certs.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	return tlsBroker{addr: strings.Join(c.Addrs(lnTLS), ","), caPEM: c.Certs.CA, serverName: "localhost",
		serverTLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
}

// onRealKafka are the producer's end-to-end tests, the same functions as
// the fast suite runs on kfake, run on a real 3-broker Kafka: any
// difference fails one of them. Left out: the tests of producer dev and
// serve --embedded (their broker is kfake by design), and those that need
// no broker. TestIntegrationEveryBrokerTestRunsOnRealKafka checks that no
// test that asks for a broker is missing.
var onRealKafka = []struct {
	name string
	fn   func(*testing.T)
}{
	{"TestEnvAndFlags", TestEnvAndFlags},
	{"TestCtrlC", TestCtrlC},
	{"TestKcatReadsWhatWasWritten", TestKcatReadsWhatWasWritten},
	{"TestBadReplayInput", TestBadReplayInput},
	{"TestBadRaceInput", TestBadRaceInput},
	{"TestRegistryErrors", TestRegistryErrors},
	{"TestServeSkipsHostileCommandsAndKeepsRunning", TestServeSkipsHostileCommandsAndKeepsRunning},
	{"TestProducerReadsARegistryAnswerWithinTheBound", TestProducerReadsARegistryAnswerWithinTheBound},
	{"TestPluginRaceControlDrivesServe", TestPluginRaceControlDrivesServe},
	{"TestPluginStopsARunningServeRace", TestPluginStopsARunningServeRace},
	{"TestPredictionsScoredAgainstTheTruthFile", TestPredictionsScoredAgainstTheTruthFile},
	{"TestReplayPublishesPredictions", TestReplayPublishesPredictions},
	{"TestRaceRoundTrip", TestRaceRoundTrip},
	{"TestTruthMatchesPublishedAlerts", TestTruthMatchesPublishedAlerts},
	{"TestReplayReproducesRealTelemetry", TestReplayReproducesRealTelemetry},
	{"TestReplaySpeedDividesSpacing", TestReplaySpeedDividesSpacing},
	{"TestReplayLapsAndRaceControl", TestReplayLapsAndRaceControl},
	{"TestReplayEveryRealTimingFile", TestReplayEveryRealTimingFile},
	{"TestReplayKeepTimeWarnsOfRetention", TestReplayKeepTimeWarnsOfRetention},
	{"TestReplayWholeMonza", TestReplayWholeMonza},
	{"TestOpenF1Command", TestOpenF1Command},
	{"TestServeStartStop", TestServeStartStop},
	{"TestServeDemo", TestServeDemo},
	{"TestSASL", TestSASL},
	{"TestTLS", TestTLS},
	{"TestRegistryOverTLS", TestRegistryOverTLS},
	{"TestProducerLingerDefaultsToNone", TestProducerLingerDefaultsToNone},
}

func TestIntegrationProducerOnRealKafka(t *testing.T) {
	realKafka = realCluster{}
	defer func() { realKafka = nil }()
	for _, tc := range onRealKafka {
		t.Run(strings.TrimPrefix(tc.name, "Test"), tc.fn)
	}
}

// Every test function of the package that asks for a broker (newBroker,
// newSASLBroker, newTLSBroker) is in onRealKafka.
func TestIntegrationEveryBrokerTestRunsOnRealKafka(t *testing.T) {
	listed := map[string]bool{}
	for _, tc := range onRealKafka {
		listed[tc.name] = true
	}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || strings.HasPrefix(fn.Name.Name, "TestIntegration") {
				continue
			}
			asks := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "newBroker" || id.Name == "newSASLBroker" || id.Name == "newTLSBroker") {
						asks = true
					}
				}
				return !asks
			})
			if asks {
				found++
				if !listed[fn.Name.Name] {
					t.Errorf("%s (%s) asks for a broker but is not in onRealKafka", fn.Name.Name, name)
				}
			}
		}
	}
	if found != len(onRealKafka) {
		t.Errorf("%d test functions ask for a broker, onRealKafka lists %d", found, len(onRealKafka))
	}
}

// What the warning of TestReplayKeepTimeWarnsOfRetention says happens, on
// real Kafka: records replayed at their 2024 times into topics with the
// default retention (7 days) are deleted at the next retention check, a
// second later on this cluster. kfake never deletes by time.
func TestIntegrationKeepTimeRecordsAreDeletedByRetention(t *testing.T) {
	addr := realCluster{}.broker(t)
	file := filepath.Join(realdata.Dir(t), "monza2024_race", "race_control.csv")
	if code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", "--keep-time", file); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	cl, err := kgo.NewClient(seeds(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var start, end int64
	for {
		starts, err1 := adm.ListStartOffsets(ctx, f1.TopicRaceControl)
		ends, err2 := adm.ListEndOffsets(ctx, f1.TopicRaceControl)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		start, end = 0, 0
		starts.Each(func(o kadm.ListedOffset) { start += o.Offset })
		ends.Each(func(o kadm.ListedOffset) { end += o.Offset })
		if end > 0 && start == end {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after a minute %s still keeps offsets %d to %d", f1.TopicRaceControl, start, end)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("retention deleted all %d records of %s", end, f1.TopicRaceControl)
}

// A record more than an hour ahead of the broker's clock is refused by
// Kafka 4 (log.message.timestamp.after.max.ms); the producer says so and
// what bounds it. kfake takes any timestamp.
func TestIntegrationFutureTimestampIsRefusedWithAHint(t *testing.T) {
	addr := realCluster{}.broker(t)
	tomorrow := time.Now().Add(24 * time.Hour).UTC().Format("2006-01-02 15:04:05.000")
	file := writeFile(t, t.TempDir(), "future_VER.csv", "Date,RPM,Speed,nGear,Throttle,Brake,DRS,Source,SessionTime,Distance,TimeSeconds\n"+
		tomorrow+",11767.0,229.0,5,100.0,False,0,car,0 days 02:04:25.734000,9.09,0.143\n")
	code, out, errOut := cli(t, context.Background(), nil, "replay", "--brokers", addr, "--speed", "max", "--keep-time", file)
	t.Logf("exit %d: %s", code, errOut)
	if code == 0 {
		t.Fatalf("a record of tomorrow was accepted: %s", out)
	}
	for _, w := range []string{"INVALID_TIMESTAMP", "log.message.timestamp.after.max.ms", "clocks"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
}
