package stackcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Stack is every file of the Docker stack and the provisioning, loaded from
// a repository root.
type Stack struct {
	Root        string
	Compose     *types.Project
	Stages      []Stage
	Datasources DatasourceFile
	DSRaw       []byte
	Providers   ProviderFile
	Dashboards  map[string]Dashboard // by file name
}

// Load reads the stack from a repository root. Any file that is missing or
// does not parse is an error.
func Load(root string) (*Stack, error) {
	s := &Stack{Root: root, Dashboards: map[string]Dashboard{}}
	var err error
	if s.Compose, err = LoadCompose(filepath.Join(root, "docker-compose.yml")); err != nil {
		return nil, err
	}
	df, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return nil, fmt.Errorf("reading the Dockerfile: %w", err)
	}
	defer df.Close()
	if s.Stages, err = ParseDockerfile(df); err != nil {
		return nil, fmt.Errorf("Dockerfile: %w", err)
	}
	dsPath := filepath.Join(root, "provisioning", "datasources", "pitwall.yaml")
	if s.DSRaw, err = os.ReadFile(dsPath); err != nil {
		return nil, fmt.Errorf("reading %s: %w", dsPath, err)
	}
	if err := ParseYAML(s.DSRaw, &s.Datasources); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", dsPath, err)
	}
	prPath := filepath.Join(root, "provisioning", "dashboards", "pitwall.yaml")
	raw, err := os.ReadFile(prPath)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", prPath, err)
	}
	if err := ParseYAML(raw, &s.Providers); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", prPath, err)
	}
	files, err := filepath.Glob(filepath.Join(root, "dashboards", "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no dashboards in %s", filepath.Join(root, "dashboards"))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		d, err := ParseDashboard(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		s.Dashboards[filepath.Base(f)] = d
	}
	return s, nil
}

// Grafana paths inside the grafana image.
const (
	ProvisioningDir = "/etc/grafana/provisioning"
	PluginDir       = "/var/lib/grafana/plugins/" + DatasourceType
	PanelPluginDir  = "/var/lib/grafana/plugins/" + PanelType
)

// CheckGrafanaService checks the grafana service's mounts (provisioning and
// dashboards, from folders that exist), its unsigned-plugin allow list and
// its home dashboard, and returns where dashboards/ is mounted.
func (s *Stack) CheckGrafanaService() (dashboardsAt string, errs []error) {
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	svc, ok := s.Compose.Services["grafana"]
	if !ok {
		add("service grafana is missing")
		return "", errs
	}
	mounts := map[string]string{} // source relative to the root -> target
	for _, v := range svc.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		rel, err := filepath.Rel(s.Root, v.Source)
		if err != nil || strings.HasPrefix(rel, "..") {
			add("grafana mounts %s, which is outside the repository", v.Source)
			continue
		}
		if st, err := os.Stat(v.Source); err != nil || !st.IsDir() {
			add("grafana mounts %s, which is not a folder of the repository", rel)
		}
		if !v.ReadOnly {
			add("grafana mounts %s read-write; provisioning and dashboards should be read-only", rel)
		}
		mounts[filepath.ToSlash(rel)] = v.Target
	}
	for _, sub := range []string{"datasources", "dashboards"} {
		want := ProvisioningDir + "/" + sub
		if got := mounts["provisioning/"+sub]; got != want {
			add("grafana must mount provisioning/%s at %s (got %q)", sub, want, got)
		}
	}
	dashboardsAt = mounts["dashboards"]
	if dashboardsAt == "" {
		add("grafana does not mount dashboards/")
	}
	allowed := strings.Split(env(svc, "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"), ",")
	for _, id := range []string{DatasourceType, PanelType} {
		if !slices.Contains(allowed, id) {
			add("grafana: GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS does not allow %s", id)
		}
	}
	if home := env(svc, "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"); home != "" {
		if dashboardsAt == "" || path.Dir(home) != dashboardsAt {
			add("grafana: the home dashboard %s is not in the mounted dashboards folder %s", home, dashboardsAt)
		} else if _, ok := s.Dashboards[path.Base(home)]; !ok {
			add("grafana: the home dashboard %s is not a file of dashboards/", home)
		}
	}
	return dashboardsAt, errs
}

