package dist

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
)

// Plugin ids of docs/DESIGN.md.
const (
	PluginID = "pitwall-kafka-datasource"
	PanelID  = "pitwall-leaderboard-panel"
)

// ManifestFile is the SDK's list of the Go sources a backend was built
// from (sha256:path per line), which the catalog's validator checks against
// the source code.
const ManifestFile = "go_plugin_build_manifest"

// Bundle is one plugin Pitwall ships, as the frontend build writes it into
// its own folder.
type Bundle struct {
	ID   string // plugin id: the zip's top folder and the folder it installs into
	Type string // plugin.json type
	Dist string // the folder the build writes, relative to the repository root
}

var (
	// Datasource is the backend datasource plugin, built into dist/.
	Datasource = Bundle{ID: PluginID, Type: "datasource", Dist: "dist"}
	// Panel is the leaderboard panel plugin, built from
	// src/panels/leaderboard/ into dist-panel/.
	Panel = Bundle{ID: PanelID, Type: "panel", Dist: "dist-panel"}
	// Bundles are both, in the order they are checked, installed and packaged.
	Bundles = []Bundle{Datasource, Panel}
)

// Platform is a GOOS/GOARCH pair the backend binary is built for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ReleasePlatforms are the platforms a packaged zip carries a backend for
// (those of the SDK's build.BuildAll).
var ReleasePlatforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"}, {"linux", "arm"},
	{"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"},
}

// HostPlatform is the platform this program runs on, whose backend a local
// Grafana loads.
func HostPlatform() Platform { return Platform{runtime.GOOS, runtime.GOARCH} }

// pluginJSON is the part of a plugin.json that packaging relies on.
type pluginJSON struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Backend    bool   `json:"backend"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
		Logos   struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Links []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
		Keywords    []string `json:"keywords"`
		Screenshots []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"screenshots"`
	} `json:"info"`
	Includes []struct {
		Type string `json:"type"`
		Path string `json:"path"`
	} `json:"includes"`
	Dependencies struct {
		GrafanaDependency string `json:"grafanaDependency"`
		Plugins           []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"plugins"`
	} `json:"dependencies"`
}

func readPluginJSON(path string) (pluginJSON, error) {
	var p pluginJSON
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("parsing %s: %w", path, err)
	}
	return p, nil
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$`)

// Version returns the plugin version written into distDir/plugin.json by the
// frontend build (which replaces plugin.json's %VERSION% with package.json's).
func Version(distDir string) (string, error) {
	p, err := readPluginJSON(filepath.Join(distDir, "plugin.json"))
	if err != nil {
		return "", fmt.Errorf("%w (run the frontend build: npm run build)", err)
	}
	v := p.Info.Version
	if !versionRE.MatchString(v) {
		return "", fmt.Errorf("%s: info.version is %q, not a version like 1.2.3; "+
			"the frontend build (npm run build) writes it from package.json", filepath.Join(distDir, "plugin.json"), v)
	}
	return v, nil
}

// SameVersion returns the version the bundles' folders share, or an error
// when they differ (one was built from another checkout or left over).
func SameVersion(dirs map[Bundle]string) (string, error) {
	version := ""
	for _, b := range Bundles {
		dir, ok := dirs[b]
		if !ok {
			continue
		}
		v, err := Version(dir)
		if err != nil {
			return "", err
		}
		if version != "" && v != version {
			return "", fmt.Errorf("%s is version %s but %s is %s: rebuild both (npm run build)", dir, v, dirs[Datasource], version)
		}
		version = v
	}
	return version, nil
}

// BinaryName is the file name Grafana looks for: <executable>_<os>_<arch>[.exe].
func BinaryName(executable string, p Platform) string {
	name := fmt.Sprintf("%s_%s_%s", executable, p.OS, p.Arch)
	if p.OS == "windows" {
		name += ".exe"
	}
	return name
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
