package kafka

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
)

func TestSASLMechanismsByName(t *testing.T) {
	for name, want := range map[string]string{"": "", "plain": "PLAIN", " SCRAM-SHA-256 ": "SCRAM-SHA-256", "scram-sha-512": "SCRAM-SHA-512",
		"oauthbearer": "OAUTHBEARER", "aws_msk_iam": "AWS_MSK_IAM"} {
		au, err := SASL(SASLAuth{Mechanism: name, Username: "u", Password: "p",
			OAuth: OAuth{TokenURL: "https://idp.test/token", ClientID: "c", ClientSecret: "s"},
			AWS:   AWS{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "k"}})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		m := au.Mechanism
		if want == "" && m != nil || want != "" && (m == nil || m.Name() != want || au.Name != want) {
			t.Errorf("%q: got %v, want %q", name, m, want)
		}
	}
	if _, err := SASL(SASLAuth{Mechanism: "GSSAPI", Password: "secret"}); !errors.Is(err, ErrUnknownSASL) || strings.Contains(err.Error(), "secret") {
		t.Errorf("GSSAPI: %v", err)
	}
}

// The mechanisms that fetch credentials refuse incomplete settings before
// any network, naming what to set in the caller's words.
func TestSASLIncompleteSettingsNameWhatToSet(t *testing.T) {
	producerNames := Names{TokenURL: "--oauth-token-url", ClientID: "--oauth-client-id", ClientSecret: "--oauth-client-secret",
		Scopes: "--oauth-scopes", Extensions: "--oauth-extensions", AccessKey: "--aws-access-key-id", SecretKey: "--aws-secret-access-key"}
	for _, tc := range []struct {
		a    SASLAuth
		want []string
	}{
		{SASLAuth{Mechanism: "OAUTHBEARER"}, []string{"oauthTokenUrl is empty", "needs oauthClientId", "needs oauthClientSecret"}},
		{SASLAuth{Mechanism: "OAUTHBEARER", OAuth: OAuth{TokenURL: "ftp://x/token", ClientID: "c", ClientSecret: "S3CRET"}}, []string{"oauthTokenUrl is not an http(s) URL"}},
		{SASLAuth{Mechanism: "OAUTHBEARER", OAuth: OAuth{TokenURL: "https://u:S3CRET@idp/token", ClientID: "c", ClientSecret: "S3CRET"}}, []string{"must not hold credentials"}},
		{SASLAuth{Mechanism: "OAUTHBEARER", OAuth: OAuth{TokenURL: "https://idp/t", ClientID: "c", ClientSecret: "S3CRET", Extensions: map[string]string{"auth": "x"}}}, []string{`"auth" is not a valid SASL extension`}},
		{SASLAuth{Mechanism: "OAUTHBEARER", Names: producerNames}, []string{"--oauth-token-url is empty", "--oauth-client-secret"}},
		{SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{SecretAccessKey: "S3CRET"}}, []string{"needs awsAccessKeyId"}},
		{SASLAuth{Mechanism: "AWS_MSK_IAM", Names: producerNames}, []string{"needs --aws-access-key-id and --aws-secret-access-key"}},
	} {
		_, err := SASL(tc.a)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "S3CRET") {
				t.Errorf("%+v: got %v, want %q", tc.a.Mechanism, err, w)
			}
		}
	}
	if _, err := SASL(SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{DefaultChain: true}}); err != nil {
		t.Errorf("the default chain needs no keys: %v", err)
	}
}

func TestParseScopesAndExtensions(t *testing.T) {
	if got := strings.Join(ParseScopes(" kafka:read, kafka:write  openid\n"), "|"); got != "kafka:read|kafka:write|openid" {
		t.Errorf("scopes %q", got)
	}
	ext, err := ParseExtensions("logicalCluster=lkc-1, identityPoolId = pool-2 ,")
	if err != nil || len(ext) != 2 || ext["logicalCluster"] != "lkc-1" || ext["identityPoolId"] != "pool-2" {
		t.Errorf("%v %v", ext, err)
	}
	if _, err := ParseExtensions("novalue"); err == nil {
		t.Error("an extension without = was taken")
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
