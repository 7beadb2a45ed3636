// Package codec turns Kafka record values into fields and back: JSON with
// flattening, Avro in the Confluent wire format (0x00, a 4-byte big-endian
// schema id, then the Avro body) resolved through a Schema Registry, and the
// Avro schemas of Pitwall's own topics.
//
// Every input is hostile until decoded: a record's value (Limits: size,
// depth, fields, names; MaxAvroNesting stops recursive schemas), a schema
// (maxProgramOps bounds what it compiles to) and the Schema Registry itself
// (MaxRegistryResponseBytes per answer, MaxSchemaReferences per schema). A
// bad one is a DecodeError of a stable kind for that record, never a panic,
// a stack overflow or unbounded memory.
package codec
