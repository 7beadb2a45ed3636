package plugin

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/twmb/franz-go/pkg/kfake"
)

// The secrets of OAUTHBEARER and AWS_MSK_IAM in these tests: none may
// show in an error, a health message, a log line or the printed settings.
const (
	oauthSecret = "0auth-Cl1ent-S3cret-ZEBRA"
	awsKeyID    = "AKIAPITWALLEXAMPLE"
	awsSecret   = "aws-S3cret-Key-ZEBRA"
	awsToken    = "aws-Sess10n-T0ken-ZEBRA"
)

func TestSASLSettingsErrorsNameTheSettingToFix(t *testing.T) {
	oauth := map[string]any{"bootstrapServers": "k:1", "saslMechanism": "OAUTHBEARER"}
	aws := map[string]any{"bootstrapServers": "k:1", "saslMechanism": "AWS_MSK_IAM", "tlsEnabled": true}
	with := func(base map[string]any, kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		jd     map[string]any
		secure map[string]string
		want   string
	}{
		{oauth, nil, "oauthTokenUrl is empty"},
		{with(oauth, "oauthTokenUrl", "https://idp/token"), nil, "OAUTHBEARER needs oauthClientId; OAUTHBEARER needs oauthClientSecret"},
		{with(oauth, "oauthTokenUrl", "idp/token", "oauthClientId", "c"), map[string]string{"oauthClientSecret": oauthSecret}, "oauthTokenUrl is not an http(s) URL: give the token endpoint"},
		{with(oauth, "oauthTokenUrl", "https://idp/t", "oauthClientId", "c", "oauthExtensions", "logicalCluster"), map[string]string{"oauthClientSecret": oauthSecret},
			`oauthExtensions: "logicalCluster" is not key=value`},
		{with(oauth, "oauthTokenUrl", "https://idp/t", "oauthClientId", "c", "oauthExtensions", "a-b=1"), map[string]string{"oauthClientSecret": oauthSecret},
			`oauthExtensions: "a-b" is not a valid SASL extension`},
		{aws, nil, "AWS_MSK_IAM with keys needs awsAccessKeyId and awsSecretAccessKey"},
		{with(aws, "tlsEnabled", false, "awsAuthType", "default"), nil, "AWS_MSK_IAM needs tlsEnabled"},
		{with(aws, "awsAuthType", "role"), nil, `awsAuthType "role" is not keys or default`},
		{with(aws), map[string]string{"awsAccessKeyId": awsKeyID}, "needs awsSecretAccessKey"},
	} {
		_, err := load(t, c.jd, c.secure)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.jd, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), oauthSecret) || strings.Contains(err.Error(), awsKeyID)) {
			t.Errorf("a secret in %v", err)
		}
	}
}

func TestSASLSettingsParsedAndRedacted(t *testing.T) {
	s, err := load(t, map[string]any{"bootstrapServers": "k:1", "saslMechanism": "oauthbearer", "oauthTokenUrl": " https://idp.test/oauth2/token ",
		"oauthClientId": "pitwall", "oauthScopes": "kafka:read, kafka:describe", "oauthAudience": "kafka", "oauthExtensions": "logicalCluster=lkc-1"},
		map[string]string{"oauthClientSecret": oauthSecret})
	if err != nil {
		t.Fatal(err)
	}
	a := s.saslAuth()
	if a.Mechanism != "OAUTHBEARER" || a.OAuth.TokenURL != "https://idp.test/oauth2/token" || a.OAuth.ClientSecret != oauthSecret ||
		strings.Join(a.OAuth.Scopes, " ") != "kafka:read kafka:describe" || a.OAuth.Audience != "kafka" || a.OAuth.Extensions["logicalCluster"] != "lkc-1" {
		t.Fatalf("%+v", a.OAuth)
	}
	w, err := load(t, map[string]any{"bootstrapServers": "k:1", "saslMechanism": "AWS_MSK_IAM", "tlsEnabled": true, "awsRegion": "eu-west-1"},
		map[string]string{"awsAccessKeyId": awsKeyID, "awsSecretAccessKey": awsSecret, "awsSessionToken": awsToken})
	if err != nil {
		t.Fatal(err)
	}
	if b := w.saslAuth().AWS; b.DefaultChain || b.AccessKeyID != awsKeyID || b.SecretAccessKey != awsSecret || b.SessionToken != awsToken || b.Region != "eu-west-1" {
		t.Fatalf("%+v", w.AWS)
	}
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("settings", "s", s, "w", w)
	js, _ := json.Marshal(map[string]any{"s": s, "w": w})
	out := fmt.Sprintf("%v %+v %#v %s %v %+v %s %s", s, s, s, s.OAuth, w, w.AWS, sb.String(), js)
	for _, secret := range []string{oauthSecret, awsKeyID, awsSecret, awsToken} {
		if strings.Contains(out, secret) {
			t.Fatalf("%s printed: %s", secret, out)
		}
	}
	if !strings.Contains(out, "clientSecret=set") || !strings.Contains(out, "secretAccessKey=set") {
		t.Fatalf("the settings do not say which secrets are set: %s", out)
	}
}

