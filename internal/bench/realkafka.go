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
	KafkaReal = "real" // three Apache Kafka brokers (internal/testkafka; Java 17 and the Maven classpath)
)

func (c Config) kafka() string {
	if c.Kafka == "" {
		return KafkaFake
	}
	return c.Kafka
}

// useRealKafka starts three Apache Kafka brokers and points the bench at
// them instead of producer dev's kfake (whose registry stays: no Schema
// Registry runs from Maven Central, see the README). The JVMs get the
// default JIT and G1 (testkafka's fast-start flags would slow the brokers
// down) and 1 GiB of heap each. stop kills them.
func useRealKafka(b *devBroker) (stop func(), err error) {
	c, err := testkafka.Launch(testkafka.Options{Brokers: 3, Heap: "1g", JVMOpts: []string{"-XX:+UseG1GC"}})
	if err != nil {
		return nil, fmt.Errorf("starting Apache Kafka (go tool mage integration builds its classpath): %w", err)
	}
	// The default F1 topics exist from the start, as producer dev seeds
	// them (the live phase looks up the telemetry topic before the race).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, t := range f1.Topics() {
		if err := c.CreateTopic(ctx, t.Name, t.Partitions, 3, nil); err != nil {
			c.Stop()
			return nil, err
		}
	}
	b.kafka = strings.Join(c.Addrs(""), ",")
	return c.Stop, nil
}
