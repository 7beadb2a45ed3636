package pipeline

import (
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// Source is what pipelines read: one datasource instance's Kafka client
// and Schema Registry, the limits its records are decoded with, and the
// timeout of its look-ups.
type Source struct {
	Kafka    *kafka.Client
	Registry *codec.Registry // nil: no registry configured
	Limits   codec.Limits
	Timeout  time.Duration
	// QueryBytes is the byte budget of one query (0: DefaultQueryBytes).
	QueryBytes int64
}

// DefaultQueryBytes is the byte budget of one query: the keys and values
// of the records it reads. Past it the read stops and a notice says the
// result was cut. Records are handed to the pipeline as they are read (the
// pipelines decimate as they go), so the budget bounds a query's work and,
// with the merge's bound, its memory.
const DefaultQueryBytes = 256 << 20

// readTimeout is how long one read may take.
func (src *Source) readTimeout() time.Duration { return max(30*time.Second, 3*src.Timeout) }

// queryBytes is the byte budget of one query.
func (src *Source) queryBytes() int64 {
	if src.QueryBytes > 0 {
		return src.QueryBytes
	}
	return DefaultQueryBytes
}

// isolation is the Kafka isolation level of q's reads.
func isolation(q *query.Query) kafka.Isolation {
	if q.Isolation == query.ReadUncommitted {
		return kafka.ReadUncommitted
	}
	return kafka.ReadCommitted
}
