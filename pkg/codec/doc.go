// Package codec turns Kafka record values (and keys) into flattened fields:
// JSON; Avro, Protobuf and JSON Schema in the Confluent wire format (0x00, a
// 4-byte big-endian schema id, for Protobuf the message-index array, then
// the body) resolved through a Schema Registry by the id in each record,
// never by "latest", and decoded by the type the registry gives the id
// (registry_schemas.go; proto_compile.go, proto_decode.go and
// proto_scalar.go for Protobuf, jsonschema.go); plain text (text.go) and InfluxDB line protocol
// (lineproto.go).
//
// Every input is hostile until decoded: a record's value (Limits: size,
// depth, fields, names; MaxAvroNesting and MaxProtoNesting stop recursive
// schemas), a schema (maxProgramOps and maxProtoFields bound what it
// compiles to, maxProtoSourceBytes and maxProtoNestingSource the .proto
// text) and the Schema Registry itself
// (MaxRegistryResponseBytes per answer, MaxSchemaReferences per schema). A
// bad one is a DecodeError of a stable class (ErrClass) for that record,
// never a panic, a stack overflow or unbounded memory.
//
// It is generic: it knows no Formula 1 (Pitwall's own schemas are in
// pkg/f1wire) and imports nothing of the project, tests included.
package codec
