package stackcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The query model of docs/DESIGN.md, and the variable query kinds of the frontend.
var (
	QueryTypes    = []string{"raw", "telemetry", "wheelSpin", "gearAnomalies", "alerts", "leaderboard", "averageSpeed", "raceControl", "predictions"}
	Formats       = []string{"auto", "json", "avro"}
	Offsets       = []string{"latest", "earliest", "lastN", "timeRange"}
	VariableKinds = []string{"drivers", "topics", "raceIds"}
	// Views are the frames each F1 query type can return besides its
	// default (pkg/f1frame's View; "" is the default).
	Views = map[string][]string{
		"wheelSpin":     {"series", "events", "annotations"},
		"gearAnomalies": {"events", "distribution", "annotations"},
		"alerts":        {"logs", "annotations"},
		"leaderboard":   {"race"},
		"averageSpeed":  {"series", "latest"},
		"raceControl":   {"logs", "annotations"},
		"predictions":   {"series", "latest"},
	}
	RawColumns = []string{"key", "partition", "offset", "timestamp"}
)

// CorePanels are the panel types Grafana 12.4 ships.
var CorePanels = []string{
	"alertlist", "annolist", "barchart", "bargauge", "candlestick", "canvas", "dashlist", "datagrid",
	"debug", "flamegraph", "gauge", "geomap", "gettingstarted", "heatmap", "histogram", "live", "logs",
	"news", "nodeGraph", "piechart", "row", "stat", "state-timeline", "status-history", "table", "text",
	"timeseries", "traces", "trend", "welcome", "xychart",
}

// Panel is the part of a dashboard panel the checks read.
type Panel struct {
	ID         int              `json:"id"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	GridPos    GridPos          `json:"gridPos"`
	Datasource *DatasourceRef   `json:"datasource"`
	Targets    []map[string]any `json:"targets"`
	Panels     []Panel          `json:"panels"` // a collapsed row's panels
	// PluginVersion tells Grafana which migrations the panel's options
	// still need; without it Grafana runs them all (an xychart then loses
	// its series). What the options name in the frames is checked in
	// src/dashboards.test.ts, with Grafana's own matchers.
	PluginVersion string `json:"pluginVersion"`
	// MaxDataPoints is the panel's point budget. Without it Grafana 12.4
	// takes the budget from the panel's width, so it runs the query only
	// once the panel's plugin has loaded and drawn once (issue 11: the
	// leaderboard's query went last, behind the range reads).
	MaxDataPoints int `json:"maxDataPoints"`
	// Description and Links show in the panel's header, even when Grafana
	// lacks the panel's plugin and draws an empty body.
	Description string `json:"description"`
	Links       []struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"links"`
	// Transformations are what Grafana does to the frames before drawing
	// (checked in src/dashboards.test.ts with Grafana's own code).
	Transformations []map[string]any `json:"transformations"`
	FieldConfig     struct {
		Defaults struct {
			// NoValue is the text Grafana shows instead of "No data".
			NoValue string `json:"noValue"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

// GridPos is a panel's place on the 24-column grid.
type GridPos struct{ X, Y, W, H int }

// DatasourceRef is a {type, uid} datasource reference.
type DatasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Dashboard is the part of a dashboard JSON the checks read.
type Dashboard struct {
	UID         string `json:"uid"`
	Title       string `json:"title"`
	Time        struct{ From, To string }
	Panels      []Panel `json:"panels"`
	Annotations struct {
		List []Annotation `json:"list"`
	} `json:"annotations"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
}

// Annotation is one annotation query of a dashboard.
type Annotation struct {
	Name       string         `json:"name"`
	BuiltIn    int            `json:"builtIn"`
	Datasource *DatasourceRef `json:"datasource"`
	Target     map[string]any `json:"target"`
}

// Variable is one template variable of a dashboard.
type Variable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Datasource *DatasourceRef `json:"datasource"`
	Query      any            `json:"query"`
	Multi      bool           `json:"multi"`
}

// ParseDashboard decodes a dashboard JSON file.
func ParseDashboard(raw []byte) (Dashboard, error) {
	var d Dashboard
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("not valid dashboard JSON: %w", err)
	}
	if d.UID == "" || d.Title == "" {
		return d, fmt.Errorf("a dashboard needs a uid and a title")
	}
	return d, nil
}

