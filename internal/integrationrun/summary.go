package integrationrun

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Summary counts the tests of a run, subtests included.
type Summary struct {
	Passed, Failed, Skipped int
	// FailedTests are the failed tests' names, "package.Test".
	FailedTests []string
	// BuildFailed is set when a package did not build or its binary
	// failed outside any test (a panic, a timeout, TestMain).
	BuildFailed []string
}

// String is the run's closing line.
func (s Summary) String() string {
	line := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed+len(s.BuildFailed))
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d skipped", s.Skipped)
	}
	return line
}

// OK reports whether the run passed: something ran and nothing failed.
func (s Summary) OK() bool {
	return s.Passed > 0 && s.Failed == 0 && len(s.BuildFailed) == 0
}

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Tally reads go test -json from r. It writes one line per finished
// top-level test and each failed test's whole output to w, and the output
// of a package that failed outside its tests.
func Tally(r io.Reader, w io.Writer) Summary {
	var s Summary
	output := map[string]*strings.Builder{} // package + test → its output
	key := func(e event) string { return e.Package + "." + e.Test }
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(w, sc.Text()) // go vet or build output, not JSON
			continue
		}
		switch e.Action {
		case "output":
			b := output[key(e)]
			if b == nil {
				b = &strings.Builder{}
				output[key(e)] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" && !hasFailedTest(s.FailedTests, e.Package) {
					s.BuildFailed = append(s.BuildFailed, e.Package)
					if b := output[key(e)]; b != nil {
						fmt.Fprintf(w, "--- %s failed outside its tests:\n%s", e.Package, b)
					}
				}
				continue
			}
			switch e.Action {
			case "pass":
				s.Passed++
			case "fail":
				s.Failed++
				s.FailedTests = append(s.FailedTests, key(e))
				if b := output[key(e)]; b != nil {
					fmt.Fprint(w, b)
				}
			case "skip":
				s.Skipped++
			}
			if !strings.Contains(e.Test, "/") {
				fmt.Fprintf(w, "%-4s %s %s (%s)\n", strings.ToUpper(e.Action), shortPkg(e.Package), e.Test, (time.Duration(e.Elapsed * float64(time.Second))).Round(time.Millisecond))
			}
			delete(output, key(e))
		}
	}
	sort.Strings(s.FailedTests)
	return s
}

func hasFailedTest(failed []string, pkg string) bool {
	for _, f := range failed {
		if strings.HasPrefix(f, pkg+".") {
			return true
		}
	}
	return false
}

func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/pitwall-f1/pitwall/")
}
