package query

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the options of how a query's records are read and shown
// (raw columns, key formats, isolation, line-protocol precision, seriesBy).

// Raw columns a query may add (the `columns` list).
const (
	ColumnKey       = "key"
	ColumnPartition = "partition"
	ColumnOffset    = "offset"
	ColumnTimestamp = "timestamp"
	ColumnHeaders   = "headers" // one kafka.header.<name> column per header
)

// Columns lists the raw columns in their channel-path order.
var Columns = []string{ColumnKey, ColumnPartition, ColumnOffset, ColumnTimestamp, ColumnHeaders}

// Key formats (keyFormat): how a raw query shows record keys.
const (
	KeyString     = "string" // the default: the key's bytes as text
	KeyBase64     = "base64" // the key's bytes, base64
	KeyJSON       = "json"
	KeyAvro       = "avro"       // by the schema id in the key; reader schema of <topic>-key
	KeyProtobuf   = "protobuf"   // likewise
	KeyJSONSchema = "jsonschema" // likewise
)

// KeyFormats lists the key formats in their channel-path order.
var KeyFormats = []string{KeyString, KeyBase64, KeyJSON, KeyAvro, KeyProtobuf, KeyJSONSchema}

// Isolation levels (isolation): which records of transactions are read.
const (
	ReadCommitted   = "read_committed" // the default: aborted records never show
	ReadUncommitted = "read_uncommitted"
)

// Precisions (precision): the unit of line-protocol timestamps.
var Precisions = map[string]time.Duration{"ns": time.Nanosecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}

// MaxSeriesBy bounds the seriesBy list.
const MaxSeriesBy = 4

// parseRecordOptions reads the options of how records are read and shown:
// keyFormat, isolation, precision and seriesBy.
func parseRecordOptions(q *Query, j *queryJSON) error {
	q.KeyFormat = strings.ToLower(strings.TrimSpace(j.KeyFormat))
	if q.KeyFormat == "" {
		q.KeyFormat = KeyString
	}
	if !slices.Contains(KeyFormats, q.KeyFormat) {
		return fmt.Errorf("keyFormat %q is not one of %s", j.KeyFormat, strings.Join(KeyFormats, ", "))
	}
	switch q.Isolation = strings.ToLower(strings.TrimSpace(j.Isolation)); q.Isolation {
	case "":
		q.Isolation = ReadCommitted
	case ReadCommitted, ReadUncommitted:
	default:
		return fmt.Errorf("isolation %q is not read_committed (the default: records of aborted transactions never show) or read_uncommitted", j.Isolation)
	}
	switch q.Precision = strings.ToLower(strings.TrimSpace(j.Precision)); {
	case q.Precision == "":
		q.Precision = "ns"
	case Precisions[q.Precision] == 0:
		return fmt.Errorf("precision %q is not one of ns, us, ms, s (the unit of line-protocol timestamps)", j.Precision)
	}
	if len(j.SeriesBy) > MaxSeriesBy {
		return fmt.Errorf("seriesBy has %d entries; at most %d", len(j.SeriesBy), MaxSeriesBy)
	}
	var err error
	q.SeriesBy, err = cleanList(j.SeriesBy, "seriesBy", func(s string) (string, error) {
		if len(s) > 100 {
			return "", fmt.Errorf("seriesBy name %.20q… is too long", s)
		}
		return s, nil
	})
	return err
}

// PrecisionUnit is the unit of line-protocol timestamps.
func (q *Query) PrecisionUnit() time.Duration {
	if d := Precisions[q.Precision]; d > 0 {
		return d
	}
	return time.Nanosecond
}

// HasColumn reports whether the raw column c was asked for.
func (q *Query) HasColumn(c string) bool {
	for _, x := range q.Columns {
		if x == c {
			return true
		}
	}
	return false
}

// ShowsKey reports whether keys are shown: the key column, or a
// seriesBy entry naming the key.
func (q *Query) ShowsKey() bool {
	if q.HasColumn(ColumnKey) {
		return true
	}
	for _, s := range q.SeriesBy {
		if s == "kafka.key" || strings.HasPrefix(s, "kafka.key.") {
			return true
		}
	}
	return false
}
