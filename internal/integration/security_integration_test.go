//go:build integration

package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

const deniedTopic = "secret-telemetry"

// grantBob lets bob use the f1-* topics (and write idempotently) and
// denies him the secret-* ones.
func grantBob(t *testing.T, c *testkafka.Cluster) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adm := c.Admin()
	for _, b := range []*kadm.ACLBuilder{
		kadm.NewACLs().Allow("User:" + limUser).Topics("f1-").ResourcePatternType(kadm.ACLPatternPrefixed).Operations(kadm.OpAll),
		kadm.NewACLs().Allow("User:"+limUser).Clusters().Operations(kadm.OpIdempotentWrite, kadm.OpDescribe),
		kadm.NewACLs().Deny("User:" + limUser).Topics("secret-").ResourcePatternType(kadm.ACLPatternPrefixed).Operations(kadm.OpAll),
	} {
		res, err := adm.CreateACLs(ctx, b)
		if err != nil {
			t.Fatalf("creating ACLs: %v", err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatalf("creating ACL %+v: %v", r, r.Err)
			}
		}
	}
	if err := c.CreateTopic(ctx, deniedTopic, 1, 3, nil); err != nil {
		t.Fatal(err)
	}
}

// A credential case: the datasource settings, and what the health check
// must say.
type credCase struct {
	name     string
	listener string
	json     map[string]any
	secure   map[string]string
	ok       bool
	want     []string // parts of the message
	notWant  []string // never in the message (secrets, wrong diagnoses)
}

