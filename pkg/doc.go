// Command gpx_pitwall is Pitwall's Grafana backend datasource plugin.
//
// Its one file, main.go, hands plugin.NewDatasource to the SDK and does
// nothing else: the plugin's code is in pkg/plugin and below (the package
// map and reading order are in docs/ARCHITECTURE.md). The command stays in
// pkg/ because Grafana's plugin build expects it there; no library code
// goes in this folder.
package main
