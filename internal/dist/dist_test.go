package dist

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

var here = Platform{runtime.GOOS, runtime.GOARCH}

const sum64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// writeDist lays out a complete built bundle in a temp folder, shaped like
// the real dist/ or dist-panel/: the frontend's files, an included dashboard
// and, for the datasource, one backend binary per platform and the Go build
// manifest.
func writeDist(t *testing.T, b Bundle, platforms ...Platform) string {
	t.Helper()
	dir := t.TempDir()
	meta := `"info":{"version":"0.1.0","keywords":["f1"],
		"logos":{"small":"img/logo.svg","large":"img/logo.svg"},
		"links":[{"name":"Source","url":"https://example.com/src"},{"name":"Issues","url":"https://example.com/issues"}],
		"screenshots":[{"name":"Race","path":"img/screenshots/race.png"}]}`
	files := map[string]string{
		"module.js":                "define([],function(){})",
		"module.js.map":            `{"version":3}`,
		"img/logo.svg":             "<svg/>",
		"img/screenshots/race.png": "\x89PNG",
		"README.md":                "# Pitwall",
		"LICENSE":                  "Apache License",
		"CHANGELOG.md":             "# Changelog",
		"dashboards/f1-live.json":  `{"panels":[]}`,
	}
	if b.Type == "datasource" {
		files["plugin.json"] = `{"id":"pitwall-kafka-datasource","type":"datasource","backend":true,"executable":"gpx_pitwall",` + meta + `,
			"includes":[{"type":"dashboard","path":"dashboards/f1-live.json"}],
			"dependencies":{"grafanaDependency":">=12.4.0","plugins":[{"id":"pitwall-leaderboard-panel","type":"panel","name":"Pitwall leaderboard"}]}}`
		files[ManifestFile] = sum64 + ":pkg/main.go\n"
	} else {
		files["plugin.json"] = `{"id":"pitwall-leaderboard-panel","type":"panel",` + meta + `,"dependencies":{"grafanaDependency":">=12.4.0"}}`
	}
	for name, body := range files {
		mustWrite(t, filepath.Join(dir, name), body, 0o644)
	}
	for _, p := range platforms {
		mustWrite(t, filepath.Join(dir, BinaryName("gpx_pitwall", p)), "binary for "+p.String(), 0o755)
	}
	return dir
}

