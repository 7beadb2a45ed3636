package plugin

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

const redacted = "[redacted]"

// Secret holds a value from secureJsonData. Every way of printing it (fmt
// verbs, JSON, slog) shows "[redacted]"; only Reveal returns the value.
type Secret string

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) Format(f fmt.State, _ rune)   { _, _ = io.WriteString(f, redacted) }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) Reveal() string               { return string(s) }
func (s Secret) IsSet() bool                  { return s != "" }
func (s Secret) describe() string             { return map[bool]string{true: "set", false: "unset"}[s.IsSet()] }

// Settings are one datasource's jsonData and secureJsonData (docs/DESIGN.md).
type Settings struct {
	BootstrapServers []string
	ClientID         string
	SASLMechanism    string
	SASLUsername     string
	SASLPassword     Secret
	// OAUTHBEARER and AWS_MSK_IAM (settings_sasl.go).
	OAuth OAuthSettings
	AWS   AWSSettings
	// SecureSocksProxy sends every broker, registry and token connection
	// through Grafana's secure SOCKS proxy (Private Data source Connect);
	// jsonData.enableSecureSocksProxy, the SDK's own key.
	SecureSocksProxy       bool
	TLSEnabled             bool
	TLSSkipVerify          bool
	TLSServerName          string
	TLSCACert              Secret
	TLSClientCert          Secret
	TLSClientKey           Secret
	SchemaRegistryURL      string
	SchemaRegistryUsername string
	SchemaRegistryPassword Secret
	// SchemaRegistryTLSSkipVerify skips the registry's certificate check
	// (https only). It is its own setting: tlsSkipVerify is the brokers'
	// and does not reach the registry, to which the password is sent.
	SchemaRegistryTLSSkipVerify bool
	Timeout                     time.Duration
	// ViewersControlRace lets Viewers start and stop races (kiosk demos);
	// off, race control needs the Editor role (access.go).
	ViewersControlRace bool
	// MaxStreams bounds the live streams (channels, each its own Kafka
	// consumer) this instance runs at once.
	MaxStreams int
}

// String shows the settings with every secret redacted.
func (s Settings) String() string {
	return fmt.Sprintf("Settings{bootstrapServers=%s clientId=%q sasl=%q user=%q password=%s %s %s secureSocksProxy=%v tls=%v skipVerify=%v serverName=%q "+
		"caCert=%s clientCert=%s clientKey=%s registry=%q registryUser=%q registryPassword=%s registrySkipVerify=%v timeout=%s viewersControlRace=%v maxStreams=%d}",
		strings.Join(s.BootstrapServers, ","), s.ClientID, s.SASLMechanism, s.SASLUsername, s.SASLPassword.describe(), s.OAuth, s.AWS, s.SecureSocksProxy,
		s.TLSEnabled, s.TLSSkipVerify, s.TLSServerName, s.TLSCACert.describe(), s.TLSClientCert.describe(), s.TLSClientKey.describe(),
		s.SchemaRegistryURL, s.SchemaRegistryUsername, s.SchemaRegistryPassword.describe(), s.SchemaRegistryTLSSkipVerify, s.Timeout, s.ViewersControlRace, s.MaxStreams)
}

// GoString is String, so %#v shows no secret either.
func (s Settings) GoString() string { return s.String() }

// LogValue makes slog print the redacted form.
func (s Settings) LogValue() slog.Value { return slog.StringValue(s.String()) }

// jsonData as stored by Grafana. Numbers may arrive as strings from
// provisioning files, hence flexInt.
type jsonData struct {
	BootstrapServers       string  `json:"bootstrapServers"`
	ClientID               string  `json:"clientId"`
	SASLMechanism          string  `json:"saslMechanism"`
	SASLUsername           string  `json:"saslUsername"`
	OAuthTokenURL          string  `json:"oauthTokenUrl"`
	OAuthClientID          string  `json:"oauthClientId"`
	OAuthScopes            string  `json:"oauthScopes"`
	OAuthAudience          string  `json:"oauthAudience"`
	OAuthExtensions        string  `json:"oauthExtensions"`
	AWSAuthType            string  `json:"awsAuthType"`
	AWSRegion              string  `json:"awsRegion"`
	SecureSocksProxy       bool    `json:"enableSecureSocksProxy"`
	TLSEnabled             bool    `json:"tlsEnabled"`
	TLSSkipVerify          bool    `json:"tlsSkipVerify"`
	TLSServerName          string  `json:"tlsServerName"`
	SchemaRegistryURL      string  `json:"schemaRegistryUrl"`
	SchemaRegistryUsername string  `json:"schemaRegistryUsername"`
	SchemaRegistrySkipTLS  bool    `json:"schemaRegistryTlsSkipVerify"`
	TimeoutSeconds         flexInt `json:"timeoutSeconds"`
	ViewersControlRace     bool    `json:"viewersControlRace"`
	MaxStreams             flexInt `json:"maxStreams"`
}

type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%s is not a whole number", b)
	}
	*f = flexInt(n)
	return nil
}

