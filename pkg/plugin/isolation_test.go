package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// newNamedDS makes a datasource instance with its own uid, the way Grafana
// does for each configured datasource.
func newNamedDS(t testing.TB, uid string, jd map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	raw, _ := json.Marshal(jd)
	ctx := backend.WithPluginContext(context.Background(), backend.PluginContext{OrgID: testOrg})
	inst, err := NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: uid, Name: uid, JSONData: raw, DecryptedSecureJSONData: secure})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	d.aliveEvery = 200 * time.Millisecond
	t.Cleanup(d.Dispose)
	return d
}

// Two datasource instances with different brokers, registries and
// credentials, and the same topic name, schema id and channel path on both:
// each stream and query sees only its own instance's records, schemas,
// resume offsets and settings. Within one instance, two streams with
// different queries on one topic each get their own rows.
func TestIsolationBetweenInstancesAndStreams(t *testing.T) {
	ca := fakeCluster(t, map[string]int32{"f1-telemetry": 2})
	cb := fakeCluster(t, map[string]int32{"f1-telemetry": 2})
	ra, rb := startFlakyRegistry(t), startFlakyRegistry(t, srfake.WithAuth("Basic "+basicAuth("b-user", "b-only")))
	// Schema id 1 is a different schema in each registry.
	ra.reg.SeedSchema("f1-telemetry-value", 1, 1, sr.Schema{Schema: seqSchemaV1, Type: sr.TypeAvro})
	rb.reg.SeedSchema("f1-telemetry-value", 1, 1, sr.Schema{Schema: seqSchemaV2, Type: sr.TypeAvro})
	da := newNamedDS(t, "ds-a", map[string]any{"bootstrapServers": ca.ListenAddrs()[0], "clientId": "client-a", "schemaRegistryUrl": ra.url(), "timeoutSeconds": 2}, nil)
	db := newNamedDS(t, "ds-b", map[string]any{"bootstrapServers": cb.ListenAddrs()[0], "clientId": "client-b", "schemaRegistryUrl": rb.url(), "schemaRegistryUsername": "b-user", "timeoutSeconds": 3},
		map[string]string{"schemaRegistryPassword": "b-only"})

	var recsA, recsB []rec
	for i := int64(0); i < 20; i++ {
		recsA = append(recsA, rec{int32(i % 2), "VER", 1000 + i, lapAvro(t, seqSchemaV1, 1, lapV1{Seq: i, Driver: "VER"})})
		recsB = append(recsB, rec{int32(i % 2), "HAM", 1000 + i, lapAvro(t, seqSchemaV2, 1, lapV2{Seq: 100 + i, Driver: "HAM", Tyre: "WET"})})
	}
	produce(t, ca, "f1-telemetry", recsA...)
	produce(t, cb, "f1-telemetry", recsB...)

	// The same channel path on both instances; instance A also has a saved
	// resume point for it, which instance B must not use.
	path := pathFor(t, `{"topic":"f1-telemetry","offset":"earliest","columns":["partition"]}`)
	da.resume.Save(path, kafka.Offsets{"f1-telemetry": {0: 5, 1: 5}})
	sa, sb := newSeqChecker(pipeline.ColPartition, "seq", false), newSeqChecker(pipeline.ColPartition, "seq", false)
	sa.keep, sb.keep = []string{"driver", "tyre"}, []string{"driver", "tyre"}
	startStreamTo(t, da, path, sa)
	startStreamTo(t, db, path, sb)
	// Two more streams on instance B's topic with different queries.
	only0 := newSeqChecker(pipeline.ColPartition, "seq", false)
	only0.keep = []string{"driver", "tyre", "seq"}
	startStreamTo(t, db, pathFor(t, `{"topic":"f1-telemetry","offset":"earliest","partition":0,"fields":["seq"],"columns":["partition"],"flushMs":10}`), only0)
	waitFor(t, "every stream", func() bool { return sa.total() == 10 && sb.total() == 20 && only0.total() == 10 })
	time.Sleep(300 * time.Millisecond) // nothing more may arrive

	// A resumed from its own saved offsets (5 per partition: seq 10-19), B read all.
	sa.verify(t, map[int64]int64{0: 5, 1: 5}, map[int64]int64{0: 10, 1: 11})
	sb.verify(t, map[int64]int64{0: 10, 1: 10}, map[int64]int64{0: 100, 1: 101})
	only0.verify(t, map[int64]int64{0: 10}, map[int64]int64{0: 100})
	for name, chk := range map[string]*seqChecker{"A": sa, "B": sb, "B partition 0": only0} {
		chk.mu.Lock()
		for _, row := range chk.kept {
			switch name {
			case "A":
				if row["driver"] != "VER" || row["tyre"] != nil {
					t.Errorf("instance A's stream got %v (B's data or schema)", row)
				}
			case "B":
				if row["driver"] != "HAM" || row["tyre"] != "WET" {
					t.Errorf("instance B's stream got %v", row)
				}
			default:
				if _, has := row["driver"]; has || row["seq"] == nil {
					t.Errorf("the fields-limited stream got %v", row)
				}
			}
		}
		chk.mu.Unlock()
	}

	// Queries, health and errors: each instance's own.
	qa := runQuery(t, da, map[string]any{"topic": "f1-telemetry", "offset": "earliest"}, 0, 1, 0, nil)
	qb := runQuery(t, db, map[string]any{"topic": "f1-telemetry", "offset": "earliest"}, 0, 1, 0, nil)
	if qa.Error != nil || qb.Error != nil {
		t.Fatal(qa.Error, qb.Error)
	}
	if got := strings.Join(frametest.Values(t, qa.Frames[0], "driver"), ","); strings.Contains(got, "HAM") || qa.Frames[0].Rows() != 20 {
		t.Errorf("query on A: %s", got)
	}
	if _, i := qa.Frames[0].FieldByName("tyre"); i >= 0 {
		t.Error("query on A decoded with B's schema id 1")
	}
	if got := strings.Join(frametest.Values(t, qb.Frames[0], "tyre"), ","); strings.Contains(got, "null") || qb.Frames[0].Rows() != 20 {
		t.Errorf("query on B: %s", got)
	}
	ha, hb := health(t, da), health(t, db)
	if !strings.Contains(ha.Message, ca.ListenAddrs()[0]) || strings.Contains(ha.Message, cb.ListenAddrs()[0]) || strings.Contains(ha.Message, rb.url()) {
		t.Errorf("health of A: %s", ha.Message)
	}
	if !strings.Contains(hb.Message, cb.ListenAddrs()[0]) || strings.Contains(hb.Message, ca.ListenAddrs()[0]) || strings.Contains(hb.Message, ra.url()) {
		t.Errorf("health of B: %s", hb.Message)
	}
	if da.kafka.Config().ClientID != "client-a" || db.kafka.Config().ClientID != "client-b" || da.settings.SchemaRegistryPassword.IsSet() {
		t.Errorf("settings crossed: A %v, B %v", da.settings, db.settings)
	}
	// Losing A's broker fails A's stream only, naming A's address.
	addrA := ca.ListenAddrs()[0]
	da.lossAfter = 500 * time.Millisecond
	ca.Close()
	errA := make(chan error, 1)
	go func() {
		errA <- da.RunStream(context.Background(), &backend.RunStreamRequest{PluginContext: backend.PluginContext{OrgID: testOrg}, Path: path}, backend.NewStreamSender(newRecorder()))
	}()
	select {
	case err := <-errA:
		if err == nil || !strings.Contains(err.Error(), addrA) || strings.Contains(err.Error(), cb.ListenAddrs()[0]) {
			t.Errorf("A's stream error: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("A's stream did not fail")
	}
	produce(t, cb, "f1-telemetry", rec{0, "HAM", 2000, lapAvro(t, seqSchemaV2, 1, lapV2{Seq: 120, Driver: "HAM", Tyre: "WET"})})
	waitFor(t, "B's stream to go on", func() bool { return sb.total() == 21 })
	if _, ok := db.resume.Take(path); ok {
		t.Error("A's failure left a resume point in B")
	}
}
