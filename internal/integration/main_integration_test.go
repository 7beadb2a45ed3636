//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
	"github.com/pitwall-f1/pitwall/pkg/plugin"
)

func TestMain(m *testing.M) { testkafka.Main(m) }

// Users of the shared cluster: pit is a super user; bob may use the f1-*
// topics only and is denied the secret-* ones.
const (
	superUser = "pit"
	superPass = "Right-Pass-3xq"
	limUser   = "bob"
	limPass   = "Bob-Pass-7kw"
)

// Listeners of the shared cluster.
const (
	lnSASL = "SASL_TLS" // SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
	lnMTLS = "MTLS"     // SSL with client certificates required
)

var aclOnce sync.Once

// cluster is the package's one 3-broker cluster: plaintext INTERNAL
// listener (the harness, a super user), SASL over TLS, mutual TLS, and
// ACLs. Tests use their own topics and leave every broker running.
func cluster(t *testing.T) *testkafka.Cluster {
	t.Helper()
	c := testkafka.Shared(t, "main", testkafka.Options{
		Brokers: 3,
		Listeners: []testkafka.Listener{
			{Name: lnSASL, Security: testkafka.SASLSSL},
			{Name: lnMTLS, Security: testkafka.SSL, ClientAuth: true},
		},
		Users:      []testkafka.User{{Name: superUser, Password: superPass}, {Name: limUser, Password: limPass}},
		ACLs:       true,
		SuperUsers: []string{"User:" + superUser, "User:CN=" + testkafka.ClientCN},
		// Retention is checked every second, so a test sees segments go.
		Props: map[string]string{"log.retention.check.interval.ms": "1000", "log.segment.delete.delay.ms": "0"},
	})
	aclOnce.Do(func() { grantBob(t, c) })
	return c
}

// datasource makes a plugin instance the way Grafana does, with the given
// jsonData (bootstrapServers included) and secureJsonData.
func datasource(t *testing.T, jsonData map[string]any, secure map[string]string) instancemgmt.Instance {
	t.Helper()
	jd := map[string]any{"timeoutSeconds": 5}
	for k, v := range jsonData {
		jd[k] = v
	}
	raw, _ := json.Marshal(jd)
	ctx := backend.WithPluginContext(context.Background(), backend.PluginContext{OrgID: 1})
	inst, err := plugin.NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: "pitwall-it", Name: "Pitwall", JSONData: raw, DecryptedSecureJSONData: secure})
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := inst.(instancemgmt.InstanceDisposer); ok {
		t.Cleanup(d.Dispose)
	}
	return inst
}

func checkHealth(t *testing.T, inst instancemgmt.Instance) *backend.CheckHealthResult {
	t.Helper()
	res, err := inst.(backend.CheckHealthHandler).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// query runs one query over [from, to] (ms) and returns its response.
func query(t *testing.T, inst instancemgmt.Instance, q map[string]any, from, to int64) backend.DataResponse {
	t.Helper()
	raw, _ := json.Marshal(q)
	resp, err := inst.(backend.QueryDataHandler).QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{OrgID: 1},
		Queries: []backend.DataQuery{{RefID: "A", JSON: raw, Interval: time.Second,
			TimeRange: backend.TimeRange{From: time.UnixMilli(from), To: time.UnixMilli(to)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

// column is a field's values as float64 (numbers) across the frames.
func column(t *testing.T, r backend.DataResponse, name string) []float64 {
	t.Helper()
	var out []float64
	for _, f := range r.Frames {
		fld, i := f.FieldByName(name)
		if i < 0 {
			continue
		}
		for j := range fld.Len() {
			v, ok := fld.ConcreteAt(j)
			if !ok {
				continue
			}
			switch x := v.(type) {
			case float64:
				out = append(out, x)
			case int64:
				out = append(out, float64(x))
			case time.Time:
				out = append(out, float64(x.UnixMilli()))
			}
		}
	}
	return out
}

func notices(r backend.DataResponse) string {
	var out []string
	for _, f := range r.Frames {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				out = append(out, n.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

var (
	producerOnce sync.Once
	producerBin  string
	producerErr  error
)

// producer builds the producer binary once per run and runs it with args;
// it returns the exit code and the combined output.
func producer(t *testing.T, timeout time.Duration, args ...string) (int, string) {
	t.Helper()
	producerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pitwall-producer-")
		if err != nil {
			producerErr = err
			return
		}
		producerBin = filepath.Join(dir, "producer")
		out, err := exec.Command("go", "build", "-o", producerBin, "github.com/pitwall-f1/pitwall/producer").CombinedOutput()
		if err != nil {
			producerErr = &buildError{string(out), err}
		}
	})
	if producerErr != nil {
		t.Fatalf("building the producer: %v", producerErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, producerBin, args...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("producer %v did not finish within %s:\n%s", args, timeout, out)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

type buildError struct {
	out string
	err error
}

func (b *buildError) Error() string { return b.err.Error() + ": " + b.out }
