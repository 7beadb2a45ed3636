package main

import (
	"context"
	"fmt"
	"io"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

const devExamples = `DEVELOPMENT ONLY. Runs franz-go's kfake Kafka broker and sr/srfake Schema
Registry in this process, so Pitwall can be tried with no Docker and no Java.
Pitwall's topics are created at start. Data lives in memory unless --data-dir
is given. Not a production broker: no replication, no security.

Examples:
  producer dev                                  # Kafka on 127.0.0.1:9092, registry on 127.0.0.1:8081
  producer dev --data-dir ./.kafka-data         # keep the data between runs
  producer dev --kafka-addr 127.0.0.1:19092 --registry-addr 127.0.0.1:18081
Then, in another terminal:
  producer race --speed 10
  producer race --format avro --registry http://127.0.0.1:8081`

func runDev(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	f := newFlags("dev", "producer dev [flags]", devExamples)
	kafkaAddr := f.String("kafka-addr", "127.0.0.1:9092", "address the Kafka broker listens on")
	regAddr := f.String("registry-addr", "127.0.0.1:8081", "address the Schema Registry listens on (empty: none; a host other than 127.0.0.1 is warned about)")
	dataDir := f.String("data-dir", "", "directory to keep the broker's data in (default: memory only)")
	if err := f.parseNoArgs(args, env, stdout, stderr); err != nil {
		return err
	}
	e, err := startEmbedded(*kafkaAddr, *regAddr, *dataDir, defaultTopics, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Fprintln(stdout, "*** DEVELOPMENT ONLY: in-process Kafka (kfake) and Schema Registry (srfake); not for production ***")
	fmt.Fprintf(stdout, "Kafka broker:    %s\n", e.kafkaAddr)
	if e.registryURL != "" {
		fmt.Fprintf(stdout, "Schema Registry: %s\n", e.registryURL)
	}
	store := "memory (lost on exit)"
	if *dataDir != "" {
		store = *dataDir
	}
	fmt.Fprintf(stdout, "Data:            %s\n", store)
	for _, s := range f1.Topics() {
		fmt.Fprintf(stdout, "Topic:           %s (%d partitions)\n", s.Name, s.Partitions)
	}
	fmt.Fprintf(stdout, "Try: producer race --brokers %s --speed 10   (Ctrl-C stops the broker)\n", e.kafkaAddr)
	<-ctx.Done()
	fmt.Fprintln(stdout, "stopping the development broker")
	return nil
}
