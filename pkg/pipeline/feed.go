package pipeline

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// recordFeeder decodes Kafka records and hands them to a pipeline, counting
// bad records in faults. It is shared by QueryData and RunStream.
type recordFeeder struct {
	src    *Source
	q      *query.Query
	pipe   Pipeline
	faults *Faults
	topics map[string]*feedTopic
	// lastTopic and last spare most records the map lookup: a read or
	// stream is mostly one topic.
	lastTopic string
	last      *feedTopic
	keyDecs   map[string]*codec.Decoder // keyFormat json, avro, protobuf, jsonschema
	keyFormat codec.Format              // keyFormatOf(q), "": keys not decoded
	rec       codec.Record
	key       codec.Record
	cur       Rec // what Add gets; reused, as a Rec is only valid during Add
	// notes, when set, also gets every fault of the record being decoded
	// (a shared consumer tells its streams).
	notes func(kind codec.ErrClass, topic, where, msg string)
	// replay: records decoded again (a shared consumer handing a joiner
	// what it missed) are not counted again; notes still gets their faults.
	replay bool
}

func newFeeder(src *Source, q *query.Query, pipe Pipeline, faults *Faults) *recordFeeder {
	return &recordFeeder{src: src, q: q, pipe: pipe, faults: faults, topics: map[string]*feedTopic{}, keyDecs: map[string]*codec.Decoder{},
		keyFormat: keyFormatOf(q)}
}

// feedTopic is what a feeder keeps of one topic: the decoder of its
// values and what it read of it since the metrics were last given it.
type feedTopic struct {
	dec            *codec.Decoder
	records, bytes int
}

// feed decodes one record and adds it; a bad record is counted, not fatal.
func (f *recordFeeder) feed(ctx context.Context, r *kgo.Record) {
	if f.decode(ctx, r) == nil {
		f.pipe.Add(&f.cur)
	}
}

// fault counts a bad record (and tells notes).
func (f *recordFeeder) fault(kind codec.ErrClass, r *kgo.Record, msg string) {
	if !f.replay {
		f.faults.Add(kind, where(r), msg)
	}
	if f.notes != nil {
		f.notes(kind, r.Topic, where(r), msg)
	}
}

// decode decodes r into f.cur (valid until the next decode); a record that
// does not decode is counted and its error returned.
func (f *recordFeeder) decode(ctx context.Context, r *kgo.Record) error {
	t := f.topic(r.Topic)
	if !f.replay {
		t.records++
		t.bytes += len(r.Value)
	}
	dec := t.dec
	if err := dec.Decode(ctx, r.Value, &f.rec); err != nil {
		f.fault(codec.ClassOf(err), r, err.Error())
		return err
	}
	if f.rec.Warning != nil {
		f.fault(f.rec.Warning.Class, r, f.rec.Warning.Msg)
	}
	f.cur = Rec{Record: &f.rec, Names: dec.Names(), Kafka: r}
	if f.keyFormat != "" && len(r.Key) > 0 {
		f.decodeKey(ctx, f.keyFormat, r)
	}
	return nil
}

// topic is what f keeps of topic, its decoder made at its first record.
func (f *recordFeeder) topic(topic string) *feedTopic {
	if f.last != nil && topic == f.lastTopic {
		return f.last
	}
	t := f.topics[topic]
	if t == nil {
		dec := codec.NewDecoder(f.q.Format, topic, f.src.Registry, f.src.Limits)
		dec.SetPrecision(f.q.PrecisionUnit())
		t = &feedTopic{dec: dec}
		f.topics[topic] = t
	}
	f.lastTopic, f.last = topic, t
	return t
}

// flushCounts adds the records and bytes read since the last flush to the
// metrics (reader: query, stream).
func (f *recordFeeder) flushCounts(reader string) {
	for name, t := range f.topics {
		if t.records == 0 {
			continue
		}
		metricRecords.WithLabelValues(name, reader).Add(float64(t.records))
		metricBytes.WithLabelValues(name).Add(float64(t.bytes))
		t.records, t.bytes = 0, 0
	}
}

// keyFormatOf is the format q's keys are decoded with ("": not decoded).
func keyFormatOf(q *query.Query) codec.Format {
	if kf, ok := keyDecoded[q.KeyFormat]; ok && q.ShowsKey() {
		return kf
	}
	return ""
}

// keyDecoded are the key formats decoded with a codec.Decoder.
var keyDecoded = map[string]codec.Format{query.KeyJSON: codec.FormatJSON, query.KeyAvro: codec.FormatAvro,
	query.KeyProtobuf: codec.FormatProtobuf, query.KeyJSONSchema: codec.FormatJSONSchema}

// decodeKey decodes r's key into f.cur.Key; a key that does not decode is
// counted (its kind, "key of" in the notice) and the record kept without it.
func (f *recordFeeder) decodeKey(ctx context.Context, format codec.Format, r *kgo.Record) {
	dec := f.keyDecs[r.Topic]
	if dec == nil {
		dec = codec.NewKeyDecoder(format, r.Topic, f.src.Registry, f.src.Limits)
		f.keyDecs[r.Topic] = dec
	}
	if err := dec.Decode(ctx, r.Key, &f.key); err != nil {
		err = fmt.Errorf("key: %w", err)
		f.fault(codec.ClassOf(err), r, err.Error())
		return
	}
	f.cur.Key, f.cur.KeyNames = &f.key, dec.Names()
}
