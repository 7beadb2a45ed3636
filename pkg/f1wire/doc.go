// Package f1wire is the one home of Pitwall's F1 records on the wire: the
// Avro schemas of the F1 topics (schemas.go), the JSON, Avro and Protobuf
// encoders the producer writes with (json.go, avro.go, protobuf.go, which
// also holds the Protobuf schemas), which schema each default topic
// carries in each format (topics.go), the Reader that fills pkg/f1 structs
// from records decoded by pkg/codec (reader.go), and the race command that
// Grafana sends to `producer serve` (command.go).
//
// Rules: field names and types are those of docs/DESIGN.md and of pkg/f1's
// record structs; a field added to a record is added here in all six
// places (Avro schema, Protobuf schema, JSON, Avro and Protobuf encoders,
// Reader) and its round-trip tests. The encoders are hand-written and
// append-style (no reflection, no allocation beyond growing the
// destination), so the producer can write hundreds of thousands of records
// a second. It imports pkg/f1 and pkg/codec only (and protowire for the
// Protobuf wire format): no Kafka client, no Grafana SDK.
package f1wire
