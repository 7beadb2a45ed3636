package integrationrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pkg = "github.com/pitwall-f1/pitwall/internal/testkafka"

func TestTallyCountsTestsAndSubtestsAndShowsOnlyFailures(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"` + pkg + `","Test":"TestIntegrationA"}`,
		`{"Action":"output","Package":"` + pkg + `","Test":"TestIntegrationA","Output":"quiet on success\n"}`,
		`{"Action":"pass","Package":"` + pkg + `","Test":"TestIntegrationA","Elapsed":1.5}`,
		`{"Action":"output","Package":"` + pkg + `","Test":"TestIntegrationB/sub","Output":"    boom: want 3, got 2\n"}`,
		`{"Action":"fail","Package":"` + pkg + `","Test":"TestIntegrationB/sub","Elapsed":0.1}`,
		`{"Action":"fail","Package":"` + pkg + `","Test":"TestIntegrationB","Elapsed":0.2}`,
		`{"Action":"skip","Package":"` + pkg + `","Test":"TestIntegrationC","Elapsed":0}`,
		`{"Action":"fail","Package":"` + pkg + `","Elapsed":2}`,
	}, "\n")
	var out strings.Builder
	s := Tally(strings.NewReader(in), &out)
	if s.Passed != 1 || s.Failed != 2 || s.Skipped != 1 {
		t.Fatalf("summary %+v, want 1 passed, 2 failed, 1 skipped", s)
	}
	if len(s.BuildFailed) != 0 {
		t.Errorf("a package failing because its tests failed is not a build failure: %v", s.BuildFailed)
	}
	if got := s.String(); got != "1 passed, 2 failed, 1 skipped" {
		t.Errorf("closing line %q", got)
	}
	if s.OK() {
		t.Error("a run with failures is OK")
	}
	if strings.Contains(out.String(), "quiet on success") || !strings.Contains(out.String(), "boom: want 3, got 2") {
		t.Errorf("output shows passing tests' output or hides the failure's:\n%s", out.String())
	}
}

func TestTallyCountsAPackageThatDiesOutsideItsTestsAsAFailure(t *testing.T) {
	in := `{"Action":"output","Package":"` + pkg + `","Output":"panic: test timed out after 45m0s\n"}` + "\n" +
		`{"Action":"fail","Package":"` + pkg + `","Elapsed":2700}`
	var out strings.Builder
	s := Tally(strings.NewReader(in), &out)
	if s.OK() || s.String() != "0 passed, 1 failed" || !strings.Contains(out.String(), "test timed out") {
		t.Fatalf("summary %q (%+v), output %q", s, s, out.String())
	}
}

func TestNothingRunIsNotOK(t *testing.T) {
	if (Summary{}).OK() {
		t.Fatal("a run where no test passed is OK")
	}
}

func TestPackagesFindsOnlyTaggedTestFiles(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/x_integration_test.go", "//go:build integration\n\npackage a\n")
	write("b/x_test.go", "package b\n")
	write("node_modules/c/x_test.go", "//go:build integration\n\npackage c\n")
	got, err := Packages(root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "./a" {
		t.Fatalf("packages %v, want [./a]", got)
	}
}
