package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/build/utils"
)

// The manifest the SDK's build targets write (build/utils.GenerateManifest,
// which walks the working folder) reads back, and matches a checkout whose
// Go files are exactly those the build saw.
func TestManifestOfTheSDKMatchesItsSource(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"pkg/main.go":             "package main\n",
		"pkg/plugin/handler.go":   "package plugin\n",
		"Magefile.go":             "//go:build mage\npackage main\n",
		"node_modules/x/gen.go":   "package x\n", // the SDK skips the root node_modules
		"src/module.ts":           "export {}\n",
		"producer/cmd/produce.go": "package cmd\n",
	}
	for name, body := range files {
		mustWrite(t, filepath.Join(root, name), body, 0o644)
	}
	t.Chdir(root)
	content, err := utils.GenerateManifest()
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "dist", ManifestFile), content, 0o644)
	m, err := ReadManifest(filepath.Join(root, "dist", ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 4 || m["pkg/plugin/handler.go"] == "" || m["node_modules/x/gen.go"] != "" {
		t.Fatalf("manifest = %v", m)
	}
	tracked := []string{"pkg/main.go", "pkg/plugin/handler.go", "Magefile.go", "producer/cmd/produce.go", "src/module.ts"}
	if problems := VerifyManifest(m, root, tracked); len(problems) != 0 {
		t.Fatalf("a clean checkout does not match its own manifest: %v", problems)
	}

	// What the catalog's validator would find in a build from a dirty tree.
	mustWrite(t, filepath.Join(root, "pkg/main.go"), "package main // edited\n", 0o644)
	mustWrite(t, filepath.Join(root, "pkg/new.go"), "package main\n", 0o644)
	problems := VerifyManifest(m, root, []string{"pkg/main.go", "pkg/plugin/handler.go", "Magefile.go", "pkg/new.go"})
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"pkg/main.go changed since the backend was built",
		"pkg/new.go is in the source but not in the manifest",
		"producer/cmd/produce.go is in the manifest but not in the source",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestReadManifestRefusesWhatTheValidatorRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty":     "\n\n",
		"no colon":  sum64 + " pkg/main.go\n",
		"two parts": sum64 + ":pkg/main.go:extra\n",
		"short sum": "abc:pkg/main.go\n",
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		mustWrite(t, p, body, 0o644)
		if _, err := ReadManifest(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ReadManifest(filepath.Join(dir, "missing")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("a missing manifest: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
