//go:build mage

// Pitwall's build targets. Run them with `go tool mage <target>`; no global
// mage install is needed (see the tool line in go.mod).
package main

import (
	"fmt"
	"os"
	"path/filepath"
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

// Test runs every test: the formatting check, Go tests, the Go benchmarks
// once (benchSmoke), then the frontend's checks.
func Test() {
	mg.SerialDeps(Format, GoTest, BenchSmoke, FrontendTest)
}

// Format fails when a Go file is not gofmt'd, naming the files (fix with
// gofmt -w FILE). Prettier checks the TypeScript in frontendTest
// (npm run format:check).
func Format() error {
	files, err := sh.Output("git", "ls-files", "*.go")
	if err != nil {
		return fmt.Errorf("listing Go files: %w", err)
	}
	var goFiles []string
	for _, f := range strings.Fields(files) {
		if !strings.Contains(f, "node_modules/") {
			goFiles = append(goFiles, f)
		}
	}
	bad, err := sh.Output("gofmt", append([]string{"-l"}, goFiles...)...)
	if err != nil {
		return fmt.Errorf("gofmt: %w", err)
	}
	if bad != "" {
		return fmt.Errorf("not gofmt'd (run gofmt -w on them):\n%s", bad)
	}
	return nil
}

// Bench runs the end-to-end benchmark (internal/bench): live latency at 1x,
// 10x and 100x, pipeline capacity per core (JSON, Avro), a one-hour
// full-grid range query and the plugin's memory, in a few minutes with no
// outside services. Its last line is one JSON object. Options:
// go run ./internal/bench -h
func Bench() error {
	return sh.RunV("go", "run", "./internal/bench")
}

// BenchReal is Bench against three Apache Kafka brokers instead of kfake
// (pitwall-bench -kafka real); it resolves the brokers' classpath first, as
// integration does. The registry stays producer dev's srfake.
func BenchReal() error {
	if err := integrationrun.EnsureClasspath(".", os.Stdout); err != nil {
		return err
	}
	return sh.RunV("go", "run", "./internal/bench", "-kafka", "real")
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

// Frontend builds both frontends, the datasource into dist/ and the
// leaderboard panel into dist-panel/: npm ci on a fresh clone, then npm run build.
func Frontend() error {
	return buildFrontend()
}

// FrontendTest checks the frontend: it builds it (npm ci first on a fresh
// clone), checks that dist/ and dist-panel/ are complete plugins but for the
// backend, then runs npm run typecheck, lint, format:check (Prettier) and
// test:ci (Jest).
func FrontendTest() error {
	mg.SerialDeps(buildFrontend, Dashboards)
	// The two plugins the build writes, without backends.
	for _, b := range dist.Bundles {
		if err := dist.Check(b, b.Dist, nil); err != nil {
			return err
		}
	}
	for _, script := range []string{"typecheck", "lint", "format:check", "test:ci"} {
		if err := sh.RunV("npm", "run", script); err != nil {
			return fmt.Errorf("frontend check npm run %s: %w", script, err)
		}
	}
	return nil
}

// Install builds both plugins (the frontends and this machine's backend) and
// copies them into $GF_PATHS_PLUGINS/pitwall-kafka-datasource and
// $GF_PATHS_PLUGINS/pitwall-leaderboard-panel. Use installTo to give the
// folder as an argument instead.
func Install() error { return installPlugins("") }

// InstallTo builds both plugins and copies them into DIR/<plugin id>:
// go tool mage installTo /var/lib/grafana/plugins
func InstallTo(dir string) error { return installPlugins(dir) }

func installPlugins(dir string) error {
	pluginsDir, err := dist.PluginsDir(dir, os.Getenv)
	if err != nil {
		return err
	}
	mg.SerialDeps(buildFrontend, Backend, Dashboards)
	for _, b := range dist.Bundles {
		if err := dist.Check(b, b.Dist, []dist.Platform{dist.HostPlatform()}); err != nil {
			return err
		}
	}
	var dests []string
	for _, b := range dist.Bundles {
		dest, err := dist.Install(b, b.Dist, pluginsDir)
		if err != nil {
			return err
		}
		dests = append(dests, dest)
	}
	fmt.Print(dist.GrafanaIniHint(dests...))
	return nil
}

// Package builds both plugins, the backend for every platform, and writes
// bin/pitwall-kafka-datasource-<version>.zip and
// bin/pitwall-leaderboard-panel-<version>.zip, unsigned. Install the panel's
// first: grafana cli --pluginUrl <zip> plugins install <id>.
func Package() error { return packageBundles(false) }

// Sign is package with a signature: it needs GRAFANA_ACCESS_POLICY_TOKEN
// (and PITWALL_SIGN_ROOT_URLS for a private signature), signs both built
// folders with npx @grafana/sign-plugin, then writes the two zips.
func Sign() error { return packageBundles(true) }

func packageBundles(sign bool) error {
	var signCmds [][]string
	if sign {
		cmds, err := dist.SignCommands(os.Getenv)
		if err != nil {
			return err
		}
		signCmds = cmds
	}
	mg.SerialDeps(buildFrontend, build.BuildAll, Dashboards)
	dirs := map[dist.Bundle]string{}
	for _, b := range dist.Bundles {
		if err := dist.Check(b, b.Dist, dist.ReleasePlatforms); err != nil {
			return err
		}
		dirs[b] = b.Dist
	}
	version, err := dist.SameVersion(dirs)
	if err != nil {
		return err
	}
	warnManifest()
	for _, c := range signCmds {
		if err := sh.RunV(c[0], c[1:]...); err != nil {
			return fmt.Errorf("signing (%s): %w", strings.Join(c, " "), err)
		}
	}
	for _, b := range dist.Bundles {
		zip, sum, err := dist.Zip(b, b.Dist, "bin", version)
		if err != nil {
			return err
		}
		fmt.Printf("Wrote %s\nsha256 %s\n", zip, sum)
	}
	if !sign {
		fmt.Println("The zips are unsigned: Grafana loads them only where allow_loading_unsigned_plugins names both ids " +
			"(go tool mage sign signs them; see the README's Signing section).")
	}
	return nil
}

// warnManifest compares the backend's Go build manifest with the Go files
// git tracks, as the catalog's validator compares it with a clean clone, and
// warns when they differ (uncommitted or untracked Go files in this tree).
func warnManifest() {
	m, err := dist.ReadManifest(filepath.Join(dist.Datasource.Dist, dist.ManifestFile))
	if err != nil {
		fmt.Println("WARNING:", err)
		return
	}
	out, err := sh.Output("git", "ls-files", "--", "*.go")
	if err != nil {
		fmt.Println("WARNING: cannot list the Go files git tracks, so the Go build manifest is unchecked:", err)
		return
	}
	if problems := dist.VerifyManifest(m, ".", strings.Fields(out)); len(problems) > 0 {
		fmt.Printf("WARNING: the Go build manifest does not match the committed source, so the catalog's validator "+
			"would reject this build; package from a clean clone:\n  - %s\n", strings.Join(problems, "\n  - "))
	}
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
