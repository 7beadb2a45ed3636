package stackcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/plugin"
)

// The stack in miniature: the repository's provisioned datasource settings,
// pointed at an in-process Kafka (kfake) and Schema Registry (srfake) that
// hold a simulated race in Avro, as `producer serve --demo --format avro`
// writes it in docker compose. Every query of every dashboard, every
// annotation and every variable then runs on the real plugin backend.

// raceDrivers are the cars of the test race; the driver variable picks two.
var raceDrivers = []string{"VER", "LEC", "NOR", "HAM"}

// fillRace produces a short simulated race, Avro with the Confluent header,
// keyed as the producer keys it, and returns its time span.
func fillRace(t *testing.T, c *kfake.Cluster, reg *srfake.Registry) (from, to time.Time) {
	t.Helper()
	ids := map[string]int{}
	for i, tp := range f1.Topics() {
		schema, ok := f1wire.SchemaForTopic(tp.Name)
		if !ok {
			t.Fatalf("no Avro schema for %s", tp.Name)
		}
		ids[tp.Name] = 100 + i
		reg.SeedSchema(codec.Subject(tp.Name), 1, ids[tp.Name], sr.Schema{Schema: schema, Type: sr.TypeAvro})
	}
	circuit, err := f1.CircuitByName("monza")
	if err != nil {
		t.Fatal(err)
	}
	drivers, err := f1.ParseDrivers(strings.Join(raceDrivers, ","))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	race, err := sim.New(sim.Config{RaceID: "monza-stackcheck", Circuit: circuit, Laps: 2, Drivers: drivers,
		Seed: 7, StartMs: start.UnixMilli(), SpinPerLap: 0.5, AnomalyPerLap: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	last := start
	// The predictions the producer would publish on the race's timing.
	pred := predict.New(predict.Config{PitLossS: circuit.PitLossS, TotalLaps: 2})
	var preds []f1.Prediction
	for {
		ev, ok := race.Next()
		if !ok {
			break
		}
		r := &kgo.Record{Timestamp: time.UnixMilli(ev.Ts)}
		switch ev.Type {
		case sim.TelemetryEvent:
			r.Topic, r.Key = f1.TopicTelemetry, []byte(ev.Telemetry.Driver)
			r.Value = f1wire.TelemetryAvro(nil, ids[r.Topic], ev.Telemetry)
		case sim.PositionEvent:
			r.Topic, r.Key = f1.TopicPositions, []byte(ev.Position.Driver)
			r.Value = f1wire.PositionAvro(nil, ids[r.Topic], ev.Position)
			preds = pred.Observe(ev.Position, preds)
			for i := range preds {
				recs = append(recs, &kgo.Record{Timestamp: r.Timestamp, Topic: f1.TopicPredictions, Key: []byte(preds[i].Model),
					Value: f1wire.PredictionAvro(nil, ids[f1.TopicPredictions], &preds[i])})
			}
		case sim.RaceControlEvent:
			r.Topic, r.Key = f1.TopicRaceControl, []byte(ev.RaceControl.RaceID)
			r.Value = f1wire.RaceControlAvro(nil, ids[r.Topic], ev.RaceControl)
			pred.RaceControl(ev.RaceControl)
		case sim.AlertEvent:
			r.Topic, r.Key = f1.TopicAlerts, []byte(ev.Alert.Severity)
			r.Value = f1wire.AlertAvro(nil, ids[r.Topic], ev.Alert)
		case sim.LocationEvent:
			r.Topic, r.Key = f1.TopicLocations, []byte(ev.Location.Driver)
			r.Value = f1wire.LocationAvro(nil, ids[r.Topic], ev.Location)
		case sim.WeatherEvent:
			r.Topic, r.Key = f1.TopicWeather, []byte(ev.Weather.RaceID)
			r.Value = f1wire.WeatherAvro(nil, ids[r.Topic], ev.Weather)
		default:
			continue
		}
		if r.Timestamp.After(last) {
			last = r.Timestamp
		}
		recs = append(recs, r)
	}
	// A short race may raise no high alert; the F1 dashboard's Alerts
	// annotation shows only those, so the topic holds one for certain.
	mid := start.Add(last.Sub(start) / 2)
	high := &f1.Alert{Ts: mid.UnixMilli(), RaceID: "monza-stackcheck", Driver: raceDrivers[0], Severity: f1.SeverityHigh,
		Kind: f1.AlertBrakeTemp, Value: 1010, Message: raceDrivers[0] + " brake temperature 1010 °C (above 1000 °C)"}
	recs = append(recs, &kgo.Record{Topic: f1.TopicAlerts, Key: []byte(high.Severity), Timestamp: mid,
		Value: f1wire.AlertAvro(nil, ids[f1.TopicAlerts], high)})
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing the race: %v", err)
	}
	return start, last
}

// expandVars replaces the dashboards' template variables the way the frontend
// does before a query reaches the backend: $driver (multi) becomes two
// codes, $topic the telemetry topic.
func expandVars(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, child := range x {
			out[k] = expandVars(child)
		}
		return out
	case []any:
		var out []any
		for _, child := range x {
			if child == "$driver" {
				out = append(out, raceDrivers[0], raceDrivers[1])
				continue
			}
			out = append(out, expandVars(child))
		}
		return out
	case string:
		return strings.ReplaceAll(x, "$topic", f1.TopicTelemetry)
	}
	return v
}

