// Package integrationrun runs Pitwall's integration suite (go test
// -tags integration, tests named TestIntegration*) against real Apache Kafka,
// for the Magefile's integration target: it resolves the broker's classpath
// with Maven when .ci/kafka/pom.xml changed, runs the packages that hold
// integration tests with PITWALL_KAFKA_REQUIRED=1 (so a Kafka that cannot
// start fails, never skips), tallies go test -json into one closing line
// ("N passed, N failed"), and kills any broker JVM a crashed test left.
package integrationrun
