package codec

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// A JSON Schema record is the Confluent header then a JSON document: it is
// flattened like any JSON, and the schema (compiled once per id) gives
// what JSON alone cannot: which strings are times ("format": "date-time"),
// which become KindTime fields. Records are not validated against the
// schema (a producer's serializer does that); a value that is not JSON is
// invalid_json like any other.

// Bounds of a JSON Schema walk.
const (
	maxJSONSchemaDepth = 32
	maxJSONSchemaNodes = 10000
)

// jsonSchema is what Pitwall keeps of a JSON Schema.
type jsonSchema struct {
	times map[string]bool // flattened names of date-time strings
}

// compileJSONSchema reads a JSON Schema's properties (with local $refs
// into definitions or $defs).
func compileJSONSchema(text string) (*jsonSchema, error) {
	var root any
	if err := json.Unmarshal([]byte(text), &root); err != nil {
		return nil, fmt.Errorf("the JSON Schema is not JSON: %v", err)
	}
	if _, ok := root.(map[string]any); !ok {
		if _, ok := root.(bool); !ok {
			return nil, fmt.Errorf("the JSON Schema is neither an object nor a boolean")
		}
	}
	w := &jsWalk{root: root, out: &jsonSchema{times: map[string]bool{}}}
	if err := w.walk(root, "", 0); err != nil {
		return nil, err
	}
	return w.out, nil
}

type jsWalk struct {
	root  any
	out   *jsonSchema
	nodes int
}

func (w *jsWalk) walk(node any, name string, depth int) error {
	if w.nodes++; w.nodes > maxJSONSchemaNodes {
		return fmt.Errorf("the JSON Schema has more than %d nodes", maxJSONSchemaNodes)
	}
	if depth > maxJSONSchemaDepth {
		return nil // deeper properties are flattened as JSON, untyped
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil
	}
	if ref, ok := m["$ref"].(string); ok {
		if target := w.local(ref); target != nil {
			return w.walk(target, name, depth+1)
		}
	}
	if f, _ := m["format"].(string); f == "date-time" && name != "" && hasType(m, "string") {
		w.out.times[name] = true
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := m[key].([]any); ok {
			for _, sub := range list {
				if err := w.walk(sub, name, depth+1); err != nil {
					return err
				}
			}
		}
	}
	props, _ := m["properties"].(map[string]any)
	for k, sub := range props {
		if err := w.walk(sub, join(name, k), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// local resolves "#/definitions/x" and "#/$defs/x" (nil: anything else).
func (w *jsWalk) local(ref string) any {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	node := w.root
	for _, part := range strings.Split(path, "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		node = m[part]
	}
	return node
}

func hasType(m map[string]any, t string) bool {
	switch v := m["type"].(type) {
	case string:
		return v == t
	case []any:
		for _, x := range v {
			if x == t {
				return true
			}
		}
	case nil:
		return true
	}
	return false
}

// jsonSchema decodes a JSON Schema record: JSON, with its date-time
// strings as times.
func (d *Decoder) jsonSchema(e *idEntry, body []byte, rec *Record) error {
	if err := d.js.decode(body, rec); err != nil {
		return err
	}
	if len(e.json.times) == 0 {
		return nil
	}
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.Kind == KindString && e.json.times[d.names.Name(f.ID)] {
			if t, err := time.Parse(time.RFC3339Nano, string(f.Bytes)); err == nil {
				f.Kind, f.Num, f.Bytes = KindTime, float64(t.UnixNano())/1e6, nil
			}
		}
	}
	return nil
}
