package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The brokers a bench can run against.
const (
	KafkaFake = "fake" // producer dev: kfake in a child process (the default)
	KafkaReal = "real" // Apache Kafka brokers, 3 or 1 (internal/testkafka; Java 17 and the Maven classpath)
)

func (c Config) kafka() string {
	if c.Kafka == "" {
		return KafkaFake
	}
	return c.Kafka
}

func (c Config) realBrokers() int {
	if c.RealBrokers == 0 {
		return 3
	}
	return c.RealBrokers
}

// useRealKafka starts n Apache Kafka brokers (1 or 3, topics replicated to
// all of them) and points the bench at
// them instead of producer dev's kfake (whose registry stays: no Schema
// Registry runs from Maven Central, see the README). The JVMs get the
// default JIT and G1 (testkafka's fast-start flags would slow the brokers
// down) and 1 GiB of heap each. stop kills them.
func useRealKafka(b *devBroker, n int) (stop func(), err error) {
	c, err := testkafka.Launch(testkafka.Options{Brokers: n, Heap: "1g", JVMOpts: []string{"-XX:+UseG1GC"}})
	if err != nil {
		return nil, fmt.Errorf("starting Apache Kafka (go tool mage integration builds its classpath): %w", err)
	}
	// The default F1 topics exist from the start, as producer dev seeds
	// them (the live phase looks up the telemetry topic before the race).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, t := range f1.Topics() {
		if err := c.CreateTopic(ctx, t.Name, t.Partitions, int16(n), nil); err != nil { // #nosec G115 -- 1 or 3
			c.Stop()
			return nil, err
		}
	}
	b.kafka = strings.Join(c.Addrs(""), ",")
	return c.Stop, nil
}
