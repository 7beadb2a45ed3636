package gotests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Walk calls fn for every *_test.go file under root with the package
// directory relative to root (slash-separated, "." for root itself) and the
// file's contents.
func Walk(root string, fn func(dir string, src []byte) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			n := d.Name()
			if path != root && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "dist" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path) // #nosec G122 -- the repository's own test files, read by a developer tool
		if err != nil {
			return fmt.Errorf("reading test file: %w", err)
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return fmt.Errorf("test file %s outside %s: %w", path, root, err)
		}
		return fn(filepath.ToSlash(rel), src)
	})
}
