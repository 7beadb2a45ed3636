package codec

import (
	"context"
	"fmt"

	"github.com/iskorotkov/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

// A schema id's schema is compiled by its type (the registry's schemaType):
// AVRO to an avro (iskorotkov/avro, the hamba/avro fork) schema, PROTOBUF to descriptors (proto_compile.go),
// JSON to the types of its properties (jsonschema.go). References are
// fetched through the registry for each, with the same bounds.

// compileWriter compiles schema s of id by its type into e.
func (r *Registry) compileWriter(ctx context.Context, id int, s sr.Schema, e *writerEntry) error {
	e.typ = s.Type
	var err error
	switch s.Type {
	case sr.TypeAvro:
		e.schema, err = r.parse(ctx, s, 0)
	case sr.TypeProtobuf:
		e.proto, err = r.compileProto(ctx, id, s)
	case sr.TypeJSON:
		e.json, err = compileJSONSchema(s.Schema)
	default:
		err = fmt.Errorf("schema type %s is not AVRO, PROTOBUF or JSON", s.Type)
	}
	return err
}

// parse parses an Avro schema and, first, the schemas it references.
func (r *Registry) parse(ctx context.Context, s sr.Schema, depth int) (avro.Schema, error) {
	if s.Type != sr.TypeAvro {
		return nil, fmt.Errorf("schema type is %s, not AVRO", s.Type)
	}
	cache := &avro.SchemaCache{}
	walk := &refWalk{seen: map[string]bool{}}
	err := r.fetchRefs(ctx, s.References, depth, walk, func(ref sr.SchemaReference, ss sr.SubjectSchema) error {
		if _, err := avro.ParseWithCache(ss.Schema.Schema, "", cache); err != nil {
			return fmt.Errorf("referenced schema %s: %w", ref.Subject, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return avro.ParseWithCache(s.Schema, "", cache)
}

// fetchRefs fetches the references of a schema and hands each to fn,
// theirs first. Each (subject, version) is fetched once per schema, at
// most MaxSchemaReferences of them, nested at most maxReferenceNesting deep.
func (r *Registry) fetchRefs(ctx context.Context, refs []sr.SchemaReference, depth int, walk *refWalk, fn func(sr.SchemaReference, sr.SubjectSchema) error) error {
	if depth > maxReferenceNesting && len(refs) > 0 {
		return fmt.Errorf("schema references nest more than %d deep", maxReferenceNesting)
	}
	for _, ref := range refs {
		fresh, err := walk.visit(ref.Subject, ref.Version)
		if err != nil {
			return err
		}
		if !fresh {
			continue
		}
		fctx, cancel := context.WithTimeout(ctx, r.timeout)
		ss, err := r.cl.SchemaByVersion(fctx, ref.Subject, ref.Version)
		cancel()
		if err != nil {
			return r.explain(err, fmt.Sprintf("fetching referenced schema %s version %d", ref.Subject, ref.Version))
		}
		if err := r.fetchRefs(ctx, ss.References, depth+1, walk, fn); err != nil {
			return err
		}
		if err := fn(ref, ss); err != nil {
			return err
		}
	}
	return nil
}
