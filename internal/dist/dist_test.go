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

// writeDist lays out a complete built plugin in a temp folder, shaped like
// the real dist/: the frontend's files, a nested panel, an included dashboard
// and one backend binary per platform.
func writeDist(t *testing.T, platforms ...Platform) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"plugin.json": `{"id":"pitwall-kafka-datasource","type":"datasource","backend":true,"executable":"gpx_pitwall",
			"info":{"version":"0.1.0"},
			"includes":[{"type":"panel","path":"panels/leaderboard/plugin.json"},{"type":"dashboard","path":"dashboards/f1-live.json"}]}`,
		"module.js":                       "define([],function(){})",
		"img/logo.svg":                    "<svg/>",
		"panels/leaderboard/plugin.json":  `{"id":"pitwall-leaderboard-panel","type":"panel"}`,
		"panels/leaderboard/module.js":    "define([],function(){})",
		"dashboards/f1-live.json":         `{"panels":[]}`,
		"go_plugin_build_manifest":        "manifest",
		"README.md":                       "# Pitwall",
		"panels/leaderboard/img/logo.svg": "<svg/>",
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

func TestCheckAcceptsACompleteDist(t *testing.T) {
	dir := writeDist(t, ReleasePlatforms...)
	if err := Check(dir, ReleasePlatforms); err != nil {
		t.Fatalf("complete dist refused: %v", err)
	}
	v, err := Version(dir)
	if err != nil || v != "0.1.0" {
		t.Fatalf("Version = %q, %v; want 0.1.0", v, err)
	}
}

