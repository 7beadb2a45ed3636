// Command hops measures where a record's time goes between a producer and a
// live stream's consumer on Apache Kafka, without the plugin (issue 14's
// question: why live latency on three brokers is so far above kfake's).
//
// It starts its own cluster with internal/testkafka (1 or 3 brokers, the
// bench's JVM flags: G1, 1 GiB heap; Java 17 and the classpath that
// `go tool mage integration` or `benchReal` resolves), produces at a fixed
// rate with franz-go as `producer race` does (no linger, idempotent
// acks=all by default, each record sent at its scheduled instant in 5 ms
// steps), and reads with pkg/kafka's stream consumer, so the fetch options
// are the plugin's. Per record it reports produce to ack, produce to poll
// and ack to poll (p50, p90, p99, max), and the brokers' CPU in cores.
//
//	go run ./internal/bench/hops -brokers 3 -runs all:80,all:8000,leader:80,leader:8000
//	go run ./internal/bench/hops -brokers 3 -rf 1 -runs all:8000
//
// Rules: it measures, it asserts nothing; every JVM it starts is stopped by
// pid when it returns (testkafka's Stop), also on an error. It is a tool
// beside the bench, not part of `go tool mage bench`.
package main
