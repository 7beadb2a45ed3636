package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// A dashboard's time-range queries over the same records, sent together
// (one request here; Grafana sends one per panel, milliseconds apart),
// share one read: the topic's records are fetched and decoded once, and each
// query answers exactly what it answers alone, bad-record notices included.
func TestTimeRangeQueriesOverTheSameRecordsShareOneRead(t *testing.T) {
	drivers := []string{"VER", "PER", "HAM", "LEC"}
	c := testCluster(t, map[string]int32{"grid": 2})
	d := newTestDS(t, c, dsOpts{})
	const n = 100
	produce(t, c, "grid", gridRecords(drivers, 2, 0, n)...)
	produce(t, c, "grid", rec{0, "VER", 1_725_000_000_500, []byte(`{"driver":`)}) // one bad record
	queries := []string{
		`{"queryType":"telemetry","topic":"grid","fields":["speed_kph"],"offset":"timeRange"}`,
		`{"queryType":"telemetry","topic":"grid","fields":["rpm"],"offset":"timeRange","stream":true}`,
		`{"queryType":"telemetry","topic":"grid","drivers":["VER"],"fields":["rpm"],"offset":"timeRange"}`,
		`{"queryType":"raw","topic":"grid","fields":["driver","seq"],"offset":"timeRange"}`,
	}
	from, to := time.UnixMilli(1_724_999_000_000), time.UnixMilli(1_725_000_100_000)
	dq := func(i int, js string) backend.DataQuery {
		return backend.DataQuery{RefID: fmt.Sprint("Q", i), JSON: []byte(js), MaxDataPoints: 1000, Interval: time.Second,
			TimeRange: backend.TimeRange{From: from, To: to}}
	}
	ask := func(qs ...backend.DataQuery) *backend.QueryDataResponse {
		t.Helper()
		resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Queries: qs})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	records := n*len(drivers) + 1
	read := func() float64 { return testutil.ToFloat64(pipeline.MetricRecordsRead("grid", "query")) }

	// Alone: each query reads the topic itself (with no finished read kept
	// for the next to be answered from: pipeline.JointCacheTTL 0).
	ttl := pipeline.JointCacheTTL
	pipeline.JointCacheTTL = 0
	defer func() { pipeline.JointCacheTTL = ttl }()
	alone := map[string]string{}
	for i, js := range queries {
		before := read()
		r := ask(dq(i, js)).Responses[fmt.Sprint("Q", i)]
		if r.Error != nil {
			t.Fatal(r.Error)
		}
		if got := read() - before; got != float64(records) {
			t.Fatalf("query %d alone read %.0f records, want %d", i, got, records)
		}
		alone[fmt.Sprint("Q", i)] = frameJSON(t, equalTimesInOneOrder(t, r.Frames))
	}

	// Together: one read for all. The request's queries start on their
	// own goroutines; a loaded 2-core machine can start one after the
	// read of the others has ended: it is answered from what that read
	// kept (pipeline.JointCacheTTL), and reads nothing.
	pipeline.JointCacheTTL = ttl
	var all []backend.DataQuery
	for i, js := range queries {
		all = append(all, dq(i, js))
	}
	before := read()
	resp := ask(all...)
	if got := read() - before; got != float64(records) {
		t.Errorf("%d queries together read %.0f records, want %d: one fetch and decode for all", len(queries), got, records)
	}
	for ref, want := range alone {
		r := resp.Responses[ref]
		if r.Error != nil {
			t.Fatalf("%s: %v", ref, r.Error)
		}
		if got := frameJSON(t, equalTimesInOneOrder(t, r.Frames)); got != want {
			t.Errorf("%s together differs from alone:\n got %.300s\nwant %.300s", ref, got, want)
		}
		if !strings.Contains(noticeText(r), "invalid_json") {
			t.Errorf("%s: the bad record's notice is missing: %.300s", ref, noticeText(r))
		}
	}
}

// equalTimesInOneOrder returns copies of frames whose rows are in an order
// that does not depend on which partition's fetch arrived first: in Live's
// labels layout (first field "labels") the series one after the other, each
// in its own order; and in each series every run of rows with the same time
// ordered by the rows' values. Rows of one time or of different series come
// from different partitions (gridRecords gives the four drivers one
// timestamp on two partitions), whose order Kafka does not promise, alone
// or together. Each series' own order of times is left as it is.
func equalTimesInOneOrder(t testing.TB, frames data.Frames) data.Frames {
	t.Helper()
	out := make(data.Frames, len(frames))
	for fi, f := range frames {
		n := f.Rows()
		tf := -1
		for i, fld := range f.Fields {
			if fld.Type() == data.FieldTypeTime || fld.Type() == data.FieldTypeNullableTime {
				tf = i
				break
			}
		}
		labelled := len(f.Fields) > 0 && f.Fields[0].Name == "labels" && f.Fields[0].Type() == data.FieldTypeString
		keys, series, times := make([]string, n), make([]string, n), make([]string, n)
		for i := 0; i < n; i++ {
			row := f.RowCopy(i)
			b, err := json.Marshal(row)
			if err != nil {
				t.Fatal(err)
			}
			keys[i] = string(b)
			if labelled {
				series[i] = row[0].(string)
			}
			if tf >= 0 {
				times[i] = fmt.Sprint(row[tf])
			}
		}
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return series[idx[a]] < series[idx[b]] })
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && series[idx[hi]] == series[idx[lo]] && times[idx[hi]] == times[idx[lo]] {
				hi++
			}
			run := idx[lo:hi]
			sort.SliceStable(run, func(a, b int) bool { return keys[run[a]] < keys[run[b]] })
			lo = hi
		}
		nf := f.EmptyCopy()
		for _, i := range idx {
			nf.AppendRow(f.RowCopy(i)...)
		}
		out[fi] = nf
	}
	return out
}
