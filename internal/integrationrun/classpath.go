package integrationrun

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// PomDir holds the Maven project that resolves the broker.
const PomDir = ".ci/kafka"

// ClasspathDir is where its jars land (internal/testkafka reads them there).
const ClasspathDir = PomDir + "/target/classpath"

// markerName records which pom.xml the classpath was resolved from.
const markerName = ".pom-sha256"

// EnsureClasspath resolves the broker's jars into root/ClasspathDir with
// mvn -q dependency:copy-dependencies (Maven caches them in ~/.m2), unless
// they were already resolved from the same pom.xml.
func EnsureClasspath(root string, out io.Writer) error {
	pom, err := os.ReadFile(filepath.Join(root, PomDir, "pom.xml"))
	if err != nil {
		return fmt.Errorf("reading the Kafka pom: %w", err)
	}
	sum := sha256.Sum256(pom)
	want := hex.EncodeToString(sum[:])
	marker := filepath.Join(root, ClasspathDir, markerName)
	if got, err := os.ReadFile(marker); err == nil && string(bytes.TrimSpace(got)) == want {
		return nil
	}
	if _, err := exec.LookPath("mvn"); err != nil {
		return fmt.Errorf("mvn is not installed: install Maven (apt-get install maven) to resolve the Kafka broker from Maven Central")
	}
	fmt.Fprintln(out, "integration: resolving the Kafka broker's classpath with Maven")
	_ = os.RemoveAll(filepath.Join(root, ClasspathDir))
	cmd := exec.Command("mvn", "-q", "-B", "-Dstyle.color=never", "dependency:copy-dependencies")
	cmd.Dir = filepath.Join(root, PomDir)
	// Maven 3.8 prints colour resets even with -q -B: its output is shown
	// only when it fails.
	if log, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("mvn dependency:copy-dependencies in %s: %w\n%s", PomDir, err, log)
	}
	return os.WriteFile(marker, []byte(want+"\n"), 0o644) // #nosec G703 -- the harness's marker in the repository
}