func credCases(c *testkafka.Cluster) []credCase {
	ca, other := string(c.Certs.CA), string(c.Certs.OtherCA)
	tlsOn := func(extra map[string]any) map[string]any {
		m := map[string]any{"tlsEnabled": true}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	sasl := func(mech, user string) map[string]any {
		return tlsOn(map[string]any{"saslMechanism": mech, "saslUsername": user})
	}
	return []credCase{
		{name: "SCRAM-SHA-512 over TLS", listener: lnSASL, json: sasl("SCRAM-SHA-512", superUser),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": superPass}, ok: true},
		{name: "SCRAM-SHA-256 over TLS", listener: lnSASL, json: sasl("SCRAM-SHA-256", superUser),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": superPass}, ok: true},
		{name: "PLAIN over TLS", listener: lnSASL, json: sasl("PLAIN", superUser),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": superPass}, ok: true},
		{name: "mutual TLS", listener: lnMTLS, json: tlsOn(nil),
			secure: map[string]string{"tlsCACert": ca, "tlsClientCert": string(c.Certs.ClientCert), "tlsClientKey": string(c.Certs.ClientKey)}, ok: true},
		{name: "wrong password", listener: lnSASL, json: sasl("SCRAM-SHA-512", superUser),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": "Wrong-Pass-9zz"},
			want:   []string{"SASL", "saslPassword"}, notWant: []string{"Wrong-Pass-9zz", "TLS"}},
		{name: "wrong PLAIN password", listener: lnSASL, json: sasl("PLAIN", superUser),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": "Wrong-Pass-9zz"},
			want:   []string{"SASL", "saslPassword"}, notWant: []string{"Wrong-Pass-9zz", "TLS"}},
		{name: "unknown CA", listener: lnSASL, json: sasl("SCRAM-SHA-512", superUser),
			secure: map[string]string{"tlsCACert": other, "saslPassword": superPass},
			want:   []string{"TLS", "unknown authority", "tlsCACert"}, notWant: []string{superPass}},
		{name: "wrong server name", listener: lnSASL, json: tlsOn(map[string]any{"saslMechanism": "SCRAM-SHA-512", "saslUsername": superUser, "tlsServerName": "kafka.wrong.example"}),
			secure: map[string]string{"tlsCACert": ca, "saslPassword": superPass},
			want:   []string{"TLS", "host name", "tlsServerName"}, notWant: []string{superPass}},
		{name: "mutual TLS without a client certificate", listener: lnMTLS, json: tlsOn(nil),
			secure: map[string]string{"tlsCACert": ca},
			want:   []string{"TLS", "tlsClientCert"}},
		{name: "mutual TLS with a certificate of another CA", listener: lnMTLS, json: tlsOn(nil),
			secure: map[string]string{"tlsCACert": ca, "tlsClientCert": string(c.Certs.OtherClientCert), "tlsClientKey": string(c.Certs.OtherClientKey)},
			want:   []string{"TLS", "tlsClientCert"}, notWant: []string{"SASL"}},
	}
}

func TestIntegrationHealthOverSASLAndTLS(t *testing.T) {
	c := cluster(t)
	for _, tc := range credCases(c) {
		t.Run(tc.name, func(t *testing.T) {
			jd := map[string]any{"bootstrapServers": strings.Join(c.Addrs(tc.listener), ",")}
			for k, v := range tc.json {
				jd[k] = v
			}
			res := checkHealth(t, datasource(t, jd, tc.secure))
			t.Logf("health: %s: %s", res.Status, res.Message)
			if tc.ok {
				if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "is reachable") {
					t.Fatalf("health %s: %s", res.Status, res.Message)
				}
				return
			}
			if res.Status != backend.HealthStatusError {
				t.Fatalf("health %s, want an error: %s", res.Status, res.Message)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message lacks %q: %s", w, res.Message)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(res.Message, w) {
					t.Errorf("message holds %q: %s", w, res.Message)
				}
			}
		})
	}
}

// An ACL that denies a topic: the health check passes (bob may see the
// cluster and the f1 topics) and says nothing of the secret topic; a query
// of that topic says the user is not authorized and what to grant.
func TestIntegrationACLDeniedTopicSaysWhatToGrant(t *testing.T) {
	c := cluster(t)
	jd := map[string]any{"bootstrapServers": strings.Join(c.Addrs(lnSASL), ","), "tlsEnabled": true,
		"saslMechanism": "SCRAM-SHA-512", "saslUsername": limUser}
	ds := datasource(t, jd, map[string]string{"tlsCACert": string(c.Certs.CA), "saslPassword": limPass})
	res := checkHealth(t, ds)
	if res.Status != backend.HealthStatusOk {
		t.Fatalf("bob's health %s: %s", res.Status, res.Message)
	}
	r := query(t, ds, map[string]any{"queryType": "raw", "topic": deniedTopic, "offset": "earliest"}, 0, time.Now().UnixMilli())
	t.Logf("query of %s: error %v", deniedTopic, r.Error)
	if r.Error == nil {
		t.Fatalf("bob read %s, which an ACL denies him (%d frames)", deniedTopic, len(r.Frames))
	}
	for _, w := range []string{"not authorized", limUser, "ACL"} {
		if !strings.Contains(r.Error.Error(), w) {
			t.Errorf("error lacks %q: %v", w, r.Error)
		}
	}
}

// The producer with the same credentials: the good ones deliver a race,
// each bad one exits 1 naming the flag to fix, never the password.
func TestIntegrationProducerCredentials(t *testing.T) {
	c := cluster(t)
	dir := t.TempDir()
	write := func(name string, pem []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ca, other := write("ca.pem", c.Certs.CA), write("other-ca.pem", c.Certs.OtherCA)
	cert, key := write("client.pem", c.Certs.ClientCert), write("client-key.pem", c.Certs.ClientKey)
	sasl := func(mech, user, pass string) []string {
		return []string{"--brokers", strings.Join(c.Addrs(lnSASL), ","), "--tls", "--tls-ca-cert", ca,
			"--sasl-mechanism", mech, "--sasl-username", user, "--sasl-password", pass}
	}
	race := func(topic string) []string {
		return []string{"race", "--speed", "max", "--laps", "1", "--drivers", "VER", "--connect-timeout", "5s", "--topic-telemetry", topic}
	}
	cases := []struct {
		name  string
		args  []string
		topic string
		want  []string // empty: must succeed
	}{
		{"SCRAM-SHA-512 over TLS", sasl("SCRAM-SHA-512", superUser, superPass), "f1-it-scram", nil},
		{"PLAIN over TLS", sasl("PLAIN", superUser, superPass), "f1-it-plain", nil},
		{"mutual TLS", []string{"--brokers", strings.Join(c.Addrs(lnMTLS), ","), "--tls", "--tls-ca-cert", ca, "--tls-client-cert", cert, "--tls-client-key", key}, "f1-it-mtls", nil},
		{"wrong password", sasl("SCRAM-SHA-512", superUser, "Wrong-Pass-9zz"), "f1-it-x", []string{"--sasl-password"}},
		{"unknown CA", append(sasl("SCRAM-SHA-512", superUser, superPass)[:3], "--tls-ca-cert", other, "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", superUser, "--sasl-password", superPass), "f1-it-x", []string{"certificate", "--tls-ca-cert"}},
		{"wrong server name", append(sasl("SCRAM-SHA-512", superUser, superPass), "--tls-server-name", "kafka.wrong.example"), "f1-it-x", []string{"certificate", "--tls-server-name"}},
		{"mutual TLS without a client certificate", []string{"--brokers", strings.Join(c.Addrs(lnMTLS), ","), "--tls", "--tls-ca-cert", ca}, "f1-it-x", []string{"bad certificate", "client certificate"}},
		{"ACL denies the topic", sasl("SCRAM-SHA-512", limUser, limPass), deniedTopic, []string{"not authorized", deniedTopic, "grant", "ACLs"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := producer(t, 2*time.Minute, append(race(tc.topic), tc.args...)...)
			t.Logf("exit %d: %s", code, lastLines(out, 3))
			if strings.Contains(out, superPass) || strings.Contains(out, "Wrong-Pass-9zz") || strings.Contains(out, limPass) {
				t.Fatal("a password appears in the producer's output")
			}
			if tc.want == nil {
				if code != 0 {
					t.Fatalf("exit %d:\n%s", code, out)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				ends, err := c.Admin().ListEndOffsets(ctx, tc.topic)
				if err != nil {
					t.Fatal(err)
				}
				total := int64(0)
				ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
				if total == 0 {
					t.Fatalf("the producer exited 0 but %s is empty", tc.topic)
				}
				return
			}
			if code == 0 {
				t.Fatalf("exit 0, want a failure saying %v:\n%s", tc.want, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, lastLines(out, 5))
				}
			}
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