// The default AWS chain is the Grafana server's own identity: it is
// refused unless Grafana forwards [aws] allowed_auth_providers with
// "default" to this plugin; keys are refused only when Grafana forwards a
// list without "keys".
func TestAWSDefaultChainOnlyWhereGrafanaAllowsIt(t *testing.T) {
	ca, server := selfSigned(t)
	c := testCluster(t, map[string]int32{"t": 1}, kfake.TLS(server))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_ACCESS_KEY_ID", awsKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecret)
	jd := map[string]any{"saslMechanism": "AWS_MSK_IAM", "awsAuthType": "default", "tlsEnabled": true, "timeoutSeconds": 2}
	sec := map[string]string{"tlsCACert": ca}

	notForwarded := newTestDS(t, c, dsOpts{json: jd, secure: sec})
	wantHealth(t, health(t, notForwarded), backend.HealthStatusError, "awsAuthType default", "is not allowed by this Grafana",
		"[aws] allowed_auth_providers including default and forward_settings_to_plugins including pitwall-kafka-datasource")
	keysOnly := newTestDS(t, c, dsOpts{json: jd, secure: sec, grafana: map[string]string{awsAllowedProvidersKey: "keys,credentials"}})
	wantHealth(t, health(t, keysOnly), backend.HealthStatusError, "is not allowed by this Grafana")

	// Allowed: the chain finds the environment's keys; kfake then refuses
	// the mechanism (it speaks PLAIN and SCRAM only).
	allowed := newTestDS(t, c, dsOpts{json: jd, secure: sec, grafana: map[string]string{awsAllowedProvidersKey: "default, keys"}})
	res := health(t, allowed)
	wantHealth(t, res, backend.HealthStatusError, `does not accept SASL mechanism "AWS_MSK_IAM"`)

	keys := map[string]any{"saslMechanism": "AWS_MSK_IAM", "tlsEnabled": true, "timeoutSeconds": 2}
	keySec := map[string]string{"tlsCACert": ca, "awsAccessKeyId": awsKeyID, "awsSecretAccessKey": awsSecret}
	refused := newTestDS(t, c, dsOpts{json: keys, secure: keySec, grafana: map[string]string{awsAllowedProvidersKey: "default"}})
	wantHealth(t, health(t, refused), backend.HealthStatusError, "awsAuthType keys is not allowed by this Grafana ([aws] allowed_auth_providers is default)")
	ok := newTestDS(t, c, dsOpts{json: keys, secure: keySec})
	wantHealth(t, health(t, ok), backend.HealthStatusError, `does not accept SASL mechanism "AWS_MSK_IAM"`)
}

// OAUTHBEARER's health check asks the token endpoint before the brokers,
// so a refused secret or an unreachable endpoint is told as such, and no
// message or log line holds the secret.
func TestOAuthHealthTellsTokenFailures(t *testing.T) {
	logs := newCaptureLogger()
	saved := log.DefaultLogger
	log.DefaultLogger = logs
	t.Cleanup(func() { log.DefaultLogger = saved })

	var asked atomic.Int32
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		_ = r.ParseForm()
		user, pass, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		if user != "pitwall" || pass != oauthSecret {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		if r.PostForm.Get("scope") != "kafka" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_scope"}`))
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"t0ken-ZEBRA","token_type":"Bearer","expires_in":300}`))
	}))
	t.Cleanup(idp.Close)
	c := testCluster(t, map[string]int32{"t": 1})
	ds := func(secret, scopes string) *Datasource {
		return newTestDS(t, c, dsOpts{json: map[string]any{"saslMechanism": "OAUTHBEARER", "oauthTokenUrl": idp.URL + "/token",
			"oauthClientId": "pitwall", "oauthScopes": scopes, "timeoutSeconds": 2}, secure: map[string]string{"oauthClientSecret": secret}})
	}
	var msgs []string
	res := health(t, ds("wrong-"+oauthSecret, "kafka"))
	wantHealth(t, res, backend.HealthStatusError, "OAuth token endpoint "+idp.URL+"/token answered HTTP 401 (invalid_client)", "check oauthClientId and oauthClientSecret")
	msgs = append(msgs, res.Message)
	res = health(t, ds(oauthSecret, "admin"))
	wantHealth(t, res, backend.HealthStatusError, "HTTP 400 (invalid_scope)", "check oauthScopes")
	msgs = append(msgs, res.Message)
	res = health(t, ds(oauthSecret, "kafka"))
	wantHealth(t, res, backend.HealthStatusError, `does not accept SASL mechanism "OAUTHBEARER"`)
	msgs = append(msgs, res.Message)
	idp.Close()
	res = health(t, ds(oauthSecret, "kafka"))
	wantHealth(t, res, backend.HealthStatusError, "cannot reach the OAuth token endpoint", "check oauthTokenUrl")
	msgs = append(msgs, res.Message, logs.String())
	all := strings.Join(msgs, "\n")
	for _, secret := range []string{oauthSecret, "t0ken-ZEBRA"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%s shown: %s", secret, all)
		}
	}
}
