// Package dist checks, installs, signs and packages the two built plugins:
// the datasource (dist/) and the leaderboard panel (dist-panel/). Grafana's
// catalog allows nested plugins only in app plugins, so the panel is a plugin
// of its own, and the datasource names it under dependencies.plugins. The
// Magefile's install, installTo, package, sign and dashboards targets call it.
//
// It runs from the Magefile only, never in the plugin, and imports nothing
// of the project.
package dist
