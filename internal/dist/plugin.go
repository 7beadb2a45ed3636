// Package dist checks, installs and packages the built plugin folder (dist/).
// The Magefile's install, installTo, package and dashboards targets call it.
package dist

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// Plugin ids of DESIGN.md.
const (
	PluginID = "pitwall-kafka-datasource"
	PanelID  = "pitwall-leaderboard-panel"
)

// PanelDir is where the nested leaderboard panel lives inside dist/.
const PanelDir = "panels/leaderboard"

// Platform is a GOOS/GOARCH pair the backend binary is built for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ReleasePlatforms are the platforms a packaged zip carries a backend for
// (those of the SDK's build.BuildAll).
var ReleasePlatforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"}, {"linux", "arm"},
	{"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"},
}

// pluginJSON is the part of a plugin.json that packaging relies on.
type pluginJSON struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Backend    bool   `json:"backend"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
	} `json:"info"`
	Includes []struct {
		Type string `json:"type"`
		Path string `json:"path"`
	} `json:"includes"`
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

// Version returns the plugin version written into dist/plugin.json by the
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

// BinaryName is the file name Grafana looks for: <executable>_<os>_<arch>[.exe].
func BinaryName(executable string, p Platform) string {
	name := fmt.Sprintf("%s_%s_%s", executable, p.OS, p.Arch)
	if p.OS == "windows" {
		name += ".exe"
	}
	return name
}

// Check reports everything missing or wrong in distDir for a plugin that
// Grafana can load on each of the given platforms: the datasource's
// plugin.json and module.js, the nested leaderboard panel, every file that
// plugin.json includes, and an executable backend binary per platform. The
// error lists every problem, not just the first.
func Check(distDir string, platforms []Platform) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	p, err := readPluginJSON(filepath.Join(distDir, "plugin.json"))
	if err != nil {
		add("%v", err)
	} else {
		if p.ID != PluginID {
			add("plugin.json: id is %q, want %q", p.ID, PluginID)
		}
		if _, err := Version(distDir); err != nil {
			add("%v", err)
		}
		for _, inc := range p.Includes {
			if inc.Path == "" {
				continue
			}
			if !isFile(filepath.Join(distDir, filepath.FromSlash(inc.Path))) {
				add("plugin.json includes %s %q, which is not in %s", inc.Type, inc.Path, distDir)
			}
		}
		if !p.Backend || p.Executable == "" {
			add("plugin.json: backend must be true with an executable (DESIGN.md: gpx_pitwall)")
		} else {
			for _, pl := range platforms {
				bin := filepath.Join(distDir, BinaryName(p.Executable, pl))
				st, err := os.Stat(bin)
				switch {
				case err != nil:
					add("no backend for %s: %s is missing (go tool mage backend builds this machine's; go tool mage package builds them all)", pl, bin)
				case pl.OS != "windows" && st.Mode().Perm()&0o111 == 0:
					add("%s is not executable", bin)
				}
			}
		}
	}
	if !isFile(filepath.Join(distDir, "module.js")) {
		add("module.js is missing from %s (run npm run build)", distDir)
	}
	panel, err := readPluginJSON(filepath.Join(distDir, PanelDir, "plugin.json"))
	switch {
	case err != nil:
		add("leaderboard panel: %v", err)
	case panel.ID != PanelID:
		add("%s/plugin.json: id is %q, want %q", PanelDir, panel.ID, PanelID)
	}
	if !isFile(filepath.Join(distDir, PanelDir, "module.js")) {
		add("%s/module.js is missing from %s (run npm run build)", PanelDir, distDir)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s is not a complete plugin:\n  - %s", distDir, strings.Join(problems, "\n  - "))
	}
	return nil
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// HostPlatform is the platform this program runs on, whose backend a local
// Grafana loads.
func HostPlatform() Platform { return Platform{runtime.GOOS, runtime.GOARCH} }
