package integrationrun

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/internal/gotests"
)

// Tag is the build tag of integration test files.
const Tag = "integration"

// TestPrefix starts the name of every integration test function.
const TestPrefix = "TestIntegration"

// Options of a run.
type Options struct {
	Run     string // narrows the tests: a go test -run regexp under TestPrefix (PITWALL_INTEGRATION_RUN)
	Timeout string // go test -timeout (default 45m)
	Verbose bool   // stream every test's output, not only the failures' (PITWALL_INTEGRATION_VERBOSE=1)
}

// FromEnv reads the Options from the environment.
func FromEnv(getenv func(string) string) Options {
	return Options{Run: getenv("PITWALL_INTEGRATION_RUN"), Timeout: getenv("PITWALL_INTEGRATION_TIMEOUT"), Verbose: getenv("PITWALL_INTEGRATION_VERBOSE") == "1"}
}

// Packages lists the package directories under root that hold a test file
// with the integration build tag, as ./relative paths.
func Packages(root string) ([]string, error) {
	seen := map[string]bool{}
	err := gotests.Walk(root, func(dir string, src []byte) error {
		if strings.HasPrefix(string(src), "//go:build "+Tag+"\n") {
			seen["./"+dir] = true
		}
		return nil
	})
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, err
}

// Run runs the integration suite of root and returns its summary. out
// gets the progress and the failures' output; the caller prints the
// summary. The error is set when the run failed for any reason.
func Run(root string, o Options, out io.Writer) (Summary, error) {
	if err := EnsureClasspath(root, out); err != nil {
		return Summary{}, err
	}
	pkgs, err := Packages(root)
	if err != nil {
		return Summary{}, fmt.Errorf("finding the integration packages: %w", err)
	}
	if len(pkgs) == 0 {
		return Summary{}, errors.New("no integration tests found (files starting with //go:build integration)")
	}
	pidDir, err := os.MkdirTemp("", "pitwall-kafka-pids-")
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(pidDir)
	timeout := o.Timeout
	if timeout == "" {
		timeout = "45m"
	}
	run := "^" + TestPrefix
	if o.Run != "" {
		run += "(" + strings.TrimPrefix(o.Run, TestPrefix) + ")"
	}
	// -p 1: each package starts its own cluster; two at once would share
	// the machine's cores between six JVMs.
	args := append([]string{"test", "-tags", Tag, "-json", "-count=1", "-p", "1", "-timeout", timeout, "-run", run}, pkgs...)
	if o.Verbose {
		args = append(args[:1], append([]string{"-v"}, args[1:]...)...)
	}
	fmt.Fprintf(out, "integration: go %s\n", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PITWALL_KAFKA_REQUIRED=1", "PITWALL_KAFKA_PIDDIR="+pidDir)
	cmd.Stderr = out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Summary{}, err
	}
	if err := cmd.Start(); err != nil {
		return Summary{}, fmt.Errorf("starting go test: %w", err)
	}
	var sink io.Writer = out
	s := Tally(stdout, sink)
	waitErr := cmd.Wait()
	if n := Sweep(pidDir); n > 0 {
		s.BuildFailed = append(s.BuildFailed, fmt.Sprintf("%d broker JVM(s) left running by a test (killed now)", n))
	}
	switch {
	case len(s.FailedTests) > 0:
		return s, fmt.Errorf("integration tests failed: %s", strings.Join(s.FailedTests, ", "))
	case len(s.BuildFailed) > 0:
		return s, fmt.Errorf("integration run failed: %s", strings.Join(s.BuildFailed, "; "))
	case waitErr != nil:
		return s, fmt.Errorf("go test: %w", waitErr)
	case s.Passed == 0:
		return s, errors.New("no integration test passed")
	}
	return s, nil
}
