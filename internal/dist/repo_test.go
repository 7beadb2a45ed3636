package dist

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The repository's two plugin.json files, as the frontend build copies them:
// the datasource's at the top level with its images under src/, the panel's
// in src/panels/leaderboard/ with its images beside it (webpack.config.ts).
var repoPlugins = []struct {
	b               Bundle
	pluginJSON, dir string
}{
	{Datasource, "plugin.json", "src"},
	{Panel, "src/panels/leaderboard/plugin.json", "src/panels/leaderboard"},
}

func TestRepositoryPluginJSONsAreCatalogReady(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, rp := range repoPlugins {
		t.Run(rp.b.ID, func(t *testing.T) {
			p, err := readPluginJSON(filepath.Join(root, rp.pluginJSON))
			if err != nil {
				t.Fatal(err)
			}
			// Everything Check asks of plugin.json but the files of the built
			// folder (the images are checked in the source below).
			var problems []string
			p.Includes = nil
			checkMetadata(rp.b, t.TempDir(), p, func(format string, args ...any) {
				if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "is not in") {
					problems = append(problems, msg)
				}
			})
			if len(problems) > 0 {
				t.Errorf("%s: %v", rp.pluginJSON, problems)
			}
			if !strings.HasPrefix(p.Dependencies.GrafanaDependency, ">=12.4") {
				t.Errorf("grafanaDependency %q: the frontend is built with @grafana 12.4.10 packages and tested on 12.4", p.Dependencies.GrafanaDependency)
			}
			images := []string{p.Info.Logos.Small, p.Info.Logos.Large}
			for _, s := range p.Info.Screenshots {
				images = append(images, s.Path)
				if strings.TrimSpace(s.Name) == "" {
					t.Errorf("screenshot %s has no name", s.Path)
				}
			}
			for _, img := range images {
				// Beside plugin.json, else in src/ (webpack.config.ts's imageSource).
				at := filepath.Join(root, rp.dir, filepath.FromSlash(img))
				if _, err := os.Stat(at); err != nil {
					at = filepath.Join(root, "src", filepath.FromSlash(img))
				}
				checkImage(t, at)
			}
			readme, err := os.ReadFile(filepath.Join(root, rp.dir, "README.md"))
			if err != nil {
				t.Fatalf("the catalog README: %v", err)
			}
			checkCatalogReadme(t, string(readme))
		})
	}
}

// checkImage wants a file whose content is an image of the type its
// extension says, as the catalog's validator does for screenshots.
func checkImage(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("image: %v", err)
		return
	}
	got := http.DetectContentType(raw)
	if strings.Contains(string(raw[:min(len(raw), 512)]), "<svg") {
		got = "image/svg+xml"
	}
	if want := mime.TypeByExtension(filepath.Ext(path)); !strings.HasPrefix(got, "image/") || got != want {
		t.Errorf("%s: content is %s, extension says %s", path, got, want)
	}
}

// checkCatalogReadme checks what the catalog shows: absolute links only, no
// HTML comments, no template text, no developer jargon.
func checkCatalogReadme(t *testing.T, readme string) {
	t.Helper()
	for _, m := range mdLink.FindAllStringSubmatch(readme, -1) {
		u := strings.Fields(m[1])[0]
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "#") {
			t.Errorf("README link %q is relative; the catalog shows the README away from the repository", u)
		}
	}
	for _, bad := range []string{"<!--", "Plugin Template", "yarn", "nodejs"} {
		if strings.Contains(readme, bad) {
			t.Errorf("README contains %q", bad)
		}
	}
	for _, want := range []string{"## Installation", "allow_loading_unsigned_plugins"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
}

func TestRepositoryDatasourceDependsOnThePanelAndNestsNothing(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p pluginJSON
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	var problems []string
	checkDependsOnPanel(p, func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) })
	if len(problems) > 0 {
		t.Errorf("%v", problems)
	}
	for _, inc := range p.Includes {
		if inc.Type != "dashboard" {
			t.Errorf("plugin.json includes a %s (%s): a datasource may include dashboards only", inc.Type, inc.Path)
		}
	}
}
