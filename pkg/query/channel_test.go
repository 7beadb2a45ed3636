package query

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

var allowedPath = regexp.MustCompile(`^[A-Za-z0-9_\-/=.]+$`)

func mustQuery(t testing.TB, js string) *Query {
	t.Helper()
	q, err := Parse([]byte(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return q
}

func TestChannelPathRoundTrips(t *testing.T) {
	cases := map[string]string{
		`{"queryType":"telemetry","stream":true}`: "7/tel/f1-telemetry",
		// A panel's resolution (time per point) for thinning what is drawn.
		`{"queryType":"telemetry","stream":true,"flushMs":1000,"resolutionMs":300}`: "7/tel/f1-telemetry/i=1000/v=300",
		`{"queryType":"raw","topic":"my.topic","format":"avro","partition":2,"offset":"lastN","lastN":50,"drivers":["ver","per"],` +
			`"fields":["car.speed","rpm"],"columns":["offset","key"],"timeField":"meta.ts","flushMs":20,"params":{"slip":"8.5","mode":"a/b"}}`: "7/raw/my=2Etopic/f=a/p=2/o=n50/d=PER.VER/s=car=2Espeed.rpm/k=ko/t=meta=2Ets/i=20/mode=a=2Fb/slip=8=2E5",
		`{"queryType":"raw","topic":"t","offset":"earliest","format":"json"}`:         "7/raw/t/f=j/o=e",
		`{"queryType":"raw","topic":"t","offset":"timeRange","fields":["naïve key"]}`: "7/raw/t/s=na=C3=AFve=20key",
		// The record options of issue 17.
		`{"queryType":"raw","topic":"t","format":"protobuf","columns":["headers","key"],"keyFormat":"avro","seriesBy":["kafka.key","host"],"isolation":"read_uncommitted"}`: "7/raw/t/f=b/k=kh/y=a/l=host.kafka=2Ekey/x=u",
		`{"queryType":"raw","topic":"telegraf","format":"influx","precision":"ms","keyFormat":"base64"}`:                                                                    "7/raw/telegraf/f=l/y=b/r=m",
		`{"queryType":"raw","topic":"t","format":"jsonschema","keyFormat":"string","isolation":"read_committed","precision":"ns"}`:                                          "7/raw/t/f=s",
		`{"queryType":"raw","topic":"t","format":"text","keyFormat":"protobuf"}`:                                                                                            "7/raw/t/f=x/y=p",
	}
	for js, want := range cases {
		q := mustQuery(t, js)
		p, err := EncodeChannelPath(7, q)
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if p != want {
			t.Errorf("%s\n got  %s\n want %s", js, p, want)
		}
		if !allowedPath.MatchString(p) {
			t.Errorf("path %q has characters Grafana does not allow", p)
		}
		org, back, err := DecodeChannelPath(p)
		if err != nil || org != 7 {
			t.Fatalf("decode %s: %d %v", p, org, err)
		}
		again, _ := EncodeChannelPath(org, back)
		if again != p {
			t.Errorf("re-encoding %s gave %s", p, again)
		}
		// Everything a stream needs survives.
		if back.QueryType != q.QueryType || back.Topic != q.Topic || back.Format != q.Format || back.Partition != q.Partition ||
			!reflect.DeepEqual(back.Drivers, q.Drivers) || !reflect.DeepEqual(back.Fields, q.Fields) ||
			!reflect.DeepEqual(back.Columns, q.Columns) || back.TimeField != q.TimeField || back.Flush != q.Flush ||
			!reflect.DeepEqual(back.Params, q.Params) || back.KeyFormat != q.KeyFormat || back.Isolation != q.Isolation ||
			back.Precision != q.Precision || !reflect.DeepEqual(back.SeriesBy, q.SeriesBy) {
			t.Errorf("%s: decoded %+v, want %+v", p, back, q)
		}
	}
}

func TestChannelPathStreamStartModes(t *testing.T) {
	for js, want := range map[string]string{
		`{"queryType":"raw","topic":"t","offset":"latest"}`:           OffsetLatest,
		`{"queryType":"raw","topic":"t","offset":"timeRange"}`:        OffsetLatest,
		`{"queryType":"raw","topic":"t","offset":"earliest"}`:         OffsetEarliest,
		`{"queryType":"raw","topic":"t","offset":"lastN","lastN":10}`: OffsetLastN,
	} {
		p, err := EncodeChannelPath(1, mustQuery(t, js))
		if err != nil {
			t.Fatal(err)
		}
		_, q, err := DecodeChannelPath(p)
		if err != nil || q.Offset != want {
			t.Errorf("%s -> %s -> %v %v", js, p, q, err)
		}
	}
}

func TestChannelPathTooLongIsRefused(t *testing.T) {
	var fields []string
	for i := 0; i < 30; i++ {
		fields = append(fields, `"some_long_field_name_`+strings.Repeat("x", i%5)+string(rune('a'+i%26))+`"`)
	}
	q := mustQuery(t, `{"queryType":"raw","topic":"t","fields":[`+strings.Join(fields, ",")+`]}`)
	_, err := EncodeChannelPath(1, q)
	if !errors.Is(err, ErrPathTooLong) || !strings.Contains(err.Error(), "fewer drivers or fields") {
		t.Fatalf("got %v", err)
	}
	long := "1/raw/" + strings.Repeat("t", MaxPathLen)
	if _, _, err := DecodeChannelPath(long); !errors.Is(err, ErrPathTooLong) {
		t.Fatalf("decode long: %v", err)
	}
}

func TestChannelPathInvalidIsRefused(t *testing.T) {
	for _, p := range []string{
		"", "1", "1/raw", "x/raw/t", "-1/raw/t", "01/raw/t", "1/zzz/t", "1/raw/t/q", "1/raw/t/=x",
		"1/raw/t/f=q", "1/raw/t/p=abc", "1/raw/t/y=s=", "1/raw/t/y=q", "1/raw/t/x=c", "1/raw/t/r=n", "1/raw/t/k=hk", "1/raw/t/o=n", "1/raw/t/o=q", "1/raw/t/k=z", "1/raw/t/i=5", "1/raw/t/i=abc",
		"1/raw/t/x=1",             // one-letter option that does not exist
		"1/raw/t/i=010",           // leading zero: not canonical
		"1/raw/t/d=VER.VER",       // duplicate: not canonical
		"1/raw/t/d=VER/f=j",       // wrong order: not canonical
		"1/raw/t/s=a=2",           // truncated escape
		"1/raw/t/s=a=ZZb",         // bad escape
		"1/raw/bad topic",         // space
		"1/raw/t/d=" + "lower",    // lower-case driver: not canonical
		"1/tel/f1-telemetry/p=-2", // partition below -1
	} {
		if _, _, err := DecodeChannelPath(p); err == nil {
			t.Errorf("path %q was accepted", p)
		}
	}
}

func TestChannelFlushIntervalIsKept(t *testing.T) {
	p, _ := EncodeChannelPath(1, mustQuery(t, `{"queryType":"raw","topic":"t","flushMs":10}`))
	_, q, err := DecodeChannelPath(p)
	if err != nil || q.Flush != 10*time.Millisecond || q.StreamFlush() != 10*time.Millisecond {
		t.Fatalf("%s: %v %v", p, q, err)
	}
}

// FuzzChannelPath: decoding never panics, and whatever decodes re-encodes to
// the same path, which only uses allowed characters and fits the limit.
// Seeds: testdata/fuzz/FuzzChannelPath.
func FuzzChannelPath(f *testing.F) {
	f.Add("1/tel/f1-telemetry")
	f.Add("7/raw/my=2Etopic/f=a/p=2/o=n50/d=PER.VER/s=car=2Espeed.rpm/k=ko/t=meta=2Ets/i=20/mode=a=2Fb/slip=8=2E5")
	f.Fuzz(func(t *testing.T, path string) {
		org, q, err := DecodeChannelPath(path)
		if err != nil {
			return
		}
		again, err := EncodeChannelPath(org, q)
		if err != nil || again != path {
			t.Fatalf("%q decoded but re-encodes to %q (%v)", path, again, err)
		}
		if !allowedPath.MatchString(path) || len(path) > MaxPathLen {
			t.Fatalf("accepted path %q breaks Grafana's rules", path)
		}
	})
}

// A query without flushMs streams adaptively (no i= in its path); flushMs,
// even the old default 100, is a fixed cadence and stays in the path.
func TestChannelAdaptiveFlushHasNoInterval(t *testing.T) {
	p, _ := EncodeChannelPath(1, mustQuery(t, `{"queryType":"raw","topic":"t"}`))
	_, q, err := DecodeChannelPath(p)
	if err != nil || strings.Contains(p, "/i=") || q.Flush != 0 || q.StreamFlush() != 0 {
		t.Fatalf("%s: %v %v", p, q, err)
	}
	p, _ = EncodeChannelPath(1, mustQuery(t, `{"queryType":"raw","topic":"t","flushMs":100}`))
	_, q, err = DecodeChannelPath(p)
	if err != nil || !strings.HasSuffix(p, "/i=100") || q.StreamFlush() != 100*time.Millisecond {
		t.Fatalf("%s: %v %v", p, q, err)
	}
}
