package dist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// ProvisionedUID is the uid of the datasource that provisioning/ creates
// and that the repository's dashboards refer to.
const ProvisionedUID = "pitwall"

// DatasourceInput is the import input that replaces ProvisionedUID in the
// dashboards shipped inside the plugin, so that importing one from the
// datasource's Dashboards tab binds it to whichever Pitwall datasource the
// user picks, whatever its uid.
const DatasourceInput = "DS_PITWALL"

// ExportDashboards writes every *.json dashboard of srcDir into dstDir in the
// form Grafana imports from a plugin: each reference to the provisioned
// datasource becomes ${DS_PITWALL}, declared in __inputs, and __requires names
// the plugins the dashboard needs. It returns the files written.
func ExportDashboards(srcDir, dstDir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(srcDir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("listing dashboards in %s: %w", srcDir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no dashboards (*.json) in %s", srcDir)
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dstDir, err)
	}
	sort.Strings(paths)
	var written []string
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return written, fmt.Errorf("reading dashboard %s: %w", p, err)
		}
		out, err := ExportDashboard(raw)
		if err != nil {
			return written, fmt.Errorf("dashboard %s: %w", p, err)
		}
		dst := filepath.Join(dstDir, filepath.Base(p))
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return written, fmt.Errorf("writing %s: %w", dst, err)
		}
		written = append(written, dst)
	}
	return written, nil
}

// ExportDashboard turns one provisioned dashboard into its importable form.
func ExportDashboard(raw []byte) ([]byte, error) {
	var dash map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&dash); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if _, ok := dash["panels"]; !ok {
		return nil, fmt.Errorf("no panels: not a Grafana dashboard")
	}
	panelTypes := map[string]bool{}
	replaced := rebind(dash, panelTypes)
	if replaced == 0 {
		return nil, fmt.Errorf("no reference to the datasource uid %q to bind", ProvisionedUID)
	}
	delete(dash, "id")
	dash["__inputs"] = []any{map[string]any{
		"name":        DatasourceInput,
		"label":       "Pitwall",
		"description": "The Pitwall Kafka datasource to read from",
		"type":        "datasource",
		"pluginId":    PluginID,
		"pluginName":  "Pitwall Kafka",
	}}
	requires := []any{
		map[string]any{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "12.4.0"},
		map[string]any{"type": "datasource", "id": PluginID, "name": "Pitwall Kafka", "version": ""},
	}
	types := make([]string, 0, len(panelTypes))
	for t := range panelTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		requires = append(requires, map[string]any{"type": "panel", "id": t, "name": t, "version": ""})
	}
	dash["__requires"] = requires
	out, err := json.MarshalIndent(dash, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	return append(out, '\n'), nil
}

// rebind walks v, replaces every {"uid": "pitwall"} datasource reference with
// ${DS_PITWALL}, records the panel types it meets, and counts replacements.
func rebind(v any, panelTypes map[string]bool) int {
	n := 0
	switch t := v.(type) {
	case map[string]any:
		if ds, ok := t["datasource"].(map[string]any); ok && ds["uid"] == ProvisionedUID {
			ds["uid"] = "${" + DatasourceInput + "}"
			n++
		}
		if typ, ok := t["type"].(string); ok && isPanel(t) && typ != "row" {
			panelTypes[typ] = true
		}
		for k, child := range t {
			if k == "datasource" {
				continue
			}
			n += rebind(child, panelTypes)
		}
	case []any:
		for _, child := range t {
			n += rebind(child, panelTypes)
		}
	}
	return n
}

// isPanel tells a panel object from the other objects with a "type" (targets,
// variables, datasource references): a panel has a gridPos.
func isPanel(m map[string]any) bool {
	_, ok := m["gridPos"]
	return ok
}
