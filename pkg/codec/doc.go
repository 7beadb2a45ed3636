// Package codec turns Kafka record values into fields and back: JSON with
// flattening, Avro in the Confluent wire format (0x00, a 4-byte big-endian
// schema id, then the Avro body) resolved through a Schema Registry, and the
// Avro schemas of Pitwall's own topics.
package codec
