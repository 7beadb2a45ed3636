package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

type resourceRecorder struct{ resp *backend.CallResourceResponse }

func (r *resourceRecorder) Send(resp *backend.CallResourceResponse) error {
	if r.resp == nil {
		r.resp = resp
	} else {
		r.resp.Body = append(r.resp.Body, resp.Body...)
	}
	return nil
}

func callResource(t testing.TB, d *Datasource, path string) (int, []byte) {
	t.Helper()
	rr := &resourceRecorder{}
	err := d.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{OrgID: testOrg}, Method: http.MethodGet, Path: path, URL: path,
	}, rr)
	if err != nil {
		t.Fatal(err)
	}
	return rr.resp.Status, rr.resp.Body
}

func TestResources(t *testing.T) {
	c := testCluster(t, map[string]int32{f1.TopicTelemetry: 4, "other.topic": 2})
	d := newTestDS(t, c, dsOpts{})
	produce(t, c, f1.TopicTelemetry,
		rec{0, "VER", 1, []byte(`{"driver":"VER"}`)},
		rec{1, "PER", 2, []byte(`{"driver":"PER"}`)},
		rec{2, "", 3, []byte(`{"driver":"lec"}`)}, // no key: read from the value
		rec{3, "VER", 4, []byte(`{"driver":"VER"}`)},
	)

	status, body := callResource(t, d, "topics")
	var topics []struct {
		Name       string `json:"name"`
		Partitions int    `json:"partitions"`
	}
	if err := json.Unmarshal(body, &topics); err != nil || status != 200 {
		t.Fatalf("topics: %d %s", status, body)
	}
	names := map[string]int{}
	for _, tp := range topics {
		names[tp.Name] = tp.Partitions
	}
	if names[f1.TopicTelemetry] != 4 || names["other.topic"] != 2 {
		t.Fatalf("topics %s", body)
	}

	status, body = callResource(t, d, "topics/other.topic/partitions")
	if status != 200 || string(body) != `[{"partition":0,"startOffset":0,"endOffset":0},{"partition":1,"startOffset":0,"endOffset":0}]`+"\n" {
		t.Fatalf("partitions: %d %s", status, body)
	}
	status, body = callResource(t, d, "topics/missing/partitions")
	if status != 404 || !strings.Contains(string(body), `unknown topic`) {
		t.Fatalf("missing topic: %d %s", status, body)
	}

	status, body = callResource(t, d, "drivers")
	var drivers []driverInfo
	if err := json.Unmarshal(body, &drivers); err != nil || status != 200 {
		t.Fatalf("drivers: %d %s", status, body)
	}
	if len(drivers) != 3 || drivers[0].Code != "LEC" || drivers[1].Code != "PER" || drivers[2].Code != "VER" ||
		drivers[2].Name != "Max Verstappen" || drivers[2].Number != 1 || drivers[2].Colour == "" {
		t.Fatalf("drivers %s", body)
	}
	status, _ = callResource(t, d, "nope")
	if status != 404 {
		t.Fatalf("unknown resource: %d", status)
	}
}
