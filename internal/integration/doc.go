// Package integration holds Pitwall's integration tests on real Apache
// Kafka (internal/testkafka), run by go tool mage integration: files tagged
// integration, tests named TestIntegration*. They drive the plugin through
// its public handler API (NewDatasource, QueryData, CheckHealth) and the
// producer as its built binary, the way Grafana and a user do. The package
// has no code of its own besides this file; the fast suite never builds it.
package integration
