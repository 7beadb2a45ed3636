package pipeline

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// recordFeeder decodes Kafka records and hands them to a pipeline, counting
// bad records in faults. It is shared by QueryData and RunStream.
type recordFeeder struct {
	src      *Source
	q        *query.Query
	pipe     Pipeline
	faults   *Faults
	decoders map[string]*codec.Decoder
	rec      codec.Record
	cur      Rec // what Add gets; reused, as a Rec is only valid during Add
	counts   readCounts
}

func newFeeder(src *Source, q *query.Query, pipe Pipeline, faults *Faults) *recordFeeder {
	return &recordFeeder{src: src, q: q, pipe: pipe, faults: faults, decoders: map[string]*codec.Decoder{}}
}

// feed decodes one record and adds it; a bad record is counted, not fatal.
func (f *recordFeeder) feed(ctx context.Context, r *kgo.Record) {
	f.counts.add(r.Topic, len(r.Value))
	dec := f.decoders[r.Topic]
	if dec == nil {
		dec = codec.NewDecoder(f.q.Format, r.Topic, f.src.Registry, f.src.Limits)
		f.decoders[r.Topic] = dec
	}
	if err := dec.Decode(ctx, r.Value, &f.rec); err != nil {
		f.faults.AddErr(err, where(r))
		return
	}
	if f.rec.Warning != nil {
		f.faults.Add(f.rec.Warning.Class, where(r), f.rec.Warning.Msg)
	}
	f.cur = Rec{Record: &f.rec, Names: dec.Names(), Kafka: r}
	f.pipe.Add(&f.cur)
}