func TestDashboardQueriesRunOnThePlugin(t *testing.T) {
	s := loadRepo(t)
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.Ports(0)}
	for _, tp := range f1.Topics() {
		opts = append(opts, kfake.SeedTopics(tp.Partitions, tp.Name))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	reg := srfake.New()
	defer reg.Close()
	from, to := fillRace(t, cluster, reg)
	from, to = from.Add(-time.Minute), to.Add(time.Minute)

	// The provisioned settings, with the in-process addresses.
	var prov *Datasource
	for i := range s.Datasources.Datasources {
		if s.Datasources.Datasources[i].Type == DatasourceType {
			prov = &s.Datasources.Datasources[i]
		}
	}
	if prov == nil {
		t.Fatal("no provisioned Pitwall datasource")
	}
	jd := map[string]any{}
	for k, v := range prov.JSONData {
		jd[k] = v
	}
	jd["bootstrapServers"] = strings.Join(cluster.ListenAddrs(), ",")
	jd["schemaRegistryUrl"] = reg.URL()
	raw, _ := json.Marshal(jd)
	pctx := backend.PluginContext{OrgID: 1}
	ctx := backend.WithPluginContext(context.Background(), pctx)
	inst, err := plugin.NewDatasource(ctx, backend.DataSourceInstanceSettings{UID: prov.UID, Name: prov.Name, JSONData: raw})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*plugin.Datasource)
	defer ds.Dispose()

	health, err := ds.CheckHealth(ctx, &backend.CheckHealthRequest{PluginContext: pctx})
	if err != nil || health.Status != backend.HealthStatusOk {
		t.Fatalf("health of the provisioned settings: %v %+v", err, health)
	}

	run := func(name string, target map[string]any) backend.DataResponse {
		t.Helper()
		q, _ := json.Marshal(expandVars(target))
		qt, _ := target["queryType"].(string)
		resp, err := ds.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pctx, Queries: []backend.DataQuery{{
			RefID: "A", QueryType: qt, JSON: q, MaxDataPoints: 1000, Interval: time.Second,
			TimeRange: backend.TimeRange{From: from, To: to},
		}}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return resp.Responses["A"]
	}
	// Panels that may rightly be empty for a two-lap race.
	mayBeEmpty := map[string]bool{"Gear anomalies": true}
	// What each panel got, for the check of its options (panelframes_test.go).
	panelFrames := map[string]data.Frames{}
	for file, d := range s.Dashboards {
		var walk func([]Panel)
		walk = func(ps []Panel) {
			for _, p := range ps {
				if SharesAPanel(p) {
					continue // it draws its source panel's frames (src/dashboards.test.ts)
				}
				for _, target := range p.Targets {
					name := fmt.Sprintf("%s: panel %q (%v)", file, p.Title, target["queryType"])
					r := run(name, target)
					if r.Error != nil {
						t.Errorf("%s: %v", name, r.Error)
						continue
					}
					refID, _ := target["refId"].(string)
					panelFrames[panelKey(file, p.ID, refID)] = r.Frames
					rows := 0
					for _, f := range r.Frames {
						rows += f.Rows()
					}
					t.Logf("%s: %d frames, %d rows", name, len(r.Frames), rows)
					if rows == 0 && !mayBeEmpty[p.Title] {
						t.Errorf("%s: no rows from a race with %d drivers", name, len(raceDrivers))
					}
					if target["stream"] == true {
						if len(r.Frames) == 0 || r.Frames[0].Meta == nil || r.Frames[0].Meta.Channel == "" {
							t.Errorf("%s: a streaming panel got no live channel", name)
						} else if n := len(r.Frames[0].Meta.Channel); n > 200 {
							t.Errorf("%s: channel %q is %d characters", name, r.Frames[0].Meta.Channel, n)
						}
					}
				}
				walk(p.Panels)
			}
		}
		walk(d.Panels)
		for _, a := range d.Annotations.List {
			if a.Target == nil {
				continue
			}
			name := fmt.Sprintf("%s: annotation %q", file, a.Name)
			r := run(name, a.Target)
			if r.Error != nil {
				t.Errorf("%s: %v", name, r.Error)
				continue
			}
			panelFrames[annotationKey(file, a.Name)] = r.Frames
			if len(r.Frames) == 0 || r.Frames[0].Rows() == 0 {
				t.Errorf("%s: no annotations from the race", name)
			}
		}
	}

	if !t.Failed() {
		checkPanelFrames(t, panelFrames)
	}

	// The variables' resources: drivers and topics.
	for path, want := range map[string]string{"drivers": raceDrivers[0], "topics": f1.TopicTelemetry} {
		var body []byte
		status := 0
		err := ds.CallResource(ctx, &backend.CallResourceRequest{PluginContext: pctx, Path: path, Method: http.MethodGet, URL: path},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				status, body = r.Status, append(body, r.Body...)
				return nil
			}))
		if err != nil || status != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("resource %s: %v, status %d, body %.200s; want it to list %s", path, err, status, body, want)
		}
	}
}
