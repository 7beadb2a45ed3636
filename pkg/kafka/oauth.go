package kafka

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// OAuth is SASL/OAUTHBEARER with the OAuth 2.0 client-credentials grant
// (RFC 6749 §4.4): a token is fetched from TokenURL with the client id and
// secret, cached, and refreshed once 80% of its lifetime has passed.
type OAuth struct {
	TokenURL     string
	ClientID     string
	ClientSecret string `json:"-"` // never printed: only sent to TokenURL
	Scopes       []string
	// Audience, when set, is sent as the "audience" parameter (Auth0,
	// some Keycloak set-ups).
	Audience string
	// Extensions are SASL extensions (RFC 7628, KIP-342) sent with the
	// token, e.g. Confluent Cloud's logicalCluster and identityPoolId.
	Extensions map[string]string
	// HTTP reaches TokenURL (nil: a client with the system's roots and
	// the timeout of Config). Build it with HTTPClient so that it takes
	// the same proxy as the brokers.
	HTTP *http.Client `json:"-"`
}

// Names of the OAuth and AWS inputs, as the caller calls them (settings of
// the plugin, flags of the producer), for errors that say what to fix.
type Names struct {
	TokenURL, ClientID, ClientSecret, Scopes, Extensions string
	Region, AccessKey, SecretKey, SessionToken           string
}

// PluginNames are the datasource settings' names (docs/DESIGN.md).
var PluginNames = Names{ // #nosec G101 -- names of settings, not credentials
	TokenURL: "oauthTokenUrl", ClientID: "oauthClientId", ClientSecret: "oauthClientSecret", Scopes: "oauthScopes", Extensions: "oauthExtensions",
	Region: "awsRegion", AccessKey: "awsAccessKeyId", SecretKey: "awsSecretAccessKey", SessionToken: "awsSessionToken",
}

// ErrToken: the token endpoint gave no usable token. Its message says why
// and what to fix; it never holds the client secret or a token.
var ErrToken = errors.New("no OAuth token")

// extensionKey and extensionValue are RFC 7628's (and Kafka's) syntax;
// "auth" is reserved for the token itself.
var (
	extensionKey   = regexp.MustCompile(`^[A-Za-z]+$`)
	extensionValue = regexp.MustCompile(`^[\x21-\x7E \t\r\n]+$`)
)

// check validates the settings that need no network.
func (o OAuth) check(n Names) error {
	var problems []string
	u, err := url.Parse(strings.TrimSpace(o.TokenURL))
	switch {
	case o.TokenURL == "":
		problems = append(problems, n.TokenURL+" is empty: give the OAuth token endpoint, e.g. https://idp.example.com/oauth2/token")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		problems = append(problems, n.TokenURL+" is not an http(s) URL: give the token endpoint, e.g. https://idp.example.com/oauth2/token")
	case u.User != nil:
		problems = append(problems, n.TokenURL+" must not hold credentials; use "+n.ClientID+" and "+n.ClientSecret)
	}
	if o.ClientID == "" {
		problems = append(problems, "OAUTHBEARER needs "+n.ClientID)
	}
	if o.ClientSecret == "" {
		problems = append(problems, "OAUTHBEARER needs "+n.ClientSecret)
	}
	for k, v := range o.Extensions {
		if !extensionKey.MatchString(k) || k == "auth" || !extensionValue.MatchString(v) {
			problems = append(problems, fmt.Sprintf("%s: %q is not a valid SASL extension (key: letters only, not auth; value: printable characters)", n.Extensions, k))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// ParseExtensions reads SASL extensions written as key=value pairs
// separated by commas (e.g. "logicalCluster=lkc-1,identityPoolId=pool-2").
func ParseExtensions(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%q is not key=value", kv)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// ParseScopes splits scopes given with spaces or commas.
func ParseScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

// redactURL shows a URL without user info and query (where some put keys).
func redactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
