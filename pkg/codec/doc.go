// Package codec turns Kafka record values into flattened fields: JSON, and
// Avro in the Confluent wire format (0x00, a 4-byte big-endian schema id,
// then the Avro body) resolved through a Schema Registry by the id in each
// record, never by "latest".
//
// Every input is hostile until decoded: a record's value (Limits: size,
// depth, fields, names; MaxAvroNesting stops recursive schemas), a schema
// (maxProgramOps bounds what it compiles to) and the Schema Registry itself
// (MaxRegistryResponseBytes per answer, MaxSchemaReferences per schema). A
// bad one is a DecodeError of a stable class (ErrClass) for that record,
// never a panic, a stack overflow or unbounded memory.
//
// It is generic: it knows no Formula 1 (Pitwall's own schemas are in
// pkg/f1wire) and imports nothing of the project, tests included.
package codec
