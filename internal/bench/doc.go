// Command pitwall-bench is Pitwall's end-to-end benchmark (`go tool mage
// bench`, or `go run ./internal/bench`): live latency at 1x, 10x and 100x,
// pipeline capacity per core (JSON, Avro and Protobuf), a one-hour full-grid
// time-range query and the plugin's memory. It needs the Go toolchain (it
// builds the producer) and nothing else. It measures the plugin side with
// the real parts and no outside services:
//
//   - the broker (franz-go's kfake, with srfake as the Schema Registry) runs
//     in a child process, `producer dev`, and the simulator in another,
//     `producer race`, so that what this process measures (CPU, RSS, heap)
//     is the plugin's;
//   - the plugin is the real Datasource, driven through its handler API:
//     RunStream with a channel path and a counting, timing packet sender,
//     QueryData and CallResource.
//
// Phases: live latency at 1x, 10x and 100x real time (e2e.go), pipeline
// capacity per core for JSON, Avro and Protobuf (capacity.go), a one-hour full-grid
// time-range query (rangequery.go), and memory throughout (machine.go).
// report.go prints the table and, as the last line, one JSON object.
package main
