package kafka

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
)

func TestSASLMechanismsByName(t *testing.T) {
	for name, want := range map[string]string{"": "", "plain": "PLAIN", " SCRAM-SHA-256 ": "SCRAM-SHA-256", "scram-sha-512": "SCRAM-SHA-512"} {
		m, err := SASL(name, "u", "p")
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if want == "" && m != nil || want != "" && (m == nil || m.Name() != want) {
			t.Errorf("%q: got %v, want %q", name, m, want)
		}
	}
	if _, err := SASL("GSSAPI", "u", "secret"); !errors.Is(err, ErrUnknownSASL) || strings.Contains(err.Error(), "secret") {
		t.Errorf("GSSAPI: %v", err)
	}
}

func TestTLSErrorsNameTheInputToFix(t *testing.T) {
	names := TLSNames{CA: "caSetting", ClientCert: "certSetting", ClientKey: "keySetting"}
	for _, tc := range []struct {
		in   TLS
		want string
	}{
		{TLS{CA: []byte("not pem")}, "caSetting holds no PEM certificate"},
		{TLS{ClientCert: []byte("x")}, "certSetting is set but keySetting is not (mutual TLS needs both)"},
		{TLS{ClientKey: []byte("SECRET")}, "keySetting is set but certSetting is not"},
		{TLS{ClientCert: []byte("x"), ClientKey: []byte("SECRET")}, "certSetting and keySetting are not a valid PEM certificate and matching key"},
	} {
		_, err := tc.in.Config(names)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%+v: got %v, want %q", tc.in, err, tc.want)
		}
	}
	c, err := TLS{ServerName: "kafka.test", SkipVerify: true}.Config(names)
	if err != nil || c.ServerName != "kafka.test" || !c.InsecureSkipVerify || c.MinVersion != tls.VersionTLS12 {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestRegistryTLSSharesTheCANotTheServerName(t *testing.T) {
	brokers := &tls.Config{ServerName: "kafka.test", MinVersion: tls.VersionTLS12, InsecureSkipVerify: true} // #nosec G402 -- a test of the skip-verify rule
	if RegistryTLS(brokers, "http://sr:8081", true) != nil || RegistryTLS(nil, "https://sr:8081", false) != nil {
		t.Fatal("TLS for a plain http registry, or without broker TLS nor a skip")
	}
	r := RegistryTLS(brokers, "HTTPS://sr:8081", false)
	if r == nil || r.ServerName != "" || r.InsecureSkipVerify || r.MinVersion != tls.VersionTLS12 || brokers.ServerName != "kafka.test" {
		t.Fatalf("registry %+v, brokers %+v", r, brokers)
	}
	if r := RegistryTLS(nil, "https://sr:8081", true); r == nil || !r.InsecureSkipVerify {
		t.Fatalf("the registry's own skip: %+v", r)
	}
}