// CheckProducerService checks that the producer serves race commands and
// starts a demo race, on the addresses the containers use.
func (s *Stack) CheckProducerService(kafka KafkaAddresses) []error {
	var errs []error
	svc, ok := s.Compose.Services["producer"]
	if !ok {
		return []error{fmt.Errorf("service producer is missing")}
	}
	cmd := []string(svc.Command)
	if len(cmd) == 0 || cmd[0] != "serve" {
		errs = append(errs, fmt.Errorf("producer must run `serve` (so races start from the panel), runs %q", cmd))
	}
	if !slices.Contains(cmd, "--demo") {
		errs = append(errs, fmt.Errorf("producer serve needs --demo to start a race by itself"))
	}
	if b := flagValue(cmd, "--brokers"); b != kafka.Internal {
		errs = append(errs, fmt.Errorf("producer --brokers is %q; inside the compose network Kafka is %s", b, kafka.Internal))
	}
	reg := flagValue(cmd, "--registry")
	for _, ds := range s.Datasources.Datasources {
		if ds.Type == DatasourceType {
			if want, _ := ds.JSONData["schemaRegistryUrl"].(string); reg != want {
				errs = append(errs, fmt.Errorf("producer --registry is %q but the datasource reads %q", reg, want))
			}
		}
	}
	return errs
}

var (
	goDirectiveRE = regexp.MustCompile(`(?m)^go\s+([0-9]+(?:\.[0-9]+)*)\s*$`)
	numsRE        = regexp.MustCompile(`^v?([0-9]+(?:\.[0-9]+)*)`)
)

// CheckDockerfile checks the stages: Node builds the frontend, Go the backend
// and producer, Grafana 12.4 is the last (default) stage with the plugin in
// its plugins folder, and every base image is pinned. The Go image must be at
// least go.mod's go version and Node's major the one in .nvmrc.
func CheckDockerfile(stages []Stage, goMod, nvmrc string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf("Dockerfile: "+format, args...)) }
	names := map[string]bool{}
	for _, st := range stages {
		if st.Name != "" {
			names[st.Name] = true
		}
	}
	for _, st := range stages {
		if names[strings.ToLower(st.Image)] {
			continue // FROM an earlier stage
		}
		if _, tag := ImageTag(st.Image); !pinned(tag) {
			add("line %d: base image %q is not pinned to a version", st.Line, st.Image)
		}
	}
	byBase := func(repo string) (Stage, bool) {
		for _, st := range stages {
			if r, _ := ImageTag(st.Image); r == repo {
				return st, true
			}
		}
		return Stage{}, false
	}
	if st, ok := byBase("node"); !ok {
		add("no Node stage builds the frontend")
	} else {
		if !hasRun(st, "npm ci") || !hasRun(st, "npm run build") {
			add("the Node stage must run npm ci and npm run build")
		}
		_, tag := ImageTag(st.Image)
		if want := strings.TrimSpace(strings.TrimPrefix(nvmrc, "v")); want != "" && major(tag) != major(want) {
			add("Node %s, but .nvmrc says %s", tag, want)
		}
	}
	if st, ok := byBase("golang"); !ok {
		add("no Go stage builds the backend")
	} else {
		if !hasRun(st, "mage") || !hasRun(st, "./producer") {
			add("the Go stage must build the backend with mage and the producer from ./producer")
		}
		_, tag := ImageTag(st.Image)
		if m := goDirectiveRE.FindStringSubmatch(goMod); m != nil && compareVersions(tag, m[1]) < 0 {
			add("Go %s is older than go.mod's go %s", tag, m[1])
		}
	}
	if _, ok := StageNamed(stages, "producer"); !ok {
		add("no producer stage")
	}
	last := stages[len(stages)-1]
	if repo, tag := ImageTag(last.Image); repo != "grafana/grafana" || !strings.HasPrefix(tag, "12.4.") {
		add("the last (default) stage must be grafana/grafana:12.4.x, is %s", last.Image)
	} else if last.Name != "grafana" {
		add("the Grafana stage must be named grafana, is %q", last.Name)
	}
	// Two plugins, each in a folder named after its id: the datasource with
	// its backend (dist/), the leaderboard panel (dist-panel/).
	for _, dir := range []string{PluginDir, PanelPluginDir} {
		copied := false
		for _, l := range last.Lines {
			if strings.HasPrefix(strings.ToUpper(l), "COPY ") && strings.HasSuffix(l, " "+dir) {
				copied = true
			}
		}
		if !copied {
			add("the Grafana stage does not COPY a plugin to %s", dir)
		}
	}
	if st, ok := byBase("golang"); ok && !hasRun(st, "go_plugin_build_manifest") {
		add("the Go stage must check that the backend build wrote its go_plugin_build_manifest")
	}
	return errs
}

