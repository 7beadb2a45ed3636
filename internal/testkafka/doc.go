// Package testkafka starts real Apache Kafka brokers for Pitwall's
// integration tests: 1 or 3 nodes in KRaft combined mode
// (process.roles=broker,controller) on free loopback ports, each a JVM
// started from the classpath that .ci/kafka/pom.xml resolves from Maven
// Central (go tool mage integration builds it).
//
// Rules:
//   - Every JVM it starts is stopped when the test (or, for Shared
//     clusters, the package's TestMain) ends: by pid and process group,
//     with SIGKILL as the last word. The JVMs also die with the test binary
//     (Pdeathsig), and each pid is recorded in $PITWALL_KAFKA_PIDDIR when
//     set, so that the runner can sweep what a crashed test left.
//   - No Java or no classpath: the test is skipped with a message saying
//     how to get them, unless PITWALL_KAFKA_REQUIRED=1 (set by go tool mage
//     integration), where it fails instead.
//   - Every broker has a plaintext INTERNAL listener (inter-broker traffic,
//     and the harness's own admin client, which is a super user when ACLs
//     are on). The listeners under test (SASL, TLS, mutual TLS) are extra
//     ones, configured per Options; their certificates are made here with
//     Go's crypto, never checked in.
//   - Settings are for tests: small heaps, few threads, fast group and
//     session timeouts. Nothing here is a production configuration.
package testkafka
