package stackcheck

import "fmt"

// A panel may draw another panel's answer instead of querying: Grafana's
// "-- Dashboard --" datasource hands it the source panel's frames (and
// their live updates), and the panel's transformations pick its part. The
// F1 dashboard's telemetry panels do so, so that one query reads the five
// telemetry fields once for five panels (issue 11: each query held one of
// the browser's six connections for as long as it read the range).
const (
	DashboardDatasourceUID  = "-- Dashboard --"
	DashboardDatasourceType = "datasource"
)

// SharesAPanel says whether p draws another panel's answer.
func SharesAPanel(p Panel) bool {
	return p.Datasource != nil && p.Datasource.UID == DashboardDatasourceUID
}

// sourcePanel is the id of the panel whose answer target t takes (0: none).
func sourcePanel(t map[string]any) int {
	id, _ := t["panelId"].(float64)
	return int(id)
}

// checkShare checks a panel that draws another's answer: one query, on
// the Dashboard datasource, naming a panel that queries the provisioned
// datasource itself (Grafana does not follow a chain of shares when the
// source is out of view), and transformations that pick its part.
func checkShare(p Panel, byID map[int]Panel) []error {
	var errs []error
	if p.Datasource.Type != DashboardDatasourceType {
		errs = append(errs, fmt.Errorf("the %s datasource has type %q, not %q", DashboardDatasourceUID, p.Datasource.Type, DashboardDatasourceType))
	}
	if len(p.Targets) != 1 {
		return append(errs, fmt.Errorf("a panel that shares another's answer has one query, not %d", len(p.Targets)))
	}
	t := p.Targets[0]
	ds, _ := t["datasource"].(map[string]any)
	if uid, _ := ds["uid"].(string); uid != DashboardDatasourceUID {
		errs = append(errs, fmt.Errorf("query %v: datasource %v, not the panel's %s", t["refId"], t["datasource"], DashboardDatasourceUID))
	}
	id := sourcePanel(t)
	src, ok := byID[id]
	switch {
	case id == 0:
		errs = append(errs, fmt.Errorf("query %v names no source panel (panelId)", t["refId"]))
	case !ok:
		errs = append(errs, fmt.Errorf("query %v: source panel %d does not exist", t["refId"], id))
	case id == p.ID || SharesAPanel(src):
		errs = append(errs, fmt.Errorf("query %v: source panel %d %q does not query the datasource itself", t["refId"], id, src.Title))
	case len(src.Targets) == 0:
		errs = append(errs, fmt.Errorf("query %v: source panel %d %q has no queries", t["refId"], id, src.Title))
	}
	if len(p.Transformations) == 0 {
		errs = append(errs, fmt.Errorf("no transformations: it draws everything panel %d answers", id))
	}
	return errs
}
