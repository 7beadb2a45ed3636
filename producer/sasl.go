package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// The producer's SASL flags. They mean what the datasource's settings mean
// and are built by the same builder (pkg/kafka's SASL), so a cluster the
// plugin reads is one the producer can write to.

// saslFlags are the OAUTHBEARER and AWS_MSK_IAM inputs.
type saslFlags struct {
	oauthTokenURL, oauthClientID, oauthClientSecret string
	oauthScopes, oauthAudience, oauthExtensions     string
	awsRegion, awsAccessKey, awsSecretKey, awsToken string

	once sync.Once
	auth *kafka.Authenticator
	err  error
}

// flagNames are the flags' names, for errors that say what to fix.
var flagNames = kafka.Names{ // #nosec G101 -- names of flags, not credentials
	TokenURL: "--oauth-token-url", ClientID: "--oauth-client-id", ClientSecret: "--oauth-client-secret", Scopes: "--oauth-scopes", Extensions: "--oauth-extensions",
	Region: "--aws-region", AccessKey: "--aws-access-key-id", SecretKey: "--aws-secret-access-key", SessionToken: "--aws-session-token",
}

func addSASLFlags(f *cmdFlags, c *kafkaConfig) {
	s := &c.sasl
	f.StringVar(&c.saslMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM (empty: none)")
	f.StringVar(&c.saslUser, "sasl-username", "", "SASL user (PLAIN, SCRAM)")
	f.StringVar(&c.saslPass, "sasl-password", "", "SASL password (PLAIN, SCRAM)")
	f.StringVar(&s.oauthTokenURL, "oauth-token-url", "", "OAUTHBEARER: the OAuth token endpoint (client-credentials grant)")
	f.StringVar(&s.oauthClientID, "oauth-client-id", "", "OAUTHBEARER: the OAuth client id")
	f.StringVar(&s.oauthClientSecret, "oauth-client-secret", "", "OAUTHBEARER: the OAuth client secret")
	f.StringVar(&s.oauthScopes, "oauth-scopes", "", "OAUTHBEARER: scopes to ask for, separated by spaces or commas")
	f.StringVar(&s.oauthAudience, "oauth-audience", "", "OAUTHBEARER: the audience parameter, for endpoints that want one")
	f.StringVar(&s.oauthExtensions, "oauth-extensions", "", "OAUTHBEARER: SASL extensions as key=value,key=value (e.g. Confluent Cloud's logicalCluster and identityPoolId)")
	f.StringVar(&s.awsRegion, "aws-region", "", "AWS_MSK_IAM: the region of the default chain's own calls (the signature takes the brokers' region from their host names)")
	f.StringVar(&s.awsAccessKey, "aws-access-key-id", "", "AWS_MSK_IAM: access key id (empty: the AWS SDK's default credential chain)")
	f.StringVar(&s.awsSecretKey, "aws-secret-access-key", "", "AWS_MSK_IAM: secret access key")
	f.StringVar(&s.awsToken, "aws-session-token", "", "AWS_MSK_IAM: session token of temporary credentials")
	for _, name := range []string{"sasl-password", "oauth-client-secret", "aws-secret-access-key", "aws-session-token"} {
		f.secret[name] = true
	}
}

// saslAuth is the input of pkg/kafka's SASL builder.
func (c *kafkaConfig) saslAuth() (kafka.SASLAuth, error) {
	s := &c.sasl
	a := kafka.SASLAuth{Mechanism: c.saslMechanism, Username: c.saslUser, Password: c.saslPass, Names: flagNames, Timeout: c.connectTimeout}
	switch strings.ToUpper(strings.TrimSpace(c.saslMechanism)) {
	case kafka.SASLOAuthBearer:
		ext, err := kafka.ParseExtensions(s.oauthExtensions)
		if err != nil {
			return a, fmt.Errorf("--oauth-extensions: %v: write key=value pairs separated by commas", err)
		}
		a.OAuth = kafka.OAuth{TokenURL: strings.TrimSpace(s.oauthTokenURL), ClientID: strings.TrimSpace(s.oauthClientID), ClientSecret: s.oauthClientSecret,
			Scopes: kafka.ParseScopes(s.oauthScopes), Audience: strings.TrimSpace(s.oauthAudience), Extensions: ext}
		// The token endpoint is checked against the system's roots and
		// --tls-ca-cert, like the datasource's.
		if c.tlsCA != "" {
			ca, err := pemValue("tls-ca-cert", c.tlsCA)
			if err != nil {
				return a, err
			}
			a.OAuth.HTTP = kafka.HTTPClient(kafka.WebTLS(ca), nil, c.connectTimeout)
		}
	case kafka.SASLAWSMSKIAM:
		a.AWS = kafka.AWS{Region: strings.TrimSpace(s.awsRegion), AccessKeyID: strings.TrimSpace(s.awsAccessKey), SecretAccessKey: s.awsSecretKey,
			SessionToken: s.awsToken, DefaultChain: strings.TrimSpace(s.awsAccessKey) == "" && s.awsSecretKey == "", UserAgent: "pitwall-producer"}
	}
	return a, nil
}

// authenticator builds the SASL mechanism once, so that every client of
// the run shares one OAuth token.
func (c *kafkaConfig) authenticator() (*kafka.Authenticator, error) {
	c.sasl.once.Do(func() {
		a, err := c.saslAuth()
		if err != nil {
			c.sasl.err = err
			return
		}
		c.sasl.auth, err = kafka.SASL(a)
		switch {
		case errors.Is(err, kafka.ErrUnknownSASL):
			c.sasl.err = fmt.Errorf("unknown --sasl-mechanism: %w", err)
		case err != nil:
			c.sasl.err = fmt.Errorf("--sasl-mechanism %s: %w", c.saslMechanism, err)
		}
	})
	return c.sasl.auth, c.sasl.err
}

// checkSASL gets the mechanism's credentials (an OAuth token, AWS
// credentials) before a broker is asked, so that a refused client secret
// is told as such.
func (c *kafkaConfig) checkSASL(ctx context.Context) error {
	au, err := c.authenticator()
	if err != nil {
		return err
	}
	if _, err := au.Check(ctx); err != nil {
		return fmt.Errorf("SASL %s: %w", au.Name, err)
	}
	return nil
}

// saslHint says which flags to check after a refused connection.
func (c *kafkaConfig) saslHint() string {
	switch strings.ToUpper(strings.TrimSpace(c.saslMechanism)) {
	case kafka.SASLOAuthBearer:
		return fmt.Sprintf("the broker refused the connection: check that it enables OAUTHBEARER and trusts the token of --oauth-token-url (%s), --oauth-scopes and --oauth-extensions", c.sasl.oauthTokenURL)
	case kafka.SASLAWSMSKIAM:
		return "the broker refused the connection: check that it enables AWS_MSK_IAM (the MSK TLS listener, --tls), and that the identity's IAM policy allows kafka-cluster:Connect"
	}
	return fmt.Sprintf("the broker refused the connection: check --sasl-mechanism (%s), --sasl-username (%s) and --sasl-password", c.saslMechanism, c.saslUser)
}
