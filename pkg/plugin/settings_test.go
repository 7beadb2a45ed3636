package plugin

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func load(t *testing.T, jd map[string]any, secure map[string]string) (Settings, error) {
	t.Helper()
	raw, _ := json.Marshal(jd)
	return LoadSettings(backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: secure})
}

func TestSettingsDefaultsAndParsing(t *testing.T) {
	s, err := load(t, map[string]any{"bootstrapServers": " a:9092, b:9093 ", "timeoutSeconds": "7", "saslMechanism": "scram-sha-512",
		"saslUsername": "u", "schemaRegistryUrl": "http://sr:8081/"}, map[string]string{"saslPassword": "p"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.BootstrapServers, ",") != "a:9092,b:9093" || s.Timeout.Seconds() != 7 || s.SASLMechanism != "SCRAM-SHA-512" ||
		s.ClientID != "pitwall" || s.SchemaRegistryURL != "http://sr:8081" {
		t.Fatalf("%v", s)
	}
	s, err = load(t, map[string]any{"bootstrapServers": "k:9092"}, nil)
	if err != nil || s.Timeout.Seconds() != 10 {
		t.Fatalf("default timeout: %v %v", s.Timeout, err)
	}
}

func TestSettingsErrorsNameTheSettingToFix(t *testing.T) {
	cases := []struct {
		jd     map[string]any
		secure map[string]string
		want   string
	}{
		{map[string]any{}, nil, "bootstrapServers is empty"},
		{map[string]any{"bootstrapServers": "kafka"}, nil, `bootstrapServers entry "kafka" is not host:port`},
		{map[string]any{"bootstrapServers": "k:99999"}, nil, "is not host:port"},
		{map[string]any{"bootstrapServers": "k:1", "saslMechanism": "GSSAPI"}, nil, `saslMechanism "GSSAPI" is not one of`},
		{map[string]any{"bootstrapServers": "k:1", "saslMechanism": "PLAIN"}, nil, "saslUsername is empty"},
		{map[string]any{"bootstrapServers": "k:1", "saslMechanism": "PLAIN", "saslUsername": "u"}, nil, "saslPassword is not set"},
		{map[string]any{"bootstrapServers": "k:1", "timeoutSeconds": 0.5}, nil, "not a whole number"},
		{map[string]any{"bootstrapServers": "k:1", "timeoutSeconds": 900}, nil, "timeoutSeconds 900 is outside 1..300"},
		{map[string]any{"bootstrapServers": "k:1", "tlsEnabled": true}, map[string]string{"tlsCACert": "not pem"}, "tlsCACert holds no PEM certificate"},
		{map[string]any{"bootstrapServers": "k:1", "tlsEnabled": true}, map[string]string{"tlsClientCert": "x"}, "tlsClientCert is set but tlsClientKey is not"},
		{map[string]any{"bootstrapServers": "k:1", "tlsEnabled": true}, map[string]string{"tlsClientCert": "x", "tlsClientKey": "SECRETKEY"}, "not a valid PEM certificate and matching key"},
		{map[string]any{"bootstrapServers": "k:1", "schemaRegistryUrl": "ftp://x"}, nil, "is not an http(s) URL"},
		{map[string]any{"bootstrapServers": "k:1", "schemaRegistryUrl": "http://u:SECRETPW@x:8081"}, nil, "must not hold credentials"},
		{map[string]any{"bootstrapServers": "k:1", "schemaRegistryUrl": "http://x:8081"}, map[string]string{"schemaRegistryPassword": "p"}, "schemaRegistryUsername is empty"},
	}
	for _, c := range cases {
		_, err := load(t, c.jd, c.secure)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.jd, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

func TestSettingsNeverPrintSecrets(t *testing.T) {
	secret := "Zq9-unique-secret-Xv"
	s, err := load(t, map[string]any{"bootstrapServers": "k:1", "saslMechanism": "PLAIN", "saslUsername": "u",
		"schemaRegistryUrl": "http://sr:1", "schemaRegistryUsername": "r"},
		map[string]string{"saslPassword": secret, "schemaRegistryPassword": secret, "tlsClientKey": secret})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(s)
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("settings", "s", s, "p", s.SASLPassword)
	outs := []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), string(js), sb.String(),
		fmt.Sprintf("%v %+v %#v %s %q %x %d", s.SASLPassword, s.SASLPassword, s.SASLPassword, s.SASLPassword, s.SASLPassword, s.SASLPassword, s.SASLPassword)}
	for _, o := range outs {
		if strings.Contains(o, secret) || strings.Contains(o, fmt.Sprintf("%x", secret)) {
			t.Fatalf("secret printed: %s", o)
		}
	}
	if !strings.Contains(outs[0], "password=set") {
		t.Fatalf("redacted form should say the password is set: %s", outs[0])
	}
	if s.SASLPassword.Reveal() != secret {
		t.Fatal("Reveal must return the value")
	}
}
