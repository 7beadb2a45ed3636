package query

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func TestParseQueryDefaults(t *testing.T) {
	q := mustQuery(t, `{"queryType":"telemetry"}`)
	if q.Topic != f1.TopicTelemetry || q.Format != codec.FormatAuto || q.Partition != -1 || q.Offset != OffsetTimeRange ||
		q.Flush != 0 || q.StreamFlush() != 0 || q.Limit != DefaultLimit || q.Stream {
		t.Fatalf("%+v", q)
	}
	q = mustQuery(t, `{"topic":"x"}`)
	if q.QueryType != "raw" {
		t.Fatalf("default type: %+v", q)
	}
	q = mustQuery(t, `{"topic":"x","partition":0,"drivers":"{ver, per}","fields":"a,b,a"}`)
	if q.Partition != 0 || strings.Join(q.Drivers, ",") != "PER,VER" || strings.Join(q.Fields, ",") != "a,b" {
		t.Fatalf("lists: %+v", q)
	}
	q = mustQuery(t, `{"topic":"x","drivers":["All"],"flushMs":10}`)
	if len(q.Drivers) != 0 || q.Flush != 10*time.Millisecond {
		t.Fatalf("all drivers / flush: %+v", q)
	}
}

func TestParseQueryErrorsSayWhatToFix(t *testing.T) {
	for js, want := range map[string]string{
		`{`:                                        "not valid JSON",
		`{"queryType":"bogus","topic":"t"}`:        `queryType "bogus" is not one of raw, telemetry, wheelSpin`,
		`{"queryType":"raw"}`:                      "topic is empty",
		`{"topic":"bad topic"}`:                    "not a valid Kafka topic name",
		`{"topic":"t","format":"xml"}`:             `format "xml" is not one of auto, json, avro`,
		`{"topic":"t","partition":-5}`:             "partition -5",
		`{"topic":"t","offset":"now"}`:             `offset "now" is not one of`,
		`{"topic":"t","offset":"lastN"}`:           "lastN is not a number from 1",
		`{"topic":"t","offset":"lastN","lastN":0}`: "lastN is not a number from 1",
		`{"topic":"t","drivers":["V E R"]}`:        "is not a driver code",
		`{"topic":"t","columns":["value"]}`:        `column "value" is not one of key, partition, offset, timestamp`,
		`{"topic":"t","flushMs":5}`:                "flushMs 5 is not a whole number from 10 to 10000",
		`{"topic":"t","limit":0}`:                  "limit 0",
		`{"topic":"t","params":{"x":"1"}}`:         "params key",
		`{"topic":"t","drivers":{"a":1}}`:          "want a list of strings",
	} {
		_, err := Parse([]byte(js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		}
	}
}

// The nine query types each parse with their default topic (raw needs
// one), and each has its own channel-path code.
func TestEveryQueryTypeParsesWithItsDefaultTopic(t *testing.T) {
	if len(Types) != 9 {
		t.Fatalf("%d query types, want the nine of docs/DESIGN.md", len(Types))
	}
	codes := map[string]bool{}
	for _, qt := range Types {
		js := `{"queryType":"` + qt.Name + `"}`
		if qt.Name == Raw {
			js = `{"queryType":"raw","topic":"t"}`
		}
		q, err := Parse([]byte(js))
		if err != nil {
			t.Errorf("%s: %v", qt.Name, err)
			continue
		}
		if qt.DefaultTopic != "" && q.Topic != qt.DefaultTopic {
			t.Errorf("%s: topic %q, want %q", qt.Name, q.Topic, qt.DefaultTopic)
		}
		if codes[qt.Code] || !regexp.MustCompile(`^[a-z0-9]{1,4}$`).MatchString(qt.Code) {
			t.Errorf("%s: code %q is taken or not [a-z0-9]{1,4}", qt.Name, qt.Code)
		}
		codes[qt.Code] = true
	}
}

// FuzzParseQuery: any input gives a query or an error, never a panic; a
// query that parses is valid enough to stream or to say why not.
// Seeds: testdata/fuzz/FuzzParseQuery.
func FuzzParseQuery(f *testing.F) {
	f.Add([]byte(`{"queryType":"telemetry","drivers":["VER"],"fields":["speed_kph"],"stream":true}`))
	f.Add([]byte(`{"queryType":"raw","topic":"t","offset":"lastN","lastN":5,"columns":["key"],"params":{"ab":"c"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		q, err := Parse(in)
		if err != nil {
			return
		}
		if q.Topic == "" || q.Partition < -1 || (q.Flush != 0 && q.Flush < MinFlush) || q.Limit < 1 || (q.Offset == OffsetLastN && q.LastN < 1) {
			t.Fatalf("invalid query accepted: %+v", q)
		}
		if p, err := EncodeChannelPath(1, q); err == nil {
			if _, back, err := DecodeChannelPath(p); err != nil || back.Topic != q.Topic {
				t.Fatalf("path %q of an accepted query does not decode: %v", p, err)
			}
		}
	})
}

func TestRecordOptionsAreCheckedWithWhatToFix(t *testing.T) {
	q := mustQuery(t, `{"queryType":"raw","topic":"t"}`)
	if q.KeyFormat != KeyString || q.Isolation != ReadCommitted || q.Precision != "ns" || q.PrecisionUnit() != time.Nanosecond {
		t.Fatalf("defaults: %+v", q)
	}
	q = mustQuery(t, `{"queryType":"raw","topic":"t","precision":"MS","columns":"headers,key","seriesBy":"kafka.key"}`)
	if q.PrecisionUnit() != time.Millisecond || !q.HasColumn(ColumnHeaders) || len(q.SeriesBy) != 1 {
		t.Fatalf("parsed %+v", q)
	}
	for js, want := range map[string]string{
		`{"topic":"t","keyFormat":"xml"}`:                "keyFormat \"xml\" is not one of string, base64, json, avro, protobuf, jsonschema",
		`{"topic":"t","isolation":"serializable"}`:       "read_uncommitted",
		`{"topic":"t","precision":"h"}`:                  "ns, us, ms, s",
		`{"topic":"t","seriesBy":["a","b","c","d","e"]}`: "at most 4",
		`{"topic":"t","columns":["headerz"]}`:            "headers",
		`{"topic":"t","format":"xml"}`:                   "protobuf, jsonschema, text, influx",
	} {
		_, err := Parse([]byte(js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", js, err, want)
		}
	}
}