// LoadSettings reads and validates a datasource's settings. Errors name the
// setting to fix and never hold a secret.
func LoadSettings(in backend.DataSourceInstanceSettings) (Settings, error) {
	var jd jsonData
	if len(in.JSONData) > 0 {
		if err := json.Unmarshal(in.JSONData, &jd); err != nil {
			return Settings{}, fmt.Errorf("datasource jsonData is not valid: %v", err)
		}
	}
	sec := in.DecryptedSecureJSONData
	s := Settings{
		ClientID:                    strings.TrimSpace(jd.ClientID),
		SASLMechanism:               strings.ToUpper(strings.TrimSpace(jd.SASLMechanism)),
		SASLUsername:                strings.TrimSpace(jd.SASLUsername),
		SASLPassword:                Secret(sec["saslPassword"]),
		SecureSocksProxy:            jd.SecureSocksProxy,
		TLSEnabled:                  jd.TLSEnabled,
		TLSSkipVerify:               jd.TLSSkipVerify,
		TLSServerName:               strings.TrimSpace(jd.TLSServerName),
		TLSCACert:                   Secret(sec["tlsCACert"]),
		TLSClientCert:               Secret(sec["tlsClientCert"]),
		TLSClientKey:                Secret(sec["tlsClientKey"]),
		SchemaRegistryURL:           strings.TrimRight(strings.TrimSpace(jd.SchemaRegistryURL), "/"),
		SchemaRegistryUsername:      strings.TrimSpace(jd.SchemaRegistryUsername),
		SchemaRegistryPassword:      Secret(sec["schemaRegistryPassword"]),
		SchemaRegistryTLSSkipVerify: jd.SchemaRegistrySkipTLS,
		Timeout:                     time.Duration(jd.TimeoutSeconds) * time.Second,
		ViewersControlRace:          jd.ViewersControlRace,
		MaxStreams:                  int(jd.MaxStreams),
	}
	if s.ClientID == "" {
		s.ClientID = "pitwall"
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, b := range strings.Split(jd.BootstrapServers, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		host, port, err := net.SplitHostPort(b)
		p, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
			bad("bootstrapServers entry %q is not host:port", b)
			continue
		}
		s.BootstrapServers = append(s.BootstrapServers, b)
	}
	if len(s.BootstrapServers) == 0 && len(problems) == 0 {
		bad("bootstrapServers is empty: give the Kafka brokers as host:port, comma separated")
	}
	s.loadSASL(jd, sec, bad)
	switch {
	case jd.TimeoutSeconds == 0:
		s.Timeout = 10 * time.Second
	case jd.TimeoutSeconds < 1 || jd.TimeoutSeconds > 300:
		bad("timeoutSeconds %d is outside 1..300", jd.TimeoutSeconds)
	}
	switch {
	case jd.MaxStreams == 0:
		s.MaxStreams = DefaultMaxStreams
	case jd.MaxStreams < 1 || jd.MaxStreams > MaxMaxStreams:
		bad("maxStreams %d is outside 1..%d", jd.MaxStreams, MaxMaxStreams)
	}
	if s.TLSEnabled {
		if _, err := s.tlsConfig(); err != nil {
			bad("%v", err)
		}
	}
	if s.SchemaRegistryURL != "" {
		if _, err := codec.NewRegistry(s.registryConfig()); err != nil {
			bad("%v", err)
		}
		if s.SchemaRegistryPassword.IsSet() && s.SchemaRegistryUsername == "" {
			bad("schemaRegistryPassword is set but schemaRegistryUsername is empty")
		}
	}
	if len(problems) > 0 {
		return s, errors.New("invalid datasource settings: " + strings.Join(problems, "; "))
	}
	return s, nil
}

// tlsConfig builds the TLS settings (pkg/kafka's builder); nil when TLS is
// off.
func (s Settings) tlsConfig() (*tls.Config, error) {
	if !s.TLSEnabled {
		return nil, nil
	}
	t := kafka.TLS{CA: []byte(s.TLSCACert.Reveal()), ClientCert: []byte(s.TLSClientCert.Reveal()), ClientKey: []byte(s.TLSClientKey.Reveal()),
		ServerName: s.TLSServerName, SkipVerify: s.TLSSkipVerify}
	return t.Config(kafka.TLSNames{CA: "tlsCACert", ClientCert: "tlsClientCert", ClientKey: "tlsClientKey"})
}

func (s Settings) kafkaConfig() (kafka.Config, error) {
	t, err := s.tlsConfig()
	if err != nil {
		return kafka.Config{}, err
	}
	return kafka.Config{
		Brokers:  s.BootstrapServers,
		ClientID: s.ClientID,
		SASL:     s.saslAuth(),
		TLS:      t,
		Timeout:  s.Timeout,
	}, nil
}

func (s Settings) registryConfig() codec.RegistryConfig {
	// The registry shares the brokers' CA and client certificate, not their
	// server name nor tlsSkipVerify: it has its own.
	t, _ := s.tlsConfig() // an error is LoadSettings' to report
	return codec.RegistryConfig{
		URL:      s.SchemaRegistryURL,
		Username: s.SchemaRegistryUsername,
		Password: s.SchemaRegistryPassword.Reveal(),
		Timeout:  s.Timeout,
		TLS:      kafka.RegistryTLS(t, s.SchemaRegistryURL, s.SchemaRegistryTLSSkipVerify),
	}
}
