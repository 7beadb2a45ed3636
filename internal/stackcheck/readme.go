package stackcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
)

// The two commands the README must show as they are.
var TwoCommands = []string{"docker compose up --build", "bash .ci/run"}

var mageCallRE = regexp.MustCompile("go tool mage ([A-Za-z][A-Za-z0-9:]*)")

// MageTargets lists the targets a Magefile defines (its exported functions
// that mage accepts, lower-cased as mage matches them).
func MageTargets(magefile []byte) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "Magefile.go", magefile, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parsing Magefile.go: %w", err)
	}
	targets := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !fn.Name.IsExported() {
			continue
		}
		targets[strings.ToLower(fn.Name.Name)] = true
	}
	return targets, nil
}

// CheckReadme checks that the README keeps the two set-up commands and that
// every `go tool mage <target>` it shows is a target of the Magefile.
func CheckReadme(readme, magefile []byte) []error {
	var errs []error
	for _, c := range TwoCommands {
		if !strings.Contains(string(readme), "\n"+c+"\n") {
			errs = append(errs, fmt.Errorf("README: the command %q is not on a line of its own", c))
		}
	}
	targets, err := MageTargets(magefile)
	if err != nil {
		return append(errs, err)
	}
	for _, m := range mageCallRE.FindAllStringSubmatch(string(readme), -1) {
		if !targets[strings.ToLower(m[1])] {
			errs = append(errs, fmt.Errorf("README shows `go tool mage %s`, which is not a target of Magefile.go", m[1]))
		}
	}
	return errs
}
