package main

import "testing"

// The summary says how many real brokers ran (3 unless -brokers 1), so a
// one-broker run cannot be taken for the three-broker one; kfake has none.
func TestSummaryKafkaBrokers(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want any
	}{
		{Config{Kafka: KafkaReal}, 3},
		{Config{Kafka: KafkaReal, RealBrokers: 1}, 1},
		{Config{}, nil},
	} {
		got := (&Results{Config: tc.cfg}).Summary()["kafka_brokers"]
		if got != tc.want {
			t.Errorf("%+v: kafka_brokers = %v, want %v", tc.cfg, got, tc.want)
		}
	}
}
