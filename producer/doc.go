// Command producer feeds Pitwall's Kafka topics: it simulates races
// (`race`), replays recorded FastF1/OpenF1 data (`replay`), runs races on
// demand from Grafana (`serve`) and runs an in-process development broker
// and schema registry (`dev`).
//
// It is a command: nothing imports it, tests under pkg/ included. What it
// shares with the plugin lives under pkg/ (the F1 wire format in
// pkg/f1wire, the SASL and TLS builder in pkg/kafka) or internal/ (the
// simulator in internal/sim, the recorded-race parsers in internal/replay),
// so a record it writes is encoded by the same code the plugin decodes it
// with.
package main
