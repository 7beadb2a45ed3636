package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// The producer's OAUTHBEARER and AWS_MSK_IAM flags go through pkg/kafka's
// builder, like the datasource's settings: the token is fetched before a
// broker is asked, failures name the flags to fix, and no secret shows.
// (kfake speaks PLAIN and SCRAM only; the producer on real Kafka with
// OAUTHBEARER is in internal/integration.)
func TestOAuthFlags(t *testing.T) {
	const secret = "Pr0ducer-0auth-S3cret"
	var asked atomic.Int32
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		_ = r.ParseForm()
		user, pass, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		if user != "producer" || pass != secret || r.PostForm.Get("scope") != "kafka:write" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"t0ken","token_type":"Bearer","expires_in":60}`))
	}))
	defer idp.Close()
	c, err := kfake.NewCluster(kfake.Ports(0), kfake.EnableSASL(), kfake.Superuser("PLAIN", "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	base := []string{"race", "--brokers", c.ListenAddrs()[0], "--speed", "max", "--laps", "1", "--drivers", "VER", "--connect-timeout", "3s",
		"--sasl-mechanism", "OAUTHBEARER", "--oauth-token-url", idp.URL + "/token", "--oauth-client-id", "producer", "--oauth-scopes", "kafka:write"}

	errOut := expectFail(t, 1, []string{"SASL OAUTHBEARER: the OAuth token endpoint " + idp.URL + "/token answered HTTP 401", "check --oauth-client-id and --oauth-client-secret"},
		nil, append(base, "--oauth-client-secret", "wrong-"+secret)...)
	if strings.Contains(errOut, secret) {
		t.Fatalf("the secret shows: %s", errOut)
	}
	// The right secret, from the environment: a token, then kfake refuses
	// the mechanism.
	n := asked.Load()
	errOut = expectFail(t, 1, []string{"check that it enables OAUTHBEARER and trusts the token of --oauth-token-url"},
		[]string{"PITWALL_OAUTH_CLIENT_SECRET=" + secret}, base...)
	if asked.Load() == n || strings.Contains(errOut, secret) || strings.Contains(errOut, "t0ken") {
		t.Fatalf("token asked %d times; stderr %s", asked.Load()-n, errOut)
	}
	expectFail(t, 1, []string{"--oauth-token-url is empty"}, nil, "race", "--brokers", c.ListenAddrs()[0], "--sasl-mechanism", "OAUTHBEARER",
		"--oauth-client-id", "x", "--oauth-client-secret", "y")
	expectFail(t, 1, []string{"--oauth-extensions", "is not key=value"}, nil, append(base, "--oauth-client-secret", "y", "--oauth-extensions", "oops")...)

	code, out, _ := cli(t, context.Background(), []string{"PITWALL_OAUTH_CLIENT_SECRET=" + secret}, "race", "--help")
	if code != 0 || !strings.Contains(out, "--oauth-token-url") || !strings.Contains(out, "[PITWALL_AWS_SECRET_ACCESS_KEY]") || strings.Contains(out, secret) {
		t.Fatalf("help: %d %s", code, out)
	}
}

func TestAWSFlags(t *testing.T) {
	c, err := kfake.NewCluster(kfake.Ports(0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for k, v := range map[string]string{"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": t.TempDir() + "/none", "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none",
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": ""} {
		t.Setenv(k, v)
	}
	base := []string{"race", "--brokers", c.ListenAddrs()[0], "--connect-timeout", "3s", "--sasl-mechanism", "AWS_MSK_IAM"}
	// No keys: the default chain, which finds nothing here.
	expectFail(t, 1, []string{"the AWS default credential chain found none", "set --aws-access-key-id and --aws-secret-access-key"}, nil, base...)
	errOut := expectFail(t, 1, []string{"AWS_MSK_IAM with keys needs --aws-secret-access-key"}, nil, append(base, "--aws-access-key-id", "AKIAEXAMPLE")...)
	if strings.Contains(errOut, "AKIAEXAMPLE") {
		t.Fatalf("the key id shows: %s", errOut)
	}
	// Keys: kfake refuses the mechanism, and the hint says what to check.
	expectFail(t, 1, []string{"check that it enables AWS_MSK_IAM"}, []string{"PITWALL_AWS_SECRET_ACCESS_KEY=S3CRET"},
		append(base, "--aws-access-key-id", "AKIAEXAMPLE")...)
}
