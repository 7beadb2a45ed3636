package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/internal/realdata"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// expectFail runs the CLI and checks a non-zero exit and every wanted
// fragment in stderr.
func expectFail(t *testing.T, wantCode int, want []string, env []string, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, context.Background(), env, args...)
	if code != wantCode {
		t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out, errOut)
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("%v: stderr does not say %q:\n%s", args, w, errOut)
		}
	}
	return errOut
}

// recordsIn counts the records on every Pitwall topic of a broker.
func recordsIn(t *testing.T, addr string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(seeds(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var names []string
	for _, s := range f1.Topics() {
		names = append(names, s.Name)
	}
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), names...)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil {
			n += o.Offset
		}
	})
	return n
}

func TestBadReplayInput(t *testing.T) {
	dir := t.TempDir()
	addr := newBroker(t)
	good := filepath.Join(realdata.Dir(t), "spa2022_race", "telemetry_VER.csv")
	header := "Date,RPM,Speed,nGear,Throttle,Brake,DRS,Source,SessionTime,Distance,TimeSeconds\n"
	row := "2022-08-28 14:05:25.814,11767.0,229.0,5,100.0,False,0,car,0 days 02:04:25.734000,9.09,0.143\n"
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{filepath.Join(dir, "nope_VER.csv")}, []string{"cannot read", "nope_VER.csv", "no such file"}},
		{"unreadable (a directory)", []string{dir}, []string{"cannot read", dir}},
		{"columns", []string{writeFile(t, dir, "t_VER.csv", "Date,RPM,Speed,Throttle\n2022-08-28 14:05:25.814,1,2,3\n")},
			[]string{"FastF1 telemetry CSV", "lacks the column(s) nGear, Brake, DRS", "expected"}},
		{"unknown columns", []string{writeFile(t, dir, "w.csv", "a,b\n1,2\n")}, []string{"unrecognised CSV columns [a, b]", "FastF1 laps CSV", "OpenF1 race_control CSV"}},
		{"malformed number", []string{writeFile(t, dir, "m_VER.csv", header+row+strings.Replace(row, "229.0", "fast", 1))},
			[]string{"m_VER.csv:3", "column Speed", `"fast" is not a number`}},
		{"malformed CSV", []string{writeFile(t, dir, "q_VER.csv", header+row+row+"2022-08-28 14:05:26,\"1,2\n")},
			[]string{"q_VER.csv:4", "malformed CSV row"}},
		{"bad gear", []string{writeFile(t, dir, "g_VER.csv", header+strings.Replace(row, ",5,", ",9,", 1))},
			[]string{"g_VER.csv:2", "nGear", "gear from 0 to 8"}},
		{"bad date", []string{writeFile(t, dir, "d_VER.csv", header+strings.Replace(row, "2022-08-28 14:05:25.814", "yesterday", 1))},
			[]string{"d_VER.csv:2", "column Date", "a date"}},
		{"no driver", []string{writeFile(t, dir, "nodriver.csv", header+row)}, []string{"no driver column", "--driver"}},
		{"unknown driver in name", []string{writeFile(t, dir, "lap_XXX.csv", header+row)}, []string{`unknown driver "XXX"`, "known codes are"}},
		{"unknown --driver", []string{"--driver", "ZZZ", good}, []string{`unknown driver "ZZZ"`}},
		{"bad JSON", []string{writeFile(t, dir, "car_VER.json", "[\n{\"date\":\"2023-09-16T13:03:35.292000+00:00\",\n\"speed\": oops}]")},
			[]string{"car_VER.json:3", "malformed JSON"}},
		{"JSON missing fields", []string{writeFile(t, dir, "car2_VER.json", `[{"date":"2023-09-16T13:03:35.292000+00:00","driver_number":1,"speed":100}]`)},
			[]string{"missing rpm, n_gear, throttle, brake, drs"}},
		{"empty file", []string{writeFile(t, dir, "e_VER.csv", "")}, []string{"empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A good file first: nothing at all may be sent when any file is bad.
			args := append([]string{"replay", "--brokers", addr, "--speed", "max", good}, tc.args...)
			expectFail(t, 1, tc.want, nil, args...)
		})
	}
	if n := recordsIn(t, addr); n != 0 {
		t.Fatalf("%d records were sent although every replay had a bad file", n)
	}
	expectFail(t, 2, []string{"give at least one file"}, nil, "replay", "--brokers", addr)
}

