package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Amazon MSK cannot be reached from here, so the client side is what is
// tested: the payload of the SASL exchange is checked against the AWS
// SDK's own Signature V4 presigner (an implementation independent of
// franz-go's), with the credentials the settings gave.
func TestMSKIAMPayloadIsSignedWithTheGivenKeys(t *testing.T) {
	const (
		host   = "b-1.pitwall.abc123.c4.kafka.eu-west-1.amazonaws.com"
		key    = "AKIDEXAMPLE"
		secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
		token  = "FQoGZXIvYXdzEXAMPLE-session"
	)
	for _, session := range []string{"", token} {
		au, err := SASL(SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{AccessKeyID: key, SecretAccessKey: secret, SessionToken: session, UserAgent: "pitwall-test"}})
		if err != nil {
			t.Fatal(err)
		}
		_, msg, err := au.Mechanism.Authenticate(context.Background(), host+":9098")
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]string
		if err := json.Unmarshal(msg, &p); err != nil {
			t.Fatalf("%v: %s", err, msg)
		}
		if p["version"] != "2020_10_22" || p["host"] != host || p["action"] != "kafka-cluster:Connect" || p["user-agent"] != "pitwall-test" ||
			p["x-amz-security-token"] != session || !strings.HasPrefix(p["x-amz-credential"], key+"/") ||
			!strings.HasSuffix(p["x-amz-credential"], "/eu-west-1/kafka-cluster/aws4_request") {
			t.Fatalf("payload %v", p)
		}
		if strings.Contains(string(msg), secret) {
			t.Fatal("the payload holds the secret key")
		}
		at, err := time.Parse("20060102T150405Z", p["x-amz-date"])
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://"+host+"/?"+url.Values{"Action": {"kafka-cluster:Connect"}, "X-Amz-Expires": {"300"}}.Encode(), nil)
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), awssdk.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: session},
			req, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "kafka-cluster", "eu-west-1", at)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(signed)
		if want := u.Query().Get("X-Amz-Signature"); want == "" || p["x-amz-signature"] != want {
			t.Fatalf("session %q: signature %s, the AWS SDK computes %s", session, p["x-amz-signature"], want)
		}
	}
}

// The default chain is the AWS SDK's: here it finds the environment's
// keys, and with nothing to find it says what to give.
func TestMSKIAMDefaultChain(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-S3CRET")
	au, err := SASL(SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{DefaultChain: true, Region: "eu-west-1"}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if where, err := au.Check(context.Background()); err != nil || where != "AWS credentials from EnvConfigCredentials" {
		t.Fatalf("%q %v", where, err)
	}
	_, msg, err := au.Mechanism.Authenticate(context.Background(), "b-2.x.kafka.eu-west-1.amazonaws.com:9098")
	if err != nil || !strings.Contains(string(msg), `"x-amz-credential":"AKIDFROMENV/`) {
		t.Fatalf("%s %v", msg, err)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	none, _ := SASL(SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{DefaultChain: true}, Timeout: 3 * time.Second})
	_, err = none.Check(context.Background())
	if !errors.Is(err, ErrAWSCredentials) || !strings.Contains(err.Error(), "set awsAccessKeyId and awsSecretAccessKey") {
		t.Fatalf("no credentials: %v", err)
	}
}

// Errors of the AWS mechanism through a client say what to fix: a broker
// host without a region, a broker that does not speak AWS_MSK_IAM (kfake),
// and no credentials.
func TestMSKIAMErrorsThroughTheClient(t *testing.T) {
	c := cluster(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "admin", "admin"))
	cl := client(t, c, func(cfg *Config) {
		cfg.SASL = SASLAuth{Mechanism: "AWS_MSK_IAM", AWS: AWS{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "S3CRET"}}
	})
	err := cl.Ping(context.Background())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), `does not accept SASL mechanism "AWS_MSK_IAM"`) {
		t.Fatalf("kfake: %v", err)
	}
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	_, _, err = cl.auth.Mechanism.Authenticate(context.Background(), "127.0.0.1:9098")
	if ex := cl.Explain(err); !errors.Is(ex, ErrAuth) || !strings.Contains(ex.Error(), "give bootstrapServers as the MSK names") {
		t.Fatalf("no region: %v", ex)
	}
	if where, err := cl.CheckAuth(context.Background()); where != "AWS credentials from keys" || err != nil {
		t.Fatalf("%q %v", where, err)
	}
}
