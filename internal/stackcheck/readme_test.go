package stackcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadmeCommandsExist(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	magefile, err := os.ReadFile(filepath.Join(repoRoot, "Magefile.go"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := CheckReadme(readme, magefile); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
	targets, err := MageTargets(magefile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"install", "installto", "package", "dashboards", "backend"} {
		if !targets[want] {
			t.Errorf("Magefile.go has no %s target", want)
		}
	}
}

func TestReadmeProblemsAreFound(t *testing.T) {
	magefile := []byte("//go:build mage\npackage main\nfunc Install() error { return nil }\nfunc helper() {}\n")
	readme := []byte("# x\n\n```sh\ndocker compose up --build\n```\n\nRun `go tool mage installTo /x` or go tool mage helper, or go tool mage install.\n")
	errs := errors.Join(CheckReadme(readme, magefile)...)
	for _, want := range []string{`"bash .ci/run" is not on a line`, "`go tool mage installTo`", "`go tool mage helper`"} {
		if errs == nil || !strings.Contains(errs.Error(), want) {
			t.Errorf("no problem mentions %q: %v", want, errs)
		}
	}
	if errs != nil && strings.Contains(errs.Error(), "mage install`") {
		t.Errorf("an existing target was reported: %v", errs)
	}
	if _, err := MageTargets([]byte("package main\nfunc (")); err == nil {
		t.Error("a broken Magefile parsed")
	}
}
