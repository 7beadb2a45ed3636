package dist

import (
	"fmt"
	"net/url"
	"strings"
)

// Signing with @grafana/sign-plugin, which writes a signed MANIFEST.txt into
// each built folder. The token is a Grafana Cloud access policy token with
// the plugins:write scope, of the account whose slug starts the plugin ids.
const (
	SignTokenEnv    = "GRAFANA_ACCESS_POLICY_TOKEN"
	SignRootURLsEnv = "PITWALL_SIGN_ROOT_URLS"
	// SignPlugin is the pinned @grafana/sign-plugin that npx runs.
	SignPlugin = "@grafana/sign-plugin@3.3.3"
)

// SignCommands returns the commands that sign both built bundles: a public
// (community or commercial) signature, or a private one for the Grafana
// root URLs in PITWALL_SIGN_ROOT_URLS (comma-separated). getenv is os.Getenv
// outside tests. Without a token it returns an error that says what to set,
// and what to do instead.
func SignCommands(getenv func(string) string) ([][]string, error) {
	if strings.TrimSpace(getenv(SignTokenEnv)) == "" {
		return nil, fmt.Errorf("signing needs %s: a Grafana Cloud access policy token with the plugins:write scope, "+
			"created by the grafana.com account whose slug starts the plugin ids (%s, %s). "+
			"Set %s too (e.g. https://grafana.example.com/) for a private signature, valid only on those Grafana root URLs. "+
			"Without a signature, build with go tool mage package and allow the unsigned plugins in Grafana: "+
			"[plugins] allow_loading_unsigned_plugins = %s,%s",
			SignTokenEnv, PluginID, PanelID, SignRootURLsEnv, PluginID, PanelID)
	}
	roots, err := rootURLs(getenv(SignRootURLsEnv))
	if err != nil {
		return nil, err
	}
	var cmds [][]string
	for _, b := range Bundles {
		cmd := []string{"npx", "--yes", SignPlugin, "--distDir", b.Dist}
		if roots != "" {
			cmd = append(cmd, "--rootUrls", roots)
		}
		cmds = append(cmds, cmd)
	}
	return cmds, nil
}

// rootURLs checks a comma-separated list of Grafana root URLs and returns it
// normalised ("" for none).
func rootURLs(list string) (string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("%s: %q is not a Grafana root URL like https://grafana.example.com/ "+
				"(http or https, a host, no query)", SignRootURLsEnv, s)
		}
		out = append(out, s)
	}
	return strings.Join(out, ","), nil
}
