package kafka

import (
	"errors"
	"fmt"
	"strings"
)

// The SASL side of Explain: who authenticated and what to check, per
// mechanism, and the failures of getting credentials (a token, AWS keys)
// before a broker was asked. Nothing here prints a password, secret, token
// or key.

// credentialProblem explains a failure to get credentials, or a refusal
// that only a mechanism's own words reveal.
func (c *Client) credentialProblem(err error) error {
	var te *tokenError
	if errors.As(err, &te) {
		return &explained{ErrAuth, te.Error()}
	}
	if errors.Is(err, ErrAWSCredentials) {
		return &explained{ErrAuth, stripWrap(err, ErrAWSCredentials)}
	}
	brokers := strings.Join(c.cfg.Brokers, ",")
	msg := err.Error()
	switch c.auth.Name {
	case SASLAWSMSKIAM:
		if strings.Contains(msg, "cannot determine the region") {
			return &explained{ErrAuth, fmt.Sprintf("AWS_MSK_IAM signs for the region in the broker's host name, and %s has none: give bootstrapServers as the MSK names (b-1.<cluster>.kafka.<region>.amazonaws.com)", brokers)}
		}
	case SASLOAuthBearer:
		// Kafka answers a token it does not accept with an error
		// challenge (RFC 7628 §3.2.2), which franz-go reports thus.
		if strings.Contains(msg, "unexpected data in oauth response") {
			return &explained{ErrAuth, fmt.Sprintf("Kafka at %s rejected the OAuth token (mechanism OAUTHBEARER, %s): %s", brokers, c.who(), c.rejectedHint())}
		}
	}
	return nil
}

// who names the principal without a secret.
func (c *Client) who() string {
	a := c.cfg.SASL
	switch c.auth.Name {
	case SASLOAuthBearer:
		return fmt.Sprintf("OAuth client %q", a.OAuth.ClientID)
	case SASLAWSMSKIAM:
		if a.AWS.DefaultChain {
			return "the AWS identity of the default credential chain"
		}
		return "the AWS identity of " + a.Names.AccessKey
	}
	return fmt.Sprintf("user %q", a.Username)
}

// credentialHint says which inputs hold the credentials.
func (c *Client) credentialHint() string {
	n := c.cfg.SASL.Names
	switch c.auth.Name {
	case SASLOAuthBearer:
		return fmt.Sprintf("check %s, %s, %s and %s", n.TokenURL, n.ClientID, n.ClientSecret, n.Scopes)
	case SASLAWSMSKIAM:
		return fmt.Sprintf("check %s and %s (or the default chain's identity)", n.AccessKey, n.SecretKey)
	}
	return "check saslUsername and saslPassword"
}

// rejectedHint says what to check when the broker refused credentials
// that were had without trouble.
func (c *Client) rejectedHint() string {
	n := c.cfg.SASL.Names
	switch c.auth.Name {
	case SASLOAuthBearer:
		return fmt.Sprintf("the token endpoint gave a token but the broker does not accept it: check %s and %s, and that the broker trusts this issuer (its JWKS URL, expected issuer and audience)",
			n.Scopes, n.Extensions)
	case SASLAWSMSKIAM:
		return "check that the identity's IAM policy allows kafka-cluster:Connect on this cluster, that " + n.SessionToken + " is set for temporary credentials, and Grafana's clock"
	}
	return "check saslUsername and saslPassword"
}

// stripWrap returns err's message without its sentinel's prefix.
func stripWrap(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}