func mustWrite(t *testing.T, path, body string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func wantAll(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want errors about %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
}

func TestCheckAcceptsBothCompleteBundles(t *testing.T) {
	ds := writeDist(t, Datasource, ReleasePlatforms...)
	if err := Check(Datasource, ds, ReleasePlatforms); err != nil {
		t.Fatalf("complete datasource refused: %v", err)
	}
	panel := writeDist(t, Panel)
	if err := Check(Panel, panel, ReleasePlatforms); err != nil {
		t.Fatalf("complete panel refused: %v", err)
	}
	// The frontend build alone (what go tool mage frontendTest checks).
	front := writeDist(t, Datasource)
	mustRemove(t, filepath.Join(front, ManifestFile))
	if err := Check(Datasource, front, nil); err != nil {
		t.Fatalf("a complete frontend build refused: %v", err)
	}
	v, err := SameVersion(map[Bundle]string{Datasource: ds, Panel: panel})
	if err != nil || v != "0.1.0" {
		t.Fatalf("SameVersion = %q, %v; want 0.1.0", v, err)
	}
}

func TestCheckListsEveryDatasourceProblem(t *testing.T) {
	dir := writeDist(t, Datasource, Platform{"linux", "amd64"})
	mustWrite(t, filepath.Join(dir, "plugin.json"), `{"id":"other-datasource","type":"datasource","backend":true,"executable":"gpx_pitwall",
		"info":{"version":"%VERSION%","logos":{"small":"img/missing.svg","large":"./img/logo.svg"},"links":[{"name":"Source","url":"http://x"}]},
		"includes":[{"type":"dashboard","path":"dashboards/missing.json"}],
		"dependencies":{"plugins":[]}}`, 0o644)
	mustRemove(t, filepath.Join(dir, "module.js.map"))
	mustRemove(t, filepath.Join(dir, "LICENSE"))
	mustRemove(t, filepath.Join(dir, ManifestFile))
	mustWrite(t, filepath.Join(dir, "gpx_pitwall_linux_amd64"), "not executable", 0o644)
	mustWrite(t, filepath.Join(dir, "panels/leaderboard/plugin.json"), `{"id":"pitwall-leaderboard-panel"}`, 0o644)

	wantAll(t, Check(Datasource, dir, []Platform{{"linux", "amd64"}, {"darwin", "arm64"}}),
		`id is "other-datasource", want "pitwall-kafka-datasource"`,
		`info.version is "%VERSION%"`,
		`dependencies.grafanaDependency is empty`,
		`info.keywords is empty`,
		`link "Source" is "http://x", not an https:// URL`,
		`no "Issues" link`,
		`small logo "img/missing.svg" is not in`,
		`large logo path "./img/logo.svg" must be relative`,
		`dashboards/missing.json`,
		`gpx_pitwall_linux_amd64 is not executable`,
		`no backend for darwin/arm64`,
		`go_plugin_build_manifest`,
		`dependencies.plugins does not name pitwall-leaderboard-panel`,
		`module.js.map is missing`,
		`LICENSE is missing`,
		`holds another plugin (panels/leaderboard/plugin.json)`,
	)
}

func TestCheckPanelHasNoBackendAndTheRightType(t *testing.T) {
	dir := writeDist(t, Panel)
	mustWrite(t, filepath.Join(dir, "plugin.json"), `{"id":"pitwall-leaderboard-panel","type":"datasource","backend":true,"executable":"x",
		"info":{"version":"0.1.0","keywords":["f1"],"logos":{"small":"img/logo.svg","large":"img/logo.svg"},
		"links":[{"name":"Source","url":"https://x"},{"name":"Issues","url":"https://x/i"}]},
		"dependencies":{"grafanaDependency":">=12.4.0"}}`, 0o644)
	mustRemove(t, filepath.Join(dir, "module.js"))
	wantAll(t, Check(Panel, dir, nil), `type is "datasource", want "panel"`, `a panel has no backend`, `module.js is missing`)

	empty := t.TempDir()
	wantAll(t, Check(Panel, empty, nil), "plugin.json", "module.js", "README.md")
	if _, err := Version(empty); err == nil || !strings.Contains(err.Error(), "npm run build") {
		t.Fatalf("Version of an empty dist should say to build the frontend, got %v", err)
	}
}

func TestCheckWantsTheDependencyTyped(t *testing.T) {
	dir := writeDist(t, Datasource, here)
	raw, _ := os.ReadFile(filepath.Join(dir, "plugin.json"))
	mustWrite(t, filepath.Join(dir, "plugin.json"), strings.Replace(string(raw), `"type":"panel",`, `"type":"app",`, 1), 0o644)
	wantAll(t, Check(Datasource, dir, []Platform{here}), `names pitwall-leaderboard-panel with type "app"`)
}

func TestSameVersionRefusesMixedBuilds(t *testing.T) {
	ds, panel := writeDist(t, Datasource, here), writeDist(t, Panel)
	raw, _ := os.ReadFile(filepath.Join(panel, "plugin.json"))
	mustWrite(t, filepath.Join(panel, "plugin.json"), strings.Replace(string(raw), "0.1.0", "0.2.0", 1), 0o644)
	if _, err := SameVersion(map[Bundle]string{Datasource: ds, Panel: panel}); err == nil || !strings.Contains(err.Error(), "rebuild both") {
		t.Fatalf("mixed versions accepted: %v", err)
	}
}

// zipEntries reads a zip and checks that every entry is under top/.
func zipEntries(t *testing.T, zipPath, top string) map[string]*zip.File {
	t.Helper()
	raw, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.Name != top+"/" && !strings.HasPrefix(f.Name, top+"/") {
			t.Errorf("entry %q is outside the top folder %s/", f.Name, top)
		}
		if strings.Contains(f.Name, `\`) || strings.Contains(f.Name, "..") {
			t.Errorf("entry %q has a bad path", f.Name)
		}
		got[f.Name] = f
	}
	return got
}

func TestZipLayoutIsWhatTheCatalogAndGrafanaCLIExpect(t *testing.T) {
	for _, b := range Bundles {
		t.Run(b.ID, func(t *testing.T) {
			var platforms []Platform
			if b.Type == "datasource" {
				platforms = ReleasePlatforms
			}
			dir := writeDist(t, b, platforms...)
			zipPath, sum, err := Zip(b, dir, t.TempDir(), "0.1.0")
			if err != nil {
				t.Fatal(err)
			}
			if want := b.ID + "-0.1.0.zip"; filepath.Base(zipPath) != want {
				t.Fatalf("zip name %s, want %s", filepath.Base(zipPath), want)
			}
			if st, err := os.Stat(zipPath); err != nil {
				t.Fatal(err)
			} else if st.Mode().Perm() != 0o644 {
				t.Errorf("zip mode %v, want -rw-r--r--", st.Mode())
			}
			raw, _ := os.ReadFile(zipPath)
			if h := sha256.Sum256(raw); hex.EncodeToString(h[:]) != sum {
				t.Fatalf("returned sha256 %s does not match the file's", sum)
			}
			got := zipEntries(t, zipPath, b.ID)
			// Every file of the folder is in the zip, byte for byte, under the top folder.
			var want []string
			_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					want = append(want, filepath.ToSlash(rel))
				}
				return err
			})
			sort.Strings(want)
			for _, rel := range want {
				f, ok := got[b.ID+"/"+rel]
				if !ok {
					t.Errorf("%s missing from the zip", rel)
					continue
				}
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(rc)
				rc.Close()
				orig, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
				if !bytes.Equal(body, orig) {
					t.Errorf("%s differs in the zip", rel)
				}
			}
			for _, p := range platforms {
				f := got[b.ID+"/"+BinaryName("gpx_pitwall", p)]
				if f == nil {
					t.Fatalf("binary for %s missing", p)
				}
				if f.Mode().Perm()&0o111 == 0 {
					t.Errorf("binary for %s lost its executable bit: %v", p, f.Mode())
				}
			}
			if b.Type == "datasource" && got[b.ID+"/"+ManifestFile] == nil {
				t.Error("the Go build manifest is not in the datasource zip")
			}
			if f := got[b.ID+"/plugin.json"]; f == nil || f.Mode().Perm()&0o111 != 0 {
				t.Errorf("plugin.json missing or executable in the zip")
			}
		})
	}
}

func TestZipRefusesToPackItself(t *testing.T) {
	dir := writeDist(t, Datasource, here)
	if _, _, err := Zip(Datasource, dir, filepath.Join(dir, "out"), "0.1.0"); err == nil {
		t.Fatal("Zip wrote into the folder it packs")
	}
	if _, _, err := Zip(Datasource, filepath.Join(dir, "nope"), t.TempDir(), "0.1.0"); err == nil {
		t.Fatal("Zip of a missing folder succeeded")
	}
}

func TestInstallPutsEachBundleInItsOwnFolder(t *testing.T) {
	plugins := t.TempDir()
	stale := filepath.Join(plugins, PluginID, "panels", "leaderboard", "module.js")
	mustWrite(t, stale, "old nested panel", 0o644)
	other := filepath.Join(plugins, "another-plugin", "plugin.json")
	mustWrite(t, other, "{}", 0o644)

	for _, b := range Bundles {
		dest, err := Install(b, writeDist(t, b, here), plugins)
		if err != nil {
			t.Fatal(err)
		}
		if dest != filepath.Join(plugins, b.ID) {
			t.Fatalf("%s installed to %s", b.ID, dest)
		}
		if err := Check(b, dest, []Platform{here}); err != nil {
			t.Errorf("installed folder is not a complete plugin: %v", err)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a file of the earlier install survived: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another plugin was touched: %v", err)
	}
	entries, _ := os.ReadDir(plugins)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

func TestInstallCreatesPluginsFolderOnlyUnderAnExistingParent(t *testing.T) {
	dir := writeDist(t, Panel)
	data := t.TempDir()
	if _, err := Install(Panel, dir, filepath.Join(data, "plugins")); err != nil {
		t.Fatalf("a missing plugins folder under an existing parent should be created: %v", err)
	}
	_, err := Install(Panel, dir, filepath.Join(data, "typo", "plugins"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a plugins folder under a missing parent should be refused, got %v", err)
	}
	file := filepath.Join(data, "file")
	mustWrite(t, file, "x", 0o644)
	if _, err := Install(Panel, dir, file); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("a file as plugins folder should be refused, got %v", err)
	}
	if _, err := Install(Panel, filepath.Join(data, "nodist"), data); err == nil || !strings.Contains(err.Error(), "build the plugin first") {
		t.Fatalf("a missing dist should be refused, got %v", err)
	}
}

func TestInstallRefusesOverlap(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, PluginID)
	mustWrite(t, filepath.Join(dir, "plugin.json"), "{}", 0o644)
	if _, err := Install(Datasource, dir, parent); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Fatalf("installing dist onto itself should be refused, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "plugin.json")); err != nil {
		t.Fatalf("the refused install damaged the source: %v", err)
	}
}

func TestPluginsDirPrefersTheArgumentThenTheEnvironment(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == PluginsDirEnv {
				return v
			}
			return ""
		}
	}
	if d, err := PluginsDir("/arg", env("/env")); err != nil || d != "/arg" {
		t.Errorf("argument: %q, %v", d, err)
	}
	if d, err := PluginsDir("", env("/env")); err != nil || d != "/env" {
		t.Errorf("environment: %q, %v", d, err)
	}
	_, err := PluginsDir(" ", env(""))
	if err == nil || !strings.Contains(err.Error(), "GF_PATHS_PLUGINS") || !strings.Contains(err.Error(), "installTo") {
		t.Errorf("no folder: the error should say how to give one, got %v", err)
	}
}

func TestGrafanaIniHintNamesBothPlugins(t *testing.T) {
	h := GrafanaIniHint("/p/pitwall-kafka-datasource", "/p/pitwall-leaderboard-panel")
	for _, want := range []string{
		"Installed /p/pitwall-kafka-datasource\n",
		"Installed /p/pitwall-leaderboard-panel\n",
		"[plugins]",
		"allow_loading_unsigned_plugins = pitwall-kafka-datasource,pitwall-leaderboard-panel",
		"GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=pitwall-kafka-datasource,pitwall-leaderboard-panel",
		"restart Grafana",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("hint lacks %q:\n%s", want, h)
		}
	}
}

func TestFrontendStepsRunNpmCiOnlyOnAFreshClone(t *testing.T) {
	root := t.TempDir()
	steps := FrontendSteps(root)
	if len(steps) != 2 || steps[0][1] != "ci" || strings.Join(steps[1], " ") != "npm run build" {
		t.Fatalf("fresh clone steps: %v", steps)
	}
	if err := os.Mkdir(filepath.Join(root, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	steps = FrontendSteps(root)
	if len(steps) != 1 || strings.Join(steps[0], " ") != "npm run build" {
		t.Fatalf("with node_modules: %v", steps)
	}
}