func TestCheckListsEveryProblem(t *testing.T) {
	dir := writeDist(t, Platform{"linux", "amd64"})
	mustWrite(t, filepath.Join(dir, "plugin.json"), `{"id":"other-datasource","backend":true,"executable":"gpx_pitwall",
		"info":{"version":"%VERSION%"},"includes":[{"type":"dashboard","path":"dashboards/missing.json"}]}`, 0o644)
	if err := os.Remove(filepath.Join(dir, "module.js")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, PanelDir, "module.js")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "gpx_pitwall_linux_amd64"), "not executable", 0o644)

	err := Check(dir, []Platform{{"linux", "amd64"}, {"darwin", "arm64"}})
	if err == nil {
		t.Fatal("Check accepted a broken dist")
	}
	for _, want := range []string{
		`id is "other-datasource", want "pitwall-kafka-datasource"`,
		`info.version is "%VERSION%"`,
		`dashboards/missing.json`,
		`gpx_pitwall_linux_amd64 is not executable`,
		`no backend for darwin/arm64`,
		`module.js is missing`,
		`panels/leaderboard/module.js is missing`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestCheckWrongPanelIDAndMissingPluginJSON(t *testing.T) {
	dir := writeDist(t, here)
	mustWrite(t, filepath.Join(dir, PanelDir, "plugin.json"), `{"id":"some-panel"}`, 0o644)
	err := Check(dir, []Platform{here})
	if err == nil || !strings.Contains(err.Error(), `id is "some-panel", want "pitwall-leaderboard-panel"`) {
		t.Fatalf("wrong panel id not reported: %v", err)
	}

	empty := t.TempDir()
	err = Check(empty, []Platform{here})
	if err == nil || !strings.Contains(err.Error(), "plugin.json") || !strings.Contains(err.Error(), "module.js") {
		t.Fatalf("empty dist not reported fully: %v", err)
	}
	if _, err := Version(empty); err == nil || !strings.Contains(err.Error(), "npm run build") {
		t.Fatalf("Version of an empty dist should say to build the frontend, got %v", err)
	}
}

func TestZipLayoutIsWhatGrafanaCLIInstalls(t *testing.T) {
	dir := writeDist(t, ReleasePlatforms...)
	out := t.TempDir()
	zipPath, sum, err := Zip(dir, out, "0.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(zipPath) != "pitwall-kafka-datasource-0.1.0.zip" {
		t.Fatalf("zip name %s", filepath.Base(zipPath))
	}
	if st, err := os.Stat(zipPath); err != nil {
		t.Fatal(err)
	} else if st.Mode().Perm() != 0o644 {
		t.Errorf("zip mode %v, want -rw-r--r--", st.Mode())
	}
	raw, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(raw)
	if hex.EncodeToString(h[:]) != sum {
		t.Fatalf("returned sha256 %s does not match the file's", sum)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.Name != "pitwall-kafka-datasource/" && !strings.HasPrefix(f.Name, "pitwall-kafka-datasource/") {
			t.Errorf("entry %q is outside the top folder", f.Name)
		}
		if strings.Contains(f.Name, `\`) || strings.Contains(f.Name, "..") {
			t.Errorf("entry %q has a bad path", f.Name)
		}
		got[f.Name] = f
	}
	// Every file of dist is in the zip, byte for byte, under the top folder.
	var want []string
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		want = append(want, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	for _, rel := range want {
		f, ok := got["pitwall-kafka-datasource/"+rel]
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
	for _, p := range ReleasePlatforms {
		f := got["pitwall-kafka-datasource/"+BinaryName("gpx_pitwall", p)]
		if f == nil {
			t.Fatalf("binary for %s missing", p)
		}
		if f.Mode().Perm()&0o111 == 0 {
			t.Errorf("binary for %s lost its executable bit: %v", p, f.Mode())
		}
	}
	if f := got["pitwall-kafka-datasource/plugin.json"]; f == nil || f.Mode().Perm()&0o111 != 0 {
		t.Errorf("plugin.json missing or executable in the zip")
	}
	if f := got["pitwall-kafka-datasource/panels/leaderboard/"]; f == nil || !f.Mode().IsDir() {
		t.Errorf("nested panel folder entry missing")
	}
}

func TestZipRefusesToPackItself(t *testing.T) {
	dir := writeDist(t, here)
	if _, _, err := Zip(dir, filepath.Join(dir, "out"), "0.1.0"); err == nil {
		t.Fatal("Zip wrote into the folder it packs")
	}
	if _, _, err := Zip(filepath.Join(dir, "nope"), t.TempDir(), "0.1.0"); err == nil {
		t.Fatal("Zip of a missing folder succeeded")
	}
}

func TestInstallReplacesAnEarlierInstall(t *testing.T) {
	dir := writeDist(t, here)
	plugins := t.TempDir()
	stale := filepath.Join(plugins, PluginID, "stale.js")
	mustWrite(t, stale, "old", 0o644)
	other := filepath.Join(plugins, "another-plugin", "plugin.json")
	mustWrite(t, other, "{}", 0o644)

	dest, err := Install(dir, plugins)
	if err != nil {
		t.Fatal(err)
	}
	if dest != filepath.Join(plugins, PluginID) {
		t.Fatalf("installed to %s", dest)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a file of the earlier install survived: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another plugin was touched: %v", err)
	}
	if err := Check(dest, []Platform{here}); err != nil {
		t.Errorf("installed folder is not a complete plugin: %v", err)
	}
	entries, _ := os.ReadDir(plugins)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

func TestInstallCreatesPluginsFolderOnlyUnderAnExistingParent(t *testing.T) {
	dir := writeDist(t, here)
	data := t.TempDir()
	if _, err := Install(dir, filepath.Join(data, "plugins")); err != nil {
		t.Fatalf("a missing plugins folder under an existing parent should be created: %v", err)
	}
	_, err := Install(dir, filepath.Join(data, "typo", "plugins"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a plugins folder under a missing parent should be refused, got %v", err)
	}
	file := filepath.Join(data, "file")
	mustWrite(t, file, "x", 0o644)
	if _, err := Install(dir, file); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("a file as plugins folder should be refused, got %v", err)
	}
	if _, err := Install(filepath.Join(data, "nodist"), data); err == nil || !strings.Contains(err.Error(), "build the plugin first") {
		t.Fatalf("a missing dist should be refused, got %v", err)
	}
}

func TestInstallRefusesOverlap(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, PluginID)
	mustWrite(t, filepath.Join(dir, "plugin.json"), "{}", 0o644)
	if _, err := Install(dir, parent); err == nil || !strings.Contains(err.Error(), "overlap") {
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
	h := GrafanaIniHint("/var/lib/grafana/plugins/pitwall-kafka-datasource")
	for _, want := range []string{
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
