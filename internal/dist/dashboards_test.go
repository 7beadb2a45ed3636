package dist

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleDashboard = `{
  "id": 7,
  "uid": "pitwall-f1-live",
  "title": "F1 live",
  "annotations": {"list": [
    {"name": "Alerts", "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"}, "target": {"queryType": "alerts"}},
    {"name": "Annotations & Alerts", "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}}
  ]},
  "templating": {"list": [
    {"name": "driver", "type": "query", "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"}}
  ]},
  "panels": [
    {"type": "row", "title": "Race", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []},
    {"type": "pitwall-leaderboard-panel", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 10},
     "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"},
     "targets": [{"refId": "A", "queryType": "leaderboard", "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"}}]},
    {"type": "timeseries", "gridPos": {"x": 12, "y": 1, "w": 12, "h": 10},
     "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"},
     "targets": [{"refId": "A", "queryType": "telemetry", "lastN": 1000, "datasource": {"type": "pitwall-kafka-datasource", "uid": "pitwall"}}]}
  ]
}`

func TestExportDashboardBindsEveryReferenceToAnInput(t *testing.T) {
	out, err := ExportDashboard([]byte(sampleDashboard))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, `"uid": "pitwall"`) {
		t.Errorf("a reference to the provisioned uid survived:\n%s", s)
	}
	if n := strings.Count(s, `"${DS_PITWALL}"`); n != 6 {
		t.Errorf("%d references bound to ${DS_PITWALL}, want 6", n)
	}
	if !strings.Contains(s, `"uid": "-- Grafana --"`) {
		t.Errorf("the built-in annotation's datasource was changed")
	}
	var dash map[string]any
	if err := json.Unmarshal(out, &dash); err != nil {
		t.Fatal(err)
	}
	if _, ok := dash["id"]; ok {
		t.Error("the database id should be dropped")
	}
	// Not the provisioned uid: importing over a provisioned dashboard fails
	// with 400 "Cannot save provisioned dashboard".
	if dash["uid"] != "pitwall-f1-live-imported" {
		t.Errorf("dashboard uid is %v, want pitwall-f1-live-imported", dash["uid"])
	}
	inputs, _ := dash["__inputs"].([]any)
	if len(inputs) != 1 {
		t.Fatalf("__inputs = %v", dash["__inputs"])
	}
	in := inputs[0].(map[string]any)
	if in["name"] != "DS_PITWALL" || in["type"] != "datasource" || in["pluginId"] != PluginID {
		t.Errorf("input = %v", in)
	}
	req := map[string]bool{}
	for _, r := range dash["__requires"].([]any) {
		m := r.(map[string]any)
		req[m["type"].(string)+":"+m["id"].(string)] = true
	}
	for _, want := range []string{"datasource:" + PluginID, "panel:pitwall-leaderboard-panel", "panel:timeseries", "grafana:grafana"} {
		if !req[want] {
			t.Errorf("__requires lacks %s: %v", want, req)
		}
	}
	if req["panel:row"] {
		t.Error("a row is not a panel plugin to require")
	}
	// Numbers keep their exact form.
	if !strings.Contains(s, `"lastN": 1000`) {
		t.Error("numbers were reformatted")
	}
}

func TestExportDashboardRefusesWhatItCannotBind(t *testing.T) {
	for name, raw := range map[string]string{
		"malformed":       `{"panels": [`,
		"not a dashboard": `{"title": "x"}`,
		"no reference":    `{"panels": [{"type": "text", "gridPos": {}}]}`,
		"array":           `[]`,
	} {
		if _, err := ExportDashboard([]byte(raw)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestExportDashboardsWritesEveryFile(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dashboards")
	mustWrite(t, filepath.Join(src, "a.json"), sampleDashboard, 0o644)
	mustWrite(t, filepath.Join(src, "b.json"), sampleDashboard, 0o644)
	mustWrite(t, filepath.Join(src, "notes.txt"), "ignored", 0o644)
	written, err := ExportDashboards(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || filepath.Base(written[0]) != "a.json" || filepath.Base(written[1]) != "b.json" {
		t.Fatalf("written = %v", written)
	}
	if _, err := os.Stat(filepath.Join(dst, "notes.txt")); !os.IsNotExist(err) {
		t.Error("a non-dashboard file was exported")
	}
	mustWrite(t, filepath.Join(src, "c.json"), `{"panels": [`, 0o644)
	if _, err := ExportDashboards(src, dst); err == nil || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("a broken dashboard should be named in the error, got %v", err)
	}
	if _, err := ExportDashboards(t.TempDir(), dst); err == nil {
		t.Error("an empty dashboards folder should be an error")
	}
}

func TestExportDashboardsRelinkTheExportedCopies(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	withLinks := strings.Replace(sampleDashboard, `"title": "F1 live",`, `"title": "F1 live",
  "links": [{"type": "link", "url": "/d/pitwall-explore-raw?orgId=1"}, {"type": "link", "url": "/d/elsewhere"},
            {"type": "link", "url": "https://example.com/d/pitwall-explore-raw"}],`, 1)
	raw := strings.NewReplacer(`"uid": "pitwall-f1-live"`, `"uid": "pitwall-explore-raw"`).Replace(sampleDashboard)
	mustWrite(t, filepath.Join(src, "f1-live.json"), withLinks, 0o644)
	mustWrite(t, filepath.Join(src, "raw.json"), raw, 0o644)
	if _, err := ExportDashboards(src, dst); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(dst, "f1-live.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"/d/pitwall-explore-raw-imported?orgId=1"`, `"/d/elsewhere"`, `"https://example.com/d/pitwall-explore-raw"`} {
		if !strings.Contains(s, want) {
			t.Errorf("exported links lack %s:\n%s", want, s)
		}
	}
}

// The repository's own dashboards export cleanly (they are what `go tool mage
// dashboards` ships inside the plugin).
func TestExportRepositoryDashboards(t *testing.T) {
	written, err := ExportDashboards(filepath.Join("..", "..", "dashboards"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(written) == 0 {
		t.Fatal("no dashboards exported")
	}
	for _, f := range written {
		raw, _ := os.ReadFile(f)
		var d struct {
			UID   string `json:"uid"`
			Links []struct {
				URL string `json:"url"`
			} `json:"links"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(d.UID, ImportedUIDSuffix) {
			t.Errorf("%s: uid %q is the provisioned one; importing it next to the provisioned copy fails", f, d.UID)
		}
		for _, l := range d.Links {
			if strings.HasPrefix(l.URL, "/d/") && !strings.Contains(l.URL, ImportedUIDSuffix) {
				t.Errorf("%s: link %s leads to the provisioned copy", f, l.URL)
			}
		}
	}
}
