//go:build mage

// Pitwall's build targets. Run them with `go tool mage <target>`; no global
// mage install is needed (see the tool line in go.mod).
package main

import (
	"github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
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

// GoTest runs every Go test.
func GoTest() error {
	return sh.RunV("go", "test", "-count=1", "./...")
}

// Test runs every test: Go tests (and, once the frontend exists, the frontend's).
func Test() {
	mg.SerialDeps(GoTest)
}
