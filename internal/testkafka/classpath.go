package testkafka

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Environment variables read by this package.
const (
	// EnvRequired set to 1 turns a missing Java or classpath, or a cluster
	// that does not start, into a test failure instead of a skip.
	EnvRequired = "PITWALL_KAFKA_REQUIRED"
	// EnvClasspath overrides the directory of the broker's jars
	// (default <module root>/.ci/kafka/target/classpath).
	EnvClasspath = "PITWALL_KAFKA_CLASSPATH"
	// EnvPidDir names a directory where each started JVM leaves a file
	// named by its pid, removed when the JVM is stopped.
	EnvPidDir = "PITWALL_KAFKA_PIDDIR"
	// EnvKeepLogs set to 1 keeps the brokers' directories (logs, data)
	// after the cluster stops, and prints where they are.
	EnvKeepLogs = "PITWALL_KAFKA_KEEP"
)

// ClasspathDir is where mvn dependency:copy-dependencies puts the jars,
// relative to the module root.
const ClasspathDir = ".ci/kafka/target/classpath"

// Required reports whether a cluster that cannot start must fail the test.
func Required() bool { return os.Getenv(EnvRequired) == "1" }

// unavailable skips the test, or fails it when Kafka is required.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if Required() {
		tb.Fatalf("real Kafka is required (%s=1) but unavailable: %v", EnvRequired, err)
	}
	tb.Skipf("real Kafka unavailable, skipping: %v (run go tool mage integration, which builds the classpath)", err)
}

// runtime is what starting a broker needs: the java binary and the jars.
type runtimeEnv struct {
	java      string
	classpath string // directory of jars
}

func findRuntime() (runtimeEnv, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		if home := os.Getenv("JAVA_HOME"); home != "" {
			java = filepath.Join(home, "bin", "java")
			if _, serr := os.Stat(java); serr == nil { // #nosec G703 -- JAVA_HOME's java, as the developer set it
				err = nil
			}
		}
	}
	if err != nil {
		return runtimeEnv{}, errors.New("no java on PATH (Kafka 4 needs Java 17 or later)")
	}
	dir := os.Getenv(EnvClasspath)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return runtimeEnv{}, err
		}
		dir = filepath.Join(root, ClasspathDir)
	}
	jars, _ := filepath.Glob(filepath.Join(dir, "kafka_2.13-*.jar"))
	if len(jars) == 0 {
		return runtimeEnv{}, fmt.Errorf("no Kafka jars in %s: run (cd .ci/kafka && mvn -q dependency:copy-dependencies)", dir)
	}
	return runtimeEnv{java: java, classpath: dir}, nil
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the module root: no go.mod above the working directory")
		}
		dir = parent
	}
}