var varRefRE = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// CheckDashboard checks that every panel is a core panel or Pitwall's with a
// pluginVersion, that every query goes to the provisioned datasource with a valid queryType,
// format and offset, that every variable a query uses is defined, and that
// panels stay on the grid without overlapping.
func CheckDashboard(d Dashboard) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(d.UID+": "+format, args...))
	}
	vars := map[string]bool{}
	for _, v := range d.Templating.List {
		vars[v.Name] = true
		if v.Datasource == nil {
			continue
		}
		if v.Datasource.UID != DatasourceUID || v.Datasource.Type != DatasourceType {
			add("variable %s: datasource %+v is not the provisioned %s", v.Name, *v.Datasource, DatasourceUID)
		}
		q, _ := v.Query.(map[string]any)
		if kind, _ := q["kind"].(string); !slices.Contains(VariableKinds, kind) {
			add("variable %s: query kind %q is not one of %q", v.Name, kind, VariableKinds)
		}
	}
	for _, a := range d.Annotations.List {
		if a.BuiltIn == 1 {
			continue
		}
		if a.Datasource == nil || a.Datasource.UID != DatasourceUID {
			add("annotation %q: not on the provisioned datasource %s", a.Name, DatasourceUID)
		}
		for _, e := range checkTarget(a.Target, vars) {
			add("annotation %q: %v", a.Name, e)
		}
	}
	seen := map[int]string{}
	var placed, shares []Panel
	byID := map[int]Panel{}
	var walk func(ps []Panel, top bool)
	walk = func(ps []Panel, top bool) {
		for _, p := range ps {
			where := fmt.Sprintf("panel %d %q", p.ID, p.Title)
			if prev, dup := seen[p.ID]; dup {
				add("%s: id %d is also panel %q", where, p.ID, prev)
			}
			seen[p.ID] = p.Title
			byID[p.ID] = p
			if !slices.Contains(CorePanels, p.Type) && p.Type != PanelType {
				add("%s: type %q is neither a core panel nor %s", where, p.Type, PanelType)
			}
			if p.Type == PanelType {
				for _, e := range missingPanelHint(p) {
					add("%s: %v", where, e)
				}
			}
			if top {
				// A collapsed row's panels keep the places they have when it opens.
				placed = append(placed, p)
			}
			if SharesAPanel(p) {
				shares = append(shares, p) // checked once every panel is known (checkShare)
			} else {
				if len(p.Targets) > 0 && (p.Datasource == nil || p.Datasource.UID != DatasourceUID || p.Datasource.Type != DatasourceType) {
					add("%s: panel datasource is not the provisioned %s", where, DatasourceUID)
				}
				for _, t := range p.Targets {
					for _, e := range checkTarget(t, vars) {
						add("%s, query %v: %v", where, t["refId"], e)
					}
				}
			}
			if p.Type != "row" && p.PluginVersion == "" {
				add("%s: no pluginVersion: Grafana would run every old migration of the %s options on it (an xychart loses its series and shows Err)", where, p.Type)
			}
			if p.Type != "row" && p.Type != "text" && len(p.Targets) == 0 {
				add("%s: no queries", where)
			}
			if len(p.Targets) > 0 && p.MaxDataPoints <= 0 {
				add("%s: no maxDataPoints: Grafana would wait for the panel to draw once before running its query", where)
			}
			for _, e := range checkEmptyState(p) {
				add("%s: %v", where, e)
			}
			walk(p.Panels, false)
		}
	}
	walk(d.Panels, true)
	for _, p := range shares {
		for _, e := range checkShare(p, byID) {
			add("panel %d %q: %v", p.ID, p.Title, e)
		}
	}
	errs = append(errs, checkGrid(d.UID, placed)...)
	return errs
}

