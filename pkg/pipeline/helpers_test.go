package pipeline

import (
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
