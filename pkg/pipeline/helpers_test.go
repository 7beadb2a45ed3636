package pipeline

import (
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/query"
)

func mustQuery(t testing.TB, js string) *query.Query {
	t.Helper()
	q, err := query.Parse([]byte(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return q
}

// jointKey is the key of the joint read q starts.
func jointKey(src *Source, q *query.Query, env *Env) string {
	return jointBaseKey(src, q, env) + "|" + strings.Join(widen(q, topics(q)), ",")
}
