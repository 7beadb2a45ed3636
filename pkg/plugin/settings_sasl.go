package plugin

import (
	"fmt"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// The SASL settings: PLAIN and SCRAM (user and password), OAUTHBEARER
// (the client-credentials grant) and AWS_MSK_IAM (keys or the default
// chain). They are checked and built by pkg/kafka's one SASL builder; here
// they are only read from jsonData and secureJsonData.

// OAuthSettings are OAUTHBEARER's settings (docs/DESIGN.md).
type OAuthSettings struct {
	TokenURL     string
	ClientID     string
	ClientSecret Secret
	Scopes       []string
	Audience     string
	Extensions   map[string]string
}

func (o OAuthSettings) String() string {
	return fmt.Sprintf("oauth{tokenUrl=%q clientId=%q clientSecret=%s scopes=%q audience=%q extensions=%d}",
		o.TokenURL, o.ClientID, o.ClientSecret.describe(), o.Scopes, o.Audience, len(o.Extensions))
}

// awsAuthType values: keys from secureJsonData, or the AWS SDK's default
// credential chain where Grafana allows it (grafana.go).
const (
	awsAuthKeys    = "keys"
	awsAuthDefault = "default"
)

// AWSSettings are AWS_MSK_IAM's settings (docs/DESIGN.md).
type AWSSettings struct {
	AuthType        string // awsAuthKeys or awsAuthDefault
	Region          string
	AccessKeyID     Secret
	SecretAccessKey Secret
	SessionToken    Secret
}

func (a AWSSettings) String() string {
	return fmt.Sprintf("aws{authType=%q region=%q accessKeyId=%s secretAccessKey=%s sessionToken=%s}",
		a.AuthType, a.Region, a.AccessKeyID.describe(), a.SecretAccessKey.describe(), a.SessionToken.describe())
}

// loadSASL reads the SASL settings into s and reports what is missing or
// wrong through bad.
func (s *Settings) loadSASL(jd jsonData, sec map[string]string, bad func(string, ...any)) {
	switch s.SASLMechanism {
	case kafka.SASLNone:
		return
	case kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512:
		if s.SASLUsername == "" {
			bad("saslMechanism is %s but saslUsername is empty", s.SASLMechanism)
		}
		if !s.SASLPassword.IsSet() {
			bad("saslMechanism is %s but saslPassword is not set", s.SASLMechanism)
		}
		return
	case kafka.SASLOAuthBearer:
		s.OAuth = OAuthSettings{
			TokenURL:     strings.TrimSpace(jd.OAuthTokenURL),
			ClientID:     strings.TrimSpace(jd.OAuthClientID),
			ClientSecret: Secret(sec["oauthClientSecret"]),
			Scopes:       kafka.ParseScopes(jd.OAuthScopes),
			Audience:     strings.TrimSpace(jd.OAuthAudience),
		}
		ext, err := kafka.ParseExtensions(jd.OAuthExtensions)
		if err != nil {
			bad("oauthExtensions: %v: write key=value pairs separated by commas", err)
		}
		s.OAuth.Extensions = ext
	case kafka.SASLAWSMSKIAM:
		s.AWS = AWSSettings{
			AuthType:        strings.ToLower(strings.TrimSpace(jd.AWSAuthType)),
			Region:          strings.TrimSpace(jd.AWSRegion),
			AccessKeyID:     Secret(strings.TrimSpace(sec["awsAccessKeyId"])),
			SecretAccessKey: Secret(sec["awsSecretAccessKey"]),
			SessionToken:    Secret(sec["awsSessionToken"]),
		}
		switch s.AWS.AuthType {
		case "":
			s.AWS.AuthType = awsAuthKeys
		case awsAuthKeys, awsAuthDefault:
		default:
			bad("awsAuthType %q is not keys or default", jd.AWSAuthType)
		}
		if !s.TLSEnabled {
			bad("saslMechanism AWS_MSK_IAM needs tlsEnabled: Amazon MSK takes IAM authentication on its TLS listener only (port 9098, or 9198 from outside its VPC)")
		}
	default:
		bad("saslMechanism %q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM (or empty for none)", jd.SASLMechanism)
		return
	}
	if _, err := kafka.SASL(s.saslAuth()); err != nil {
		bad("%v", err)
	}
}

// saslAuth is the input of pkg/kafka's SASL builder. The token endpoint's
// HTTP client (TLS, proxy) is set by the datasource (datasource.go).
func (s Settings) saslAuth() kafka.SASLAuth {
	a := kafka.SASLAuth{Mechanism: s.SASLMechanism, Names: kafka.PluginNames, Timeout: s.Timeout}
	switch s.SASLMechanism {
	case kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512:
		a.Username, a.Password = s.SASLUsername, s.SASLPassword.Reveal()
	case kafka.SASLOAuthBearer:
		a.OAuth = kafka.OAuth{TokenURL: s.OAuth.TokenURL, ClientID: s.OAuth.ClientID, ClientSecret: s.OAuth.ClientSecret.Reveal(),
			Scopes: s.OAuth.Scopes, Audience: s.OAuth.Audience, Extensions: s.OAuth.Extensions}
	case kafka.SASLAWSMSKIAM:
		a.AWS = kafka.AWS{Region: s.AWS.Region, DefaultChain: s.AWS.AuthType == awsAuthDefault, UserAgent: "pitwall-kafka-datasource"}
		if !a.AWS.DefaultChain {
			a.AWS.AccessKeyID, a.AWS.SecretAccessKey, a.AWS.SessionToken = s.AWS.AccessKeyID.Reveal(), s.AWS.SecretAccessKey.Reveal(), s.AWS.SessionToken.Reveal()
		}
	}
	return a
}
