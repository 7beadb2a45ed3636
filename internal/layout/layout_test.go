package layout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// MaxLines is the most lines a non-test Go or TypeScript file may have.
const MaxLines = 400

// pkgInfo is what the tests read of `go list -json`.
type pkgInfo struct {
	ImportPath   string
	Dir          string
	Name         string
	GoFiles      []string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// listed runs `go list -json ./...` at the module's root.
func listed(t *testing.T) (module, root string, pkgs []pkgInfo) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	module, root, _ = strings.Cut(strings.TrimSpace(string(out)), " ")
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list -json ./...: %v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list's output: %v", err)
		}
		// npm packages sometimes ship Go files (flatted does); they are
		// not the project's.
		if strings.Contains(p.ImportPath, "/node_modules/") {
			continue
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; is %s the module root?", len(pkgs), root)
	}
	return module, root, pkgs
}

func under(path, module, dir string) bool {
	p := module + "/" + dir
	return path == p || strings.HasPrefix(path, p+"/")
}

func TestImportsRunTheWayArchitectureSays(t *testing.T) {
	module, _, pkgs := listed(t)
	leaves := map[string]bool{module + "/pkg/f1": true, module + "/pkg/kafka": true, module + "/pkg/codec": true, module + "/pkg/decimate": true}
	seen := 0
	for _, p := range pkgs {
		all := append(append(append([]string(nil), p.Imports...), p.TestImports...), p.XTestImports...)
		if under(p.ImportPath, module, "pkg") {
			for _, imp := range all {
				if under(imp, module, "producer") {
					t.Errorf("%s imports %s (tests included): what the producer shares goes under pkg/ or internal/", p.ImportPath, imp)
				}
			}
			for _, imp := range p.Imports {
				if under(imp, module, "internal") {
					t.Errorf("%s imports %s: code under pkg/ imports nothing under internal/ (its tests may)", p.ImportPath, imp)
				}
			}
		}
		if leaves[p.ImportPath] {
			seen++
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, module+"/") {
					t.Errorf("%s imports %s: it is a leaf and imports nothing of the project", p.ImportPath, imp)
				}
			}
		}
		if p.ImportPath == module+"/pkg/codec" {
			for _, imp := range all {
				if strings.HasPrefix(imp, module+"/") {
					t.Errorf("pkg/codec imports %s (tests included): it knows no F1; Pitwall's schemas are in pkg/f1wire", imp)
				}
			}
		}
		if p.ImportPath == module+"/pkg/f1" {
			for _, dep := range p.Deps {
				for _, banned := range []string{"franz-go", "grafana", "/avro"} {
					if strings.Contains(dep, banned) {
						t.Errorf("pkg/f1 depends on %s: the F1 logic stays pure (nothing of Kafka, Grafana or the SDK)", dep)
					}
				}
			}
		}
		for _, imp := range all {
			if imp == module+"/producer" {
				t.Errorf("%s imports the producer command", p.ImportPath)
			}
		}
	}
	if seen != len(leaves) {
		t.Fatalf("found %d of the %d leaves in go list's output", seen, len(leaves))
	}
}

func TestEveryPackageHasADocGoSayingItsRules(t *testing.T) {
	_, _, pkgs := listed(t)
	for _, p := range pkgs {
		if len(p.GoFiles) == 0 {
			continue // test-only directories have no package to document
		}
		path := filepath.Join(p.Dir, "doc.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Errorf("%s: no doc.go (%v): say what the package holds and its rules there", p.ImportPath, err)
			continue
		}
		if f.Doc == nil || len(strings.TrimSpace(f.Doc.Text())) < 40 {
			t.Errorf("%s: doc.go has no package comment worth the name", p.ImportPath)
		}
		for _, name := range p.GoFiles {
			if name == "doc.go" {
				continue
			}
			g, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err == nil && g.Doc != nil {
				t.Errorf("%s: %s has a package comment too; keep it in doc.go", p.ImportPath, name)
			}
		}
	}
}

func TestNoSourceFileIsOver400Lines(t *testing.T) {
	_, root, _ := listed(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || strings.HasPrefix(name, "dist")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".ts") || strings.HasSuffix(name, ".tsx")) ||
			strings.HasSuffix(name, "_test.go") || strings.Contains(name, ".test.") || strings.HasSuffix(name, ".d.ts") {
			return nil
		}
		n, err := lines(path)
		if err != nil {
			return err
		}
		checked++
		if n > MaxLines {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s has %d lines (at most %d): split it by concern into files named for what they hold", rel, n, MaxLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked %d files under %s; expected the whole tree", checked, root)
	}
}

func lines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}
