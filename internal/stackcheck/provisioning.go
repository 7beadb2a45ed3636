package stackcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

// Plugin ids and the provisioned datasource uid.
const (
	DatasourceType = "pitwall-kafka-datasource"
	PanelType      = "pitwall-leaderboard-panel"
	DatasourceUID  = "pitwall"
)

// The datasource settings of docs/DESIGN.md (schemaRegistryTlsSkipVerify
// added by issue 12; OAUTHBEARER, AWS_MSK_IAM and the secure SOCKS proxy by
// issue 17).
var (
	JSONDataKeys = []string{"bootstrapServers", "clientId", "saslMechanism", "saslUsername", "tlsEnabled",
		"tlsSkipVerify", "tlsServerName", "schemaRegistryUrl", "schemaRegistryUsername", "schemaRegistryTlsSkipVerify", "timeoutSeconds",
		"viewersControlRace", "maxStreams",
		"oauthTokenUrl", "oauthClientId", "oauthScopes", "oauthAudience", "oauthExtensions", "awsAuthType", "awsRegion",
		"enableSecureSocksProxy", "secureSocksProxyUsername"}
	SecureJSONDataKeys = []string{"saslPassword", "tlsCACert", "tlsClientCert", "tlsClientKey", "schemaRegistryPassword",
		"oauthClientSecret", "awsAccessKeyId", "awsSecretAccessKey", "awsSessionToken", "secureSocksProxyPassword"}
	SASLMechanisms = []string{"", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM"}
)

// Datasource is one entry of a datasource provisioning file. It lists
// every field Grafana reads, so that strict decoding catches a misspelt one
// (which Grafana would silently ignore).
type Datasource struct {
	OrgID           int            `yaml:"orgId"`
	Name            string         `yaml:"name"`
	Type            string         `yaml:"type"`
	UID             string         `yaml:"uid"`
	Access          string         `yaml:"access"`
	URL             string         `yaml:"url"`
	User            string         `yaml:"user"`
	Database        string         `yaml:"database"`
	BasicAuth       bool           `yaml:"basicAuth"`
	BasicAuthUser   string         `yaml:"basicAuthUser"`
	WithCredentials bool           `yaml:"withCredentials"`
	IsDefault       bool           `yaml:"isDefault"`
	Version         int            `yaml:"version"`
	Editable        bool           `yaml:"editable"`
	JSONData        map[string]any `yaml:"jsonData"`
	SecureJSONData  map[string]any `yaml:"secureJsonData"`
}

// DatasourceFile is a provisioning/datasources/*.yaml file.
type DatasourceFile struct {
	APIVersion        int          `yaml:"apiVersion"`
	Datasources       []Datasource `yaml:"datasources"`
	DeleteDatasources []struct {
		Name  string `yaml:"name"`
		OrgID int    `yaml:"orgId"`
	} `yaml:"deleteDatasources"`
}

// DashboardProvider is one entry of a dashboard provisioning file.
type DashboardProvider struct {
	Name                  string `yaml:"name"`
	OrgID                 int    `yaml:"orgId"`
	Type                  string `yaml:"type"`
	Folder                string `yaml:"folder"`
	FolderUID             string `yaml:"folderUid"`
	DisableDeletion       bool   `yaml:"disableDeletion"`
	AllowUIUpdates        bool   `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int    `yaml:"updateIntervalSeconds"`
	Options               struct {
		Path                      string `yaml:"path"`
		FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
	} `yaml:"options"`
}

// ProviderFile is a provisioning/dashboards/*.yaml file.
type ProviderFile struct {
	APIVersion int                 `yaml:"apiVersion"`
	Providers  []DashboardProvider `yaml:"providers"`
}

// ParseYAML decodes YAML strictly: unknown fields are errors.
func ParseYAML(raw []byte, into any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return dec.Decode(into)
}

// CheckDatasource checks the provisioned Pitwall datasource: its type and
// uid, that its settings are docs/DESIGN.md's, that secrets are only in
// secureJsonData, and that it points at the compose services (the broker's
// internal address and the registry's service name and port).
func CheckDatasource(f DatasourceFile, p *types.Project, kafka KafkaAddresses) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.APIVersion != 1 {
		add("datasource provisioning: apiVersion is %d, want 1", f.APIVersion)
	}
	var ds *Datasource
	for i := range f.Datasources {
		if f.Datasources[i].Type == DatasourceType {
			if ds != nil {
				add("datasource provisioning: more than one %s datasource", DatasourceType)
			}
			ds = &f.Datasources[i]
		}
	}
	if ds == nil {
		add("datasource provisioning: no datasource of type %s", DatasourceType)
		return errs
	}
	if ds.UID != DatasourceUID {
		add("datasource %q: uid is %q, dashboards refer to %q", ds.Name, ds.UID, DatasourceUID)
	}
	errs = append(errs, checkSettings(ds.JSONData, ds.SecureJSONData)...)

	servers, _ := ds.JSONData["bootstrapServers"].(string)
	if servers == "" {
		add("datasource %q: jsonData.bootstrapServers is empty", ds.Name)
	}
	for _, addr := range strings.Split(servers, ",") {
		addr = strings.TrimSpace(addr)
		if addr != "" && addr != kafka.Internal {
			add("datasource %q: bootstrapServers has %s, but inside the compose network Kafka is %s", ds.Name, addr, kafka.Internal)
		}
	}
	if reg, _ := ds.JSONData["schemaRegistryUrl"].(string); reg != "" {
		if err := serviceURL(p, reg); err != nil {
			add("datasource %q: schemaRegistryUrl: %v", ds.Name, err)
		}
	}
	return errs
}

// checkSettings checks jsonData and secureJsonData keys and values against docs/DESIGN.md.
func checkSettings(jsonData, secure map[string]any) []error {
	var errs []error
	for _, k := range sortedKeys(jsonData) {
		if slices.Contains(SecureJSONDataKeys, k) {
			errs = append(errs, fmt.Errorf("jsonData.%s is a secret: it belongs in secureJsonData", k))
		} else if !slices.Contains(JSONDataKeys, k) {
			errs = append(errs, fmt.Errorf("jsonData.%s is not a setting of DESIGN.md (%s)", k, strings.Join(JSONDataKeys, ", ")))
		}
	}
	for _, k := range sortedKeys(secure) {
		if !slices.Contains(SecureJSONDataKeys, k) {
			errs = append(errs, fmt.Errorf("secureJsonData.%s is not a secret setting of DESIGN.md (%s)", k, strings.Join(SecureJSONDataKeys, ", ")))
		}
	}
	if m, ok := jsonData["saslMechanism"]; ok {
		if s, _ := m.(string); !slices.Contains(SASLMechanisms, s) {
			errs = append(errs, fmt.Errorf("jsonData.saslMechanism %v is not one of %q", m, SASLMechanisms))
		}
	}
	for _, k := range []string{"tlsEnabled", "tlsSkipVerify"} {
		if v, ok := jsonData[k]; ok {
			if _, isBool := v.(bool); !isBool {
				errs = append(errs, fmt.Errorf("jsonData.%s is %v, want true or false", k, v))
			}
		}
	}
	if v, ok := jsonData["timeoutSeconds"]; ok {
		if n, isInt := v.(int); !isInt || n <= 0 {
			errs = append(errs, fmt.Errorf("jsonData.timeoutSeconds is %v, want a positive number", v))
		}
	}
	return errs
}

// serviceURL checks that an http URL names a compose service and a port the
// service's container listens on (one it publishes, or exposes by default).
func serviceURL(p *types.Project, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", raw)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return fmt.Errorf("%q has no port", raw)
	}
	svc, ok := p.Services[host]
	if !ok {
		return fmt.Errorf("%q: %s is not a compose service", raw, host)
	}
	for _, pc := range svc.Ports {
		if fmt.Sprint(pc.Target) == port {
			return nil
		}
	}
	for _, e := range svc.Expose {
		if e == port {
			return nil
		}
	}
	return fmt.Errorf("%q: service %s has no port %s", raw, host, port)
}

// CommentedExample extracts the commented YAML example that follows marker
// in a provisioning file (lines starting with "#" and at least four spaces),
// uncommented, so that it can be parsed and checked like live settings.
func CommentedExample(raw []byte, marker string) ([]byte, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	var out bytes.Buffer
	found := false
	for sc.Scan() {
		line := sc.Text()
		if !found {
			found = strings.Contains(line, marker)
			continue
		}
		rest, ok := strings.CutPrefix(line, "#")
		if !ok {
			break
		}
		if strings.HasPrefix(rest, "    ") {
			out.WriteString(rest[4:])
			out.WriteByte('\n')
		}
	}
	if !found {
		return nil, fmt.Errorf("no %q comment", marker)
	}
	if out.Len() == 0 {
		return nil, fmt.Errorf("no commented YAML after %q", marker)
	}
	return out.Bytes(), nil
}

// CheckExample checks a commented example (jsonData and secureJsonData) the
// way CheckDatasource checks live settings, and that it shows SASL, TLS and
// registry credentials.
func CheckExample(example []byte) []error {
	var ex struct {
		JSONData       map[string]any `yaml:"jsonData"`
		SecureJSONData map[string]any `yaml:"secureJsonData"`
	}
	if err := ParseYAML(example, &ex); err != nil {
		return []error{fmt.Errorf("the commented example is not valid YAML: %w", err)}
	}
	errs := checkSettings(ex.JSONData, ex.SecureJSONData)
	for _, k := range []string{"saslMechanism", "saslUsername", "tlsEnabled", "schemaRegistryUsername"} {
		if _, ok := ex.JSONData[k]; !ok {
			errs = append(errs, fmt.Errorf("the commented example lacks jsonData.%s", k))
		}
	}
	for _, k := range SecureJSONDataKeys {
		if _, ok := ex.SecureJSONData[k]; !ok {
			errs = append(errs, fmt.Errorf("the commented example lacks secureJsonData.%s", k))
		}
	}
	return errs
}

// CheckProviders checks the dashboard provider: a file provider reading the
// folder where compose mounts the repository's dashboards/.
func CheckProviders(f ProviderFile, mountedAt string) []error {
	var errs []error
	if f.APIVersion != 1 {
		errs = append(errs, fmt.Errorf("dashboard provisioning: apiVersion is %d, want 1", f.APIVersion))
	}
	if len(f.Providers) != 1 {
		return append(errs, fmt.Errorf("dashboard provisioning: %d providers, want 1", len(f.Providers)))
	}
	pr := f.Providers[0]
	if pr.Type != "file" {
		errs = append(errs, fmt.Errorf("dashboard provider %q: type %q, want file", pr.Name, pr.Type))
	}
	if pr.Folder == "" {
		errs = append(errs, fmt.Errorf("dashboard provider %q: no folder", pr.Name))
	}
	if pr.Options.Path != mountedAt {
		errs = append(errs, fmt.Errorf("dashboard provider %q reads %q, but compose mounts dashboards/ at %q",
			pr.Name, pr.Options.Path, mountedAt))
	}
	return errs
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