func TestBadRaceInput(t *testing.T) {
	addr := newBroker(t)
	expectFail(t, 1, []string{`unknown circuit "imola"`, "bahrain, monaco, monza, silverstone, spa"}, nil,
		"race", "--brokers", addr, "--circuit", "imola")
	expectFail(t, 1, []string{`unknown driver "XYZ"`, "known codes are"}, nil, "race", "--brokers", addr, "--drivers", "VER,XYZ")
	expectFail(t, 1, []string{"bad --speed"}, nil, "race", "--brokers", addr, "--speed", "fast")
	expectFail(t, 1, []string{"unknown --format"}, nil, "race", "--brokers", addr, "--format", "xml")
	expectFail(t, 1, []string{"--format avro needs --registry"}, nil, "race", "--brokers", addr, "--format", "avro")
	expectFail(t, 1, []string{"unknown --sasl-mechanism"}, nil, "race", "--brokers", addr, "--sasl-mechanism", "GSSAPI")
	expectFail(t, 1, []string{"--tls-ca-cert", "no such file"}, nil, "race", "--brokers", addr, "--tls", "--tls-ca-cert", "/nonexistent/ca.pem")
	expectFail(t, 1, []string{"cannot write the --truth file"}, nil, "race", "--brokers", addr, "--truth", "/nonexistent/dir/t.jsonl")
	expectFail(t, 2, []string{"flag provided but not defined: -lapz"}, nil, "race", "--lapz", "3")
	// Environment variables are read and checked too.
	expectFail(t, 1, []string{`unknown circuit "suzuka"`}, []string{"PITWALL_CIRCUIT=suzuka", "PITWALL_BROKERS=" + addr}, "race")
	expectFail(t, 2, []string{"PITWALL_LAPS"}, []string{"PITWALL_LAPS=many"}, "race")
	if n := recordsIn(t, addr); n != 0 {
		t.Fatalf("%d records were sent by runs that should have failed", n)
	}
}

// TestBrokerUnreachable: a closed loopback port fails within the connect
// timeout, naming the address, with nothing sent.
func TestBrokerUnreachable(t *testing.T) {
	addr := closedPort(t)
	for _, args := range [][]string{
		{"race", "--brokers", addr, "--connect-timeout", "1s", "--laps", "1"},
		{"replay", "--brokers", addr, "--connect-timeout", "1s", filepath.Join(realdata.Dir(t), "spa2022_race", "telemetry_VER.csv")},
		{"serve", "--brokers", addr, "--connect-timeout", "1s"},
	} {
		expectFail(t, 1, []string{"cannot reach the Kafka broker at " + addr, "within 1s"}, nil, args...)
	}
	// The default bound is 10 s.
	f := newFlags("x", "", "")
	kc := addKafkaFlags(f)
	if err := f.parse(nil, nil, nil, nil); err != nil || kc.connectTimeout.Seconds() != 10 {
		t.Fatalf("default connect timeout %v (%v)", kc.connectTimeout, err)
	}
}

func TestRegistryErrors(t *testing.T) {
	addr := newBroker(t)
	// No registry listening.
	reg := "http://" + closedPort(t)
	expectFail(t, 1, []string{"registering the Avro schema", "f1-telemetry-value", reg}, nil,
		"race", "--brokers", addr, "--format", "avro", "--registry", reg, "--connect-timeout", "2s")
	// A registry that wants credentials: the error says so, and never shows the password.
	r := newRegistry(t, srfake.WithAuth("Basic dXNlcjpyaWdodA=="))
	errOut := expectFail(t, 1, []string{"registering the Avro schema", r.URL()}, nil,
		"race", "--brokers", addr, "--format", "avro", "--registry", r.URL(), "--registry-username", "user", "--registry-password", "wrong-secret")
	if strings.Contains(errOut, "wrong-secret") {
		t.Fatal("the registry password appears in the error")
	}
	// A registry failing with a server error.
	r2 := newRegistry(t)
	r2.Intercept(func(w http.ResponseWriter, _ *http.Request) bool {
		http.Error(w, `{"error_code":50001,"message":"store is down"}`, http.StatusInternalServerError)
		return true
	})
	expectFail(t, 1, []string{"store is down"}, nil, "race", "--brokers", addr, "--format", "avro", "--registry", r2.URL())
	if n := recordsIn(t, addr); n != 0 {
		t.Fatalf("%d records sent despite registry errors", n)
	}
}

// A timestamp the broker refuses (real Kafka's
// log.message.timestamp.after.max.ms; kfake has no such bound) is reported
// with the record's time and the settings that bound it.
func TestProduceErrorExplainsARefusedTimestamp(t *testing.T) {
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	err := produceError(&kgo.Record{Topic: f1.TopicTelemetry, Timestamp: at}, kerr.InvalidTimestamp)
	for _, w := range []string{"producing to " + f1.TopicTelemetry, "INVALID_TIMESTAMP", "2031-01-02T03:04:05Z", "log.message.timestamp.after.max.ms", "clocks"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if !errors.Is(err, kerr.InvalidTimestamp) {
		t.Errorf("the broker's error is not wrapped: %v", err)
	}
	if err := produceError(&kgo.Record{Topic: "x"}, kerr.NotLeaderForPartition); strings.Contains(err.Error(), "timestamp") {
		t.Errorf("another error got the timestamp hint: %v", err)
	}
}