func hasRun(st Stage, what string) bool {
	for _, l := range st.Lines {
		if strings.HasPrefix(strings.ToUpper(l), "RUN ") && strings.Contains(l, what) {
			return true
		}
	}
	return false
}

func major(v string) string {
	m := numsRE.FindStringSubmatch(v)
	if m == nil {
		return v
	}
	return strings.Split(m[1], ".")[0]
}

// compareVersions compares the leading dotted numbers of two versions.
func compareVersions(a, b string) int {
	pa, pb := numsRE.FindStringSubmatch(a), numsRE.FindStringSubmatch(b)
	if pa == nil || pb == nil {
		return strings.Compare(a, b)
	}
	xa, xb := strings.Split(pa[1], "."), strings.Split(pb[1], ".")
	for i := 0; i < len(xa) || i < len(xb); i++ {
		var na, nb int
		if i < len(xa) {
			na, _ = strconv.Atoi(xa[i])
		}
		if i < len(xb) {
			nb, _ = strconv.Atoi(xb[i])
		}
		if na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
	}
	return 0
}

// CheckPluginIncludes checks that every dashboard plugin.json includes is a
// file of dashboards/ (the Magefile's dashboards target copies them into dist).
func CheckPluginIncludes(pluginJSON []byte, dashboards map[string]Dashboard) []error {
	var p struct {
		Includes []struct{ Type, Path string } `json:"includes"`
	}
	if err := json.Unmarshal(pluginJSON, &p); err != nil {
		return []error{fmt.Errorf("plugin.json: %w", err)}
	}
	var errs []error
	for _, inc := range p.Includes {
		if inc.Type != "dashboard" {
			continue
		}
		if dir, file := path.Split(inc.Path); dir != "dashboards/" {
			errs = append(errs, fmt.Errorf("plugin.json includes %s: dashboards are shipped from dashboards/", inc.Path))
		} else if _, ok := dashboards[file]; !ok {
			errs = append(errs, fmt.Errorf("plugin.json includes %s, which is not in dashboards/", inc.Path))
		}
	}
	return errs
}

// Check runs every check on the stack and returns every problem.
func (s *Stack) Check() []error {
	var errs []error
	errs = append(errs, CheckCompose(s.Compose, s.Stages, DefaultExpect)...)
	kafka, kerrs := CheckKafka(s.Compose, "kafka")
	errs = append(errs, kerrs...)
	errs = append(errs, CheckDatasource(s.Datasources, s.Compose, kafka)...)
	if ex, err := CommentedExample(s.DSRaw, "A secured cluster"); err != nil {
		errs = append(errs, fmt.Errorf("datasource provisioning: %w", err))
	} else {
		errs = append(errs, CheckExample(ex)...)
	}
	at, gerrs := s.CheckGrafanaService()
	errs = append(errs, gerrs...)
	errs = append(errs, CheckProviders(s.Providers, at)...)
	errs = append(errs, s.CheckProducerService(kafka)...)
	goMod, _ := os.ReadFile(filepath.Join(s.Root, "go.mod"))
	nvmrc, _ := os.ReadFile(filepath.Join(s.Root, ".nvmrc"))
	errs = append(errs, CheckDockerfile(s.Stages, string(goMod), string(nvmrc))...)
	if pj, err := os.ReadFile(filepath.Join(s.Root, "plugin.json")); err != nil {
		errs = append(errs, fmt.Errorf("reading plugin.json: %w", err))
	} else {
		errs = append(errs, CheckPluginIncludes(pj, s.Dashboards)...)
	}
	uids := map[string]string{}
	names := make([]string, 0, len(s.Dashboards))
	for n := range s.Dashboards {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := s.Dashboards[n]
		if other, dup := uids[d.UID]; dup {
			errs = append(errs, fmt.Errorf("%s and %s share the uid %s", n, other, d.UID))
		}
		uids[d.UID] = n
		errs = append(errs, CheckDashboard(d)...)
	}
	return errs
}
