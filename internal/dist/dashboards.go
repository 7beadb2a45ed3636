package dist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ProvisionedUID is the uid of the datasource that provisioning/ creates
// and that the repository's dashboards refer to.
const ProvisionedUID = "pitwall"

// DatasourceInput is the import input that replaces ProvisionedUID in the
// dashboards shipped inside the plugin, so that importing one from the
// datasource's Dashboards tab binds it to whichever Pitwall datasource the
// user picks, whatever its uid.
const DatasourceInput = "DS_PITWALL"

// ImportedUIDSuffix is added to the uid of each dashboard the plugin ships
// for its Dashboards tab. The provisioned copy keeps the plain uid; an import
// under the same uid would try to overwrite it, which Grafana refuses with
// 400 "Cannot save provisioned dashboard". With the suffix, Import beside a
// provisioned copy adds a second, editable copy, and Re-import updates it.
const ImportedUIDSuffix = "-imported"

// ExportDashboards writes every *.json dashboard of srcDir into dstDir in the
// form Grafana imports from a plugin: each reference to the provisioned
// datasource becomes ${DS_PITWALL}, declared in __inputs; __requires names
// the plugins the dashboard needs; the uid gets ImportedUIDSuffix, and so do
// the /d/<uid> links between them. It returns the files written.
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
	raws := make([][]byte, len(paths))
	renamed := map[string]string{}
	for i, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading dashboard %s: %w", p, err)
		}
		raws[i] = raw
		var head struct {
			UID string `json:"uid"`
		}
		if json.Unmarshal(raw, &head) == nil && head.UID != "" {
			renamed[head.UID] = head.UID + ImportedUIDSuffix
		}
	}
	var written []string
	for i, p := range paths {
		out, err := exportDashboard(raws[i], renamed)
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
func ExportDashboard(raw []byte) ([]byte, error) { return exportDashboard(raw, nil) }

// exportDashboard is ExportDashboard with renamed, the exported uid of each
// provisioned one, for the dashboard's own uid and its /d/<uid> links.
func exportDashboard(raw []byte, renamed map[string]string) ([]byte, error) {
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
	if uid, ok := dash["uid"].(string); ok && uid != "" {
		dash["uid"] = uid + ImportedUIDSuffix
	}
	relink(dash, renamed)
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

// relink points the dashboard's /d/<uid> links (dashboard links and panel
// links) at the exported uids.
func relink(v any, renamed map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		if u, ok := t["url"].(string); ok {
			t["url"] = relinkURL(u, renamed)
		}
		for _, child := range t {
			relink(child, renamed)
		}
	case []any:
		for _, child := range t {
			relink(child, renamed)
		}
	}
}

func relinkURL(u string, renamed map[string]string) string {
	rest, ok := strings.CutPrefix(u, "/d/")
	if !ok {
		return u
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if to, ok := renamed[rest[:end]]; ok {
		return "/d/" + to + rest[end:]
	}
	return u
}

// isPanel tells a panel object from the other objects with a "type" (targets,
// variables, datasource references): a panel has a gridPos.
func isPanel(m map[string]any) bool {
	_, ok := m["gridPos"]
	return ok
}
