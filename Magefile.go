//go:build mage

// Pitwall's build targets. Run them with `go tool mage <target>`; no global
// mage install is needed (see the tool line in go.mod).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/pitwall-f1/pitwall/internal/dist"
	"github.com/pitwall-f1/pitwall/internal/fuzzrun"
	"github.com/pitwall-f1/pitwall/internal/integrationrun"
)

func init() {
	// plugin.json lives at the top level, not in src/.
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}

// Default builds the backend for this machine's OS and architecture.
var Default = Backend

// Backend builds the plugin's backend binary (gpx_pitwall) for this machine into dist/.
func Backend() error {
	return build.Build{}.Backend()
}

// Producer builds the producer binary into bin/producer.
func Producer() error {
	return sh.RunV("go", "build", "-o", "bin/producer", "./producer")
}

// goPackages lists the module's Go packages, leaving out node_modules (where
// npm packages sometimes ship Go files that are not ours).
func goPackages() ([]string, error) {
	out, err := sh.Output("go", "list", "./...")
	if err != nil {
		return nil, fmt.Errorf("listing Go packages: %w", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(out) {
		if !strings.Contains(p, "/node_modules/") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

// GoTest runs every Go test.
func GoTest() error {
	pkgs, err := goPackages()
	if err != nil {
		return err
	}
	return sh.RunV("go", append([]string{"test", "-count=1"}, pkgs...)...)
}

// Test runs every test: Go tests, the Go benchmarks once (benchSmoke), then
// the frontend's checks.
func Test() {
	mg.SerialDeps(GoTest, BenchSmoke, FrontendTest)
}

// Bench runs the end-to-end benchmark (internal/bench): live latency at 1x,
// 10x and 100x, pipeline capacity per core (JSON, Avro), a one-hour
// full-grid range query and the plugin's memory, in a few minutes with no
// outside services. Its last line is one JSON object. Options:
// go run ./internal/bench/cmd/pitwall-bench -h
func Bench() error {
	return sh.RunV("go", "run", "./internal/bench/cmd/pitwall-bench")
}

// BenchReal is Bench against three Apache Kafka brokers instead of kfake
// (pitwall-bench -kafka real); it resolves the brokers' classpath first, as
// integration does. The registry stays producer dev's srfake.
func BenchReal() error {
	if err := integrationrun.EnsureClasspath(".", os.Stdout); err != nil {
		return err
	}
	return sh.RunV("go", "run", "./internal/bench/cmd/pitwall-bench", "-kafka", "real")
}

// BenchSmoke runs every Go benchmark once, so none can rot; it judges no
// numbers. (The end-to-end bench's quick mode runs in GoTest, as
// internal/bench's TestPitwallBenchQuick.)
func BenchSmoke() error {
	pkgs, err := goPackages()
	if err != nil {
		return err
	}
	return sh.RunV("go", append([]string{"test", "-run", "^$", "-bench", ".", "-benchtime", "1x"}, pkgs...)...)
}

// Fuzz runs every native fuzz target (func FuzzX in *_test.go) for
// PITWALL_FUZZTIME each (default 30s) and reports each one's execs and the
// total. PITWALL_FUZZ picks targets by regexp; PITWALL_FUZZPARALLEL sets
// the workers. A crash fails it, and its input stays in testdata/fuzz as a seed.
func Fuzz() error {
	o, err := fuzzrun.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	_, err = fuzzrun.Run(".", o, os.Stdout)
	return err
}

// Integration runs the integration suite against real Apache Kafka (a
// pinned 4.x broker resolved from Maven Central by .ci/kafka/pom.xml; Java
// 17 and Maven needed): the TestIntegration* tests of the files tagged
// integration, a Kafka that cannot start failing them. Its last line is
// "N passed, N failed". PITWALL_INTEGRATION_RUN narrows the tests (a -run
// regexp), PITWALL_INTEGRATION_VERBOSE=1 shows every test's output.
func Integration() error {
	s, err := integrationrun.Run(".", integrationrun.FromEnv(os.Getenv), os.Stdout)
	if err != nil {
		fmt.Println(s)
		return err
	}
	fmt.Println(s)
	return nil
}

// Soak runs the simulator at 100x into the plugin's live pipeline (embedded
// broker) for PITWALL_SOAK (default 30m), samples the plugin side's RSS,
// goroutines and lag every 10 s, and ends with a verdict: flat or growing.
func Soak() error {
	return sh.RunV("go", "run", "./internal/soak")
}

// Frontend builds the frontend into dist/: npm ci on a fresh clone, then npm run build.
func Frontend() error {
	return buildFrontend()
}

// FrontendTest checks the frontend: it builds it (npm ci first on a fresh
// clone), then runs npm run typecheck, lint and test:ci (Jest).
func FrontendTest() error {
	mg.SerialDeps(buildFrontend)
	for _, script := range []string{"typecheck", "lint", "test:ci"} {
		if err := sh.RunV("npm", "run", script); err != nil {
			return fmt.Errorf("frontend check npm run %s: %w", script, err)
		}
	}
	return nil
}

// Install builds the plugin (frontend and this machine's backend) and copies
// it into $GF_PATHS_PLUGINS/pitwall-kafka-datasource. Use installTo to give
// the folder as an argument instead.
func Install() error { return installPlugin("") }

// InstallTo builds the plugin and copies it into DIR/pitwall-kafka-datasource:
// go tool mage installTo /var/lib/grafana/plugins
func InstallTo(dir string) error { return installPlugin(dir) }

func installPlugin(dir string) error {
	pluginsDir, err := dist.PluginsDir(dir, os.Getenv)
	if err != nil {
		return err
	}
	mg.SerialDeps(buildFrontend, Backend, Dashboards)
	if err := dist.Check("dist", []dist.Platform{dist.HostPlatform()}); err != nil {
		return err
	}
	dest, err := dist.Install("dist", pluginsDir)
	if err != nil {
		return err
	}
	fmt.Print(dist.GrafanaIniHint(dest))
	return nil
}

// Package builds the frontend and the backend for every platform, and writes
// bin/pitwall-kafka-datasource-<version>.zip, which
// `grafana cli --pluginUrl <zip> plugins install pitwall-kafka-datasource` installs.
func Package() error {
	mg.SerialDeps(buildFrontend, build.BuildAll, Dashboards)
	if err := dist.Check("dist", dist.ReleasePlatforms); err != nil {
		return err
	}
	version, err := dist.Version("dist")
	if err != nil {
		return err
	}
	zip, sum, err := dist.Zip("dist", "bin", version)
	if err != nil {
		return err
	}
	fmt.Printf("Wrote %s\nsha256 %s\n", zip, sum)
	return nil
}

// Dashboards copies dashboards/*.json into dist/dashboards/, bound to an
// import input instead of the provisioned uid, for the datasource's Dashboards tab.
func Dashboards() error {
	written, err := dist.ExportDashboards("dashboards", "dist/dashboards")
	for _, f := range written {
		fmt.Println("wrote", f)
	}
	return err
}

// buildFrontend runs npm ci (on a fresh clone) and npm run build.
func buildFrontend() error {
	for _, step := range dist.FrontendSteps(".") {
		if err := sh.RunV(step[0], step[1:]...); err != nil {
			return fmt.Errorf("building the frontend (%v): %w", step, err)
		}
	}
	return nil
}
