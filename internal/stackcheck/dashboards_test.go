package stackcheck

import (
	"errors"
	"strings"
	"testing"
)

// The F1 dashboard has what the issue asks for.
func TestF1DashboardContents(t *testing.T) {
	d := loadRepo(t).Dashboards["f1-live.json"]
	if d.Time.From != "now-5m" || d.Time.To != "now" {
		t.Errorf("time range %+v; want a short range following now", d.Time)
	}
	types := map[string]int{}
	queries := map[string]int{}
	streams, all := 0, 0
	var wheelSpin *Panel
	var walk func([]Panel)
	walk = func(ps []Panel) {
		for i := range ps {
			p := &ps[i]
			types[p.Type]++
			if SharesAPanel(*p) {
				continue // it runs no query of its own
			}
			for _, q := range p.Targets {
				qt, _ := q["queryType"].(string)
				queries[qt]++
				all++
				if q["stream"] == true {
					streams++
				}
				if qt == "wheelSpin" {
					wheelSpin = p
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, typ := range []string{PanelType, "xychart", "timeseries", "table", "barchart", "bargauge"} {
		if types[typ] == 0 {
			t.Errorf("no %s panel", typ)
		}
	}
	for _, qt := range []string{"leaderboard", "telemetry", "wheelSpin", "gearAnomalies", "alerts", "averageSpeed", "raceControl", "predictions"} {
		if queries[qt] == 0 {
			t.Errorf("no %s query", qt)
		}
	}
	if streams < all-1 {
		t.Errorf("%d of %d queries stream; every live panel should", streams, all)
	}
	if wheelSpin == nil {
		t.Fatal("no wheel spin panel")
	}
	for _, q := range wheelSpin.Targets {
		if q["spinThresholdPct"] != float64(8) {
			t.Errorf("wheel spin threshold %v, want 8", q["spinThresholdPct"])
		}
	}
	annos := map[string]bool{}
	for _, a := range d.Annotations.List {
		if a.Target != nil {
			qt, _ := a.Target["queryType"].(string)
			annos[qt] = true
		}
	}
	if !annos["alerts"] || !annos["raceControl"] {
		t.Errorf("annotations %v; want alerts and raceControl", annos)
	}
	var driver bool
	for _, v := range d.Templating.List {
		if v.Name == "driver" && v.Multi && v.Type == "query" {
			driver = true
		}
	}
	if !driver {
		t.Error("no multi-select driver query variable")
	}
}

func dashboardWith(mutate func(*Dashboard)) Dashboard {
	ds := &DatasourceRef{Type: DatasourceType, UID: DatasourceUID}
	d := Dashboard{UID: "x", Title: "x"}
	d.Templating.List = append(d.Templating.List,
		Variable{Name: "driver", Type: "query", Datasource: ds, Query: map[string]any{"kind": "drivers"}})
	d.Panels = []Panel{{
		ID: 1, Type: "timeseries", Title: "Speed", GridPos: GridPos{0, 0, 12, 8}, Datasource: ds, PluginVersion: "12.4.0", MaxDataPoints: 1000,
		Targets: []map[string]any{{
			"refId": "A", "queryType": "telemetry", "format": "auto", "offset": "timeRange", "partition": float64(-1),
			"drivers": []any{"$driver"}, "fields": []any{"speed_kph"}, "stream": true,
			"datasource": map[string]any{"type": DatasourceType, "uid": DatasourceUID},
		}},
	}}
	mutate(&d)
	return d
}

func dashDS() map[string]any {
	return map[string]any{"type": DashboardDatasourceType, "uid": DashboardDatasourceUID}
}

// sharePanel adds panel 2, which draws panel 1's answer through the
// Dashboard datasource with query t.
func sharePanel(d *Dashboard, t map[string]any) {
	d.Panels = append(d.Panels, Panel{ID: 2, Type: "timeseries", Title: "RPM", GridPos: GridPos{12, 0, 12, 8},
		PluginVersion: "12.4.0", MaxDataPoints: 1000, Datasource: &DatasourceRef{Type: DashboardDatasourceType, UID: DashboardDatasourceUID},
		Targets:         []map[string]any{t},
		Transformations: []map[string]any{{"id": "filterFieldsByName"}}})
}

func TestASharedPanelPasses(t *testing.T) {
	d := dashboardWith(func(d *Dashboard) {
		sharePanel(d, map[string]any{"refId": "A", "datasource": dashDS(), "panelId": float64(1)})
	})
	if errs := CheckDashboard(d); len(errs) > 0 {
		t.Fatalf("a panel sharing panel 1's answer was refused: %v", errors.Join(errs...))
	}
}

func TestDashboardProblemsAreFound(t *testing.T) {
	if errs := CheckDashboard(dashboardWith(func(*Dashboard) {})); len(errs) > 0 {
		t.Fatalf("the valid base dashboard was refused: %v", errors.Join(errs...))
	}
	cases := map[string]struct {
		mutate func(*Dashboard)
		want   string
	}{
		"unknown query type": {func(d *Dashboard) { d.Panels[0].Targets[0]["queryType"] = "speed" }, `queryType "speed" is not one of`},
		"missing query type": {func(d *Dashboard) { delete(d.Panels[0].Targets[0], "queryType") }, `queryType "" is not one of`},
		"other datasource": {func(d *Dashboard) {
			d.Panels[0].Targets[0]["datasource"] = map[string]any{"type": "prometheus", "uid": "prom"}
		}, "is not the provisioned"},
		"panel datasource":  {func(d *Dashboard) { d.Panels[0].Datasource = &DatasourceRef{Type: DatasourceType, UID: "other"} }, "panel datasource is not the provisioned pitwall"},
		"unknown panel":     {func(d *Dashboard) { d.Panels[0].Type = "grafana-worldmap-panel" }, `type "grafana-worldmap-panel" is neither a core panel nor pitwall-leaderboard-panel`},
		"bad offset":        {func(d *Dashboard) { d.Panels[0].Targets[0]["offset"] = "newest" }, `offset newest is not one of`},
		"lastN without N":   {func(d *Dashboard) { d.Panels[0].Targets[0]["offset"] = "lastN" }, "needs a positive lastN"},
		"bad format":        {func(d *Dashboard) { d.Panels[0].Targets[0]["format"] = "protobuf" }, "format protobuf is not one of"},
		"stream as string":  {func(d *Dashboard) { d.Panels[0].Targets[0]["stream"] = "true" }, "stream true is not a bool"},
		"drivers as string": {func(d *Dashboard) { d.Panels[0].Targets[0]["drivers"] = "VER" }, "drivers is not a list"},
		"bad partition":     {func(d *Dashboard) { d.Panels[0].Targets[0]["partition"] = float64(-2) }, "partition -2"},
		"undefined variable": {func(d *Dashboard) { d.Panels[0].Targets[0]["drivers"] = []any{"$drivers"} },
			"uses $drivers, which the dashboard does not define"},
		"raw without topic":    {func(d *Dashboard) { d.Panels[0].Targets[0]["queryType"] = "raw" }, "a raw query needs a topic"},
		"view of another type": {func(d *Dashboard) { d.Panels[0].Targets[0]["view"] = "latest" }, `view latest is not one of [] for telemetry`},
		"unknown view": {func(d *Dashboard) {
			d.Panels[0].Targets[0]["queryType"] = "wheelSpin"
			d.Panels[0].Targets[0]["view"] = "distribution"
		}, `view distribution is not one of ["series" "events" "annotations"] for wheelSpin`},
		"bad column": {func(d *Dashboard) {
			d.Panels[0].Targets[0]["queryType"], d.Panels[0].Targets[0]["topic"] = "raw", "t"
			d.Panels[0].Targets[0]["columns"] = []any{"headers"}
		}, "column headers is not one of"},
		"negative threshold": {func(d *Dashboard) { d.Panels[0].Targets[0]["spinThresholdPct"] = float64(-8) }, "spinThresholdPct -8 is not a positive number"},
		"no queries":         {func(d *Dashboard) { d.Panels[0].Targets = nil }, "no queries"},
		"no maxDataPoints":   {func(d *Dashboard) { d.Panels[0].MaxDataPoints = 0 }, `panel 1 "Speed": no maxDataPoints`},
		"no pluginVersion":   {func(d *Dashboard) { d.Panels[0].PluginVersion = "" }, `panel 1 "Speed": no pluginVersion`},
		"bad variable kind":  {func(d *Dashboard) { d.Templating.List[0].Query = map[string]any{"kind": "cars"} }, `query kind "cars"`},
		"duplicate id": {func(d *Dashboard) {
			p := d.Panels[0]
			p.GridPos = GridPos{12, 0, 12, 8}
			d.Panels = append(d.Panels, p)
		}, "id 1 is also panel"},
		"overlap": {func(d *Dashboard) {
			p := d.Panels[0]
			p.ID, p.Title, p.GridPos = 2, "RPM", GridPos{6, 4, 12, 8}
			d.Panels = append(d.Panels, p)
		}, `panels "Speed" and "RPM" overlap`},
		"off the grid": {func(d *Dashboard) { d.Panels[0].GridPos = GridPos{20, 0, 8, 8} }, "off the 24-column grid"},
		"leaderboard without install hint": {func(d *Dashboard) {
			d.Panels[0].Type, d.Panels[0].Description = PanelType, "The race order, live."
		}, "the description must say to install pitwall-leaderboard-panel"},
		"leaderboard without links": {func(d *Dashboard) {
			d.Panels[0].Type = PanelType
			d.Panels[0].Description = "Needs pitwall-leaderboard-panel: install it."
		}, "no panel link to /plugins/pitwall-leaderboard-panel"},
		"share without source": {func(d *Dashboard) { sharePanel(d, map[string]any{"refId": "A", "datasource": dashDS()}) }, "names no source panel"},
		"share of a missing panel": {func(d *Dashboard) {
			sharePanel(d, map[string]any{"refId": "A", "datasource": dashDS(), "panelId": float64(7)})
		}, "source panel 7 does not exist"},
		"share of itself": {func(d *Dashboard) {
			sharePanel(d, map[string]any{"refId": "A", "datasource": dashDS(), "panelId": float64(2)})
		}, `source panel 2 "RPM" does not query the datasource itself`},
		"share without transformations": {func(d *Dashboard) {
			sharePanel(d, map[string]any{"refId": "A", "datasource": dashDS(), "panelId": float64(1)})
			d.Panels[1].Transformations = nil
		}, "no transformations: it draws everything panel 1 answers"},
		"share on another datasource": {func(d *Dashboard) {
			sharePanel(d, map[string]any{"refId": "A", "datasource": map[string]any{"uid": "pitwall"}, "panelId": float64(1)})
		}, "not the panel's -- Dashboard --"},
		"nested panel": {func(d *Dashboard) {
			row := Panel{ID: 9, Type: "row", Title: "Row", GridPos: GridPos{0, 8, 24, 1},
				Panels: []Panel{{ID: 10, Type: "piechart", Title: "Nested", GridPos: GridPos{0, 9, 6, 6},
					Datasource: d.Panels[0].Datasource,
					Targets:    []map[string]any{{"refId": "A", "queryType": "bogus", "datasource": map[string]any{"type": DatasourceType, "uid": DatasourceUID}}}}}}
			d.Panels = append(d.Panels, row)
		}, `panel 10 "Nested", query A: queryType "bogus"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			errs := CheckDashboard(dashboardWith(c.mutate))
			all := errors.Join(errs...)
			if all == nil || !strings.Contains(all.Error(), c.want) {
				t.Errorf("want a problem mentioning %q, got %v", c.want, all)
			}
		})
	}
}

func TestAnnotationProblemsAreFound(t *testing.T) {
	s, err := writeStack(t, "dashboards/f1-live.json", [2]string{`"queryType": "raceControl"`, `"queryType": "events"`})
	if err != nil {
		t.Fatal(err)
	}
	mustFind(t, s, `annotation "Race control": queryType "events" is not one of`)
}

func TestDashboardFilesAreChecked(t *testing.T) {
	s, err := writeStack(t, "dashboards/explore-raw.json", [2]string{`"uid": "pitwall-explore-raw"`, `"uid": "pitwall-f1-live"`})
	if err != nil {
		t.Fatal(err)
	}
	mustFind(t, s, "share the uid pitwall-f1-live")

	if _, err := ParseDashboard([]byte(`{"panels": []}`)); err == nil {
		t.Error("a dashboard without uid and title was accepted")
	}
	if _, err := ParseDashboard([]byte(`{"uid": "x", "title": "x", "panels": [`)); err == nil {
		t.Error("broken JSON was accepted")
	}
	if _, err := writeStack(t, "dashboards/f1-live.json", [2]string{`"uid": "pitwall-f1-live"`, `"uid": ""`}); err == nil {
		t.Error("a dashboard file without a uid loaded")
	}
}

func TestPluginIncludesAreChecked(t *testing.T) {
	s, err := writeStack(t, "plugin.json", [2]string{`"path": "dashboards/f1-live.json"`, `"path": "dashboards/f1.json"`})
	if err != nil {
		t.Fatal(err)
	}
	mustFind(t, s, "plugin.json includes dashboards/f1.json, which is not in dashboards/")
}

func TestEmptyStateProblemsAreFound(t *testing.T) {
	event := func(typ, qt, view string) func(*Dashboard) {
		return func(d *Dashboard) {
			p := &d.Panels[0]
			p.Type = typ
			p.Targets[0]["queryType"], p.Targets[0]["view"] = qt, view
			delete(p.Targets[0], "fields")
		}
	}
	with := func(mutates ...func(*Dashboard)) func(*Dashboard) {
		return func(d *Dashboard) {
			for _, m := range mutates {
				m(d)
			}
		}
	}
	noValue := func(s string) func(*Dashboard) {
		return func(d *Dashboard) { d.Panels[0].FieldConfig.Defaults.NoValue = s }
	}
	for name, m := range map[string]func(*Dashboard){
		"logs of alerts with a text":     with(event("logs", "alerts", "logs"), noValue("No alerts in this range")),
		"table of anomalies with a text": with(event("table", "gearAnomalies", "events"), noValue("No gear anomalies")),
		"gear distribution":              event("barchart", "gearAnomalies", "distribution"),
		"wheel spin series":              event("timeseries", "wheelSpin", "series"),
	} {
		if errs := CheckDashboard(dashboardWith(m)); len(errs) > 0 {
			t.Errorf("%s was refused: %v", name, errors.Join(errs...))
		}
	}
	rawAlerts := func(d *Dashboard) {
		d.Panels[0].Type = "table"
		d.Panels[0].Targets[0]["queryType"], d.Panels[0].Targets[0]["topic"] = "raw", "f1-alerts"
	}
	cases := map[string]struct {
		mutate func(*Dashboard)
		want   string
	}{
		"logs of alerts without a text":     {event("logs", "alerts", "logs"), "set fieldConfig.defaults.noValue"},
		"race control saying No data":       {with(event("logs", "raceControl", ""), noValue("no data")), "set fieldConfig.defaults.noValue"},
		"table of anomalies without a text": {event("table", "gearAnomalies", "events"), "set fieldConfig.defaults.noValue"},
		"raw alerts without a text":         {rawAlerts, "set fieldConfig.defaults.noValue"},
		"spin events without a text":        {event("table", "wheelSpin", "events"), "set fieldConfig.defaults.noValue"},
		"predictions without a text":        {event("timeseries", "predictions", "series"), "set fieldConfig.defaults.noValue"},
		"a text on telemetry":               {noValue("Nothing yet"), `noValue "Nothing yet" on a panel whose queries always have rows`},
		"a text on gear distribution":       {with(event("barchart", "gearAnomalies", "distribution"), noValue("No gears")), "noValue"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			all := errors.Join(CheckDashboard(dashboardWith(c.mutate))...)
			if all == nil || !strings.Contains(all.Error(), c.want) {
				t.Errorf("want a problem mentioning %q, got %v", c.want, all)
			}
		})
	}
}
