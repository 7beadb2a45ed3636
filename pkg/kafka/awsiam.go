package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/twmb/franz-go/pkg/sasl"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
)

// AWS is SASL/AWS_MSK_IAM: each connection signs (AWS Signature V4) a
// kafka-cluster:Connect request for the broker's host with these
// credentials. franz-go signs for the region in the broker's host name
// (b-1.<cluster>.kafka.<region>.amazonaws.com), as AWS's own
// aws-msk-iam-auth library does.
type AWS struct {
	// Region is the region of the default chain's own calls (STS for web
	// identity, SSO); empty: the chain's own choice.
	Region          string
	AccessKeyID     string
	SecretAccessKey string `json:"-"` // never printed
	SessionToken    string `json:"-"` // never printed; for temporary credentials
	// DefaultChain takes the credentials from the AWS SDK's default chain
	// (environment, shared files, web identity, ECS, EC2 instance role) of
	// the process instead of the keys. Whether that is allowed is the
	// caller's decision (the plugin asks Grafana's [aws] settings).
	DefaultChain bool
	UserAgent    string // optional, for aws:UserAgent conditions
}

// ErrAWSCredentials: no AWS credentials could be had for AWS_MSK_IAM.
var ErrAWSCredentials = errors.New("no AWS credentials")

func (a AWS) check(n Names) error {
	if a.DefaultChain {
		return nil
	}
	var missing []string
	if a.AccessKeyID == "" {
		missing = append(missing, n.AccessKey)
	}
	if a.SecretAccessKey == "" {
		missing = append(missing, n.SecretKey)
	}
	if len(missing) > 0 {
		return fmt.Errorf("AWS_MSK_IAM with keys needs %s", strings.Join(missing, " and "))
	}
	return nil
}

// awsCredentials gives the credentials of each SASL session: the keys, or
// the default chain's (cached by the SDK and refreshed before they expire).
type awsCredentials struct {
	cfg     AWS
	names   Names
	timeout time.Duration

	mu    sync.Mutex
	cache *awssdk.CredentialsCache
}

func newAWSCredentials(cfg AWS, names Names, timeout time.Duration) *awsCredentials {
	return &awsCredentials{cfg: cfg, names: names, timeout: timeout}
}

func (c *awsCredentials) mechanism() sasl.Mechanism {
	return awssasl.ManagedStreamingIAM(func(ctx context.Context) (awssasl.Auth, error) {
		return c.auth(ctx)
	})
}

// auth returns the credentials to sign with, and where they came from.
func (c *awsCredentials) auth(ctx context.Context) (awssasl.Auth, error) {
	a, _, err := c.retrieve(ctx)
	return a, err
}

func (c *awsCredentials) retrieve(ctx context.Context) (awssasl.Auth, string, error) {
	if !c.cfg.DefaultChain {
		return awssasl.Auth{AccessKey: c.cfg.AccessKeyID, SecretKey: c.cfg.SecretAccessKey, SessionToken: c.cfg.SessionToken, UserAgent: c.cfg.UserAgent}, "keys", nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cache, err := c.chain(ctx)
	if err != nil {
		return awssasl.Auth{}, "", err
	}
	creds, err := cache.Retrieve(ctx)
	if err != nil {
		return awssasl.Auth{}, "", fmt.Errorf("%w: the AWS default credential chain found none: %s: give Grafana an AWS identity (environment, shared credentials file, web identity, ECS or EC2 role) or set %s and %s",
			ErrAWSCredentials, summarize(err), c.names.AccessKey, c.names.SecretKey)
	}
	return awssasl.Auth{AccessKey: creds.AccessKeyID, SecretKey: creds.SecretAccessKey, SessionToken: creds.SessionToken, UserAgent: c.cfg.UserAgent}, creds.Source, nil
}

// chain loads the default chain's configuration once.
func (c *awsCredentials) chain(ctx context.Context) (*awssdk.CredentialsCache, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cache != nil {
		return c.cache, nil
	}
	var opts []func(*awsconfig.LoadOptions) error
	if c.cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(c.cfg.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: loading the AWS default configuration: %s", ErrAWSCredentials, summarize(err))
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%w: the AWS default configuration has no credentials provider", ErrAWSCredentials)
	}
	c.cache = awssdk.NewCredentialsCache(cfg.Credentials)
	return c.cache, nil
}

// summarize keeps an AWS SDK error short enough for a health message.
func summarize(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