// checkTarget checks one query against docs/DESIGN.md's query model.
func checkTarget(t map[string]any, vars map[string]bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if t == nil {
		return []error{fmt.Errorf("no query")}
	}
	ds, _ := t["datasource"].(map[string]any)
	if ds["uid"] != DatasourceUID || ds["type"] != DatasourceType {
		add("datasource %v is not the provisioned {%s %s}", ds, DatasourceType, DatasourceUID)
	}
	qt, _ := t["queryType"].(string)
	if !slices.Contains(QueryTypes, qt) {
		add("queryType %q is not one of %q", qt, QueryTypes)
	}
	if f, ok := t["format"]; ok {
		if s, _ := f.(string); !slices.Contains(Formats, s) {
			add("format %v is not one of %q", f, Formats)
		}
	}
	if o, ok := t["offset"]; ok {
		s, _ := o.(string)
		if !slices.Contains(Offsets, s) {
			add("offset %v is not one of %q", o, Offsets)
		}
		if n, _ := t["lastN"].(float64); s == "lastN" && n <= 0 {
			add("offset lastN needs a positive lastN")
		}
	}
	if s, ok := t["stream"]; ok {
		if _, isBool := s.(bool); !isBool {
			add("stream %v is not a bool", s)
		}
	}
	if p, ok := t["partition"]; ok {
		if n, isNum := p.(float64); !isNum || n < -1 || n != float64(int(n)) {
			add("partition %v is not -1 or a partition number", p)
		}
	}
	for _, key := range []string{"drivers", "fields"} {
		if v, ok := t[key]; ok {
			if _, isList := v.([]any); !isList {
				add("%s is not a list", key)
			}
		}
	}
	if v, ok := t["view"]; ok {
		if s, _ := v.(string); s != "" && !slices.Contains(Views[qt], s) {
			add("view %v is not one of %q for %s", v, Views[qt], qt)
		}
	}
	if cols, ok := t["columns"].([]any); ok {
		for _, c := range cols {
			if s, _ := c.(string); !slices.Contains(RawColumns, s) {
				add("column %v is not one of %q", c, RawColumns)
			}
		}
	}
	for _, key := range []string{"spinThresholdPct", "overspeedKph", "lastN"} {
		if v, ok := t[key]; ok {
			if n, isNum := v.(float64); !isNum || n <= 0 {
				add("%s %v is not a positive number", key, v)
			}
		}
	}
	if topic, _ := t["topic"].(string); qt == "raw" && strings.TrimSpace(topic) == "" {
		add("a raw query needs a topic")
	}
	raw, _ := json.Marshal(t)
	for _, m := range varRefRE.FindAllStringSubmatch(string(raw), -1) {
		if name := m[1]; !vars[name] && !strings.HasPrefix(name, "__") {
			add("uses $%s, which the dashboard does not define", name)
		}
	}
	return errs
}

// checkGrid checks that panels fit the 24 columns and do not overlap.
func checkGrid(uid string, ps []Panel) []error {
	var errs []error
	for i, a := range ps {
		g := a.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.Y < 0 || g.X+g.W > 24 {
			errs = append(errs, fmt.Errorf("%s: panel %q at %+v is off the 24-column grid", uid, a.Title, g))
		}
		for _, b := range ps[i+1:] {
			h := b.GridPos
			if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
				errs = append(errs, fmt.Errorf("%s: panels %q and %q overlap", uid, a.Title, b.Title))
			}
		}
	}
	return errs
}

// missingPanelHint checks what a user without the leaderboard panel plugin
// sees: Grafana 12.4 draws an empty panel whose header says "Plugin
// pitwall-leaderboard-panel not found", next to the panel's description and
// links. They must say how to get the plugin.
func missingPanelHint(p Panel) []error {
	var errs []error
	if !strings.Contains(p.Description, PanelType) || !strings.Contains(strings.ToLower(p.Description), "install") {
		errs = append(errs, fmt.Errorf("the description must say to install %s, for Grafanas without it", PanelType))
	}
	catalog, howTo := false, false
	for _, l := range p.Links {
		catalog = catalog || l.URL == "/plugins/"+PanelType
		howTo = howTo || (strings.HasPrefix(l.URL, "https://") && strings.Contains(strings.ToLower(l.Title), "install"))
	}
	if !catalog {
		errs = append(errs, fmt.Errorf("no panel link to /plugins/%s (the plugin's page in Grafana)", PanelType))
	}
	if !howTo {
		errs = append(errs, fmt.Errorf("no panel link to the install instructions (an https:// link titled with \"install\")"))
	}
	return errs
}
