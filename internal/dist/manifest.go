package dist

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadManifest parses a Go build manifest (the SDK's
// go_plugin_build_manifest: one "sha256:path" line per Go file) into
// path -> sha256. An empty or malformed manifest is an error, as it is for
// the catalog's validator.
func ReadManifest(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the Go build manifest: %w", err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		sum, file, ok := strings.Cut(text, ":")
		if !ok || strings.Contains(file, ":") || len(sum) != 64 || file == "" {
			return nil, fmt.Errorf("%s line %d: %q is not sha256:path", path, line, text)
		}
		m[filepath.ToSlash(file)] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s lists no Go file", path)
	}
	return m, nil
}

// VerifyManifest compares a Go build manifest with the Go files of a clean
// checkout (files: paths relative to root, as `git ls-files '*.go'` lists
// them), the way the catalog's validator compares it with the source code:
// every file must be listed with its content's sha256, and the manifest must
// list no file the checkout lacks (an untracked file in the build folder).
// It returns every difference.
func VerifyManifest(manifest map[string]string, root string, files []string) []string {
	var problems []string
	inSource := map[string]bool{}
	for _, f := range files {
		f = filepath.ToSlash(f)
		if !strings.HasSuffix(f, ".go") || strings.HasPrefix(f, "node_modules/") {
			continue
		}
		inSource[f] = true
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		h := sha256.Sum256(raw)
		switch got, ok := manifest[f]; {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s is in the source but not in the manifest", f))
		case got != hex.EncodeToString(h[:]):
			problems = append(problems, fmt.Sprintf("%s changed since the backend was built", f))
		}
	}
	var extra []string
	for f := range manifest {
		if !inSource[f] {
			extra = append(extra, f)
		}
	}
	sort.Strings(extra)
	for _, f := range extra {
		problems = append(problems, fmt.Sprintf("%s is in the manifest but not in the source (an uncommitted file?)", f))
	}
	return problems
}
