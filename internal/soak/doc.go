// Command soak runs the race simulator at 100× real time into an embedded
// Kafka broker (a child process) and the plugin's live pipeline (this
// process: one datasource instance and a RunStream per channel, restarted
// like Grafana does when one fails) for a set time. Every 10 s it samples
// the plugin side's RSS, heap, goroutines and stream lag; at the end it fits
// each over the second half of the run and gives a verdict: flat or
// growing (exit status 1).
//
//	go tool mage soak              # 30 minutes
//	PITWALL_SOAK=3m go tool mage soak
//
// Environment: PITWALL_SOAK (duration, default 30m), PITWALL_SOAK_EVERY
// (sample interval, default 10s), PITWALL_SOAK_SPEED (default 100),
// PITWALL_SOAK_CIRCUIT (default monza).
package main
