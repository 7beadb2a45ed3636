// Package f1 is Pitwall's pure Formula 1 domain: drivers, teams, circuits,
// the record types of every Kafka topic, and the analytics (wheel spin, gear
// anomalies, alert rules, leaderboard, average speed). The leaderboard's order
// — retirements, the finish, the classification — has one definition, the
// standing rules of standings.go.
//
// It imports nothing of Kafka, Grafana or the plugin SDK. The producer's
// simulator and the plugin's transforms both build on it, so there is one
// definition of a telemetry sample, a driver and a circuit.
package f1
