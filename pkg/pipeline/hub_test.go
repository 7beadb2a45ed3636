package pipeline

import (
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/query"
)

// Streams share a consumer only when they read the same records and decode
// them the same way: isolation, line-protocol precision and a decoded key
// each make a stream's records differ.
func TestFeedKeySeparatesDecodes(t *testing.T) {
	parse := func(raw string) feedKey {
		t.Helper()
		q, err := query.Parse([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return keyOf(q)
	}
	base := parse(`{"queryType":"raw","topic":"t","format":"influx"}`)
	if same := parse(`{"queryType":"raw","topic":"t","format":"influx","keyFormat":"json"}`); same != base {
		t.Errorf("a key format with no key column shown should share: %+v vs %+v", same, base)
	}
	for _, raw := range []string{
		`{"queryType":"raw","topic":"t","format":"influx","isolation":"read_uncommitted"}`,
		`{"queryType":"raw","topic":"t","format":"influx","precision":"ms"}`,
		`{"queryType":"raw","topic":"t","format":"influx","keyFormat":"json","columns":["key"]}`,
		`{"queryType":"raw","topic":"t","format":"json"}`,
		`{"queryType":"raw","topic":"u","format":"influx"}`,
	} {
		if k := parse(raw); k == base {
			t.Errorf("%s shares the consumer of the default query (%+v)", raw, k)
		}
	}
}
