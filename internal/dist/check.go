package dist

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Check reports everything missing or wrong in dir for the bundle b that
// Grafana and its catalog would refuse: plugin.json (id, type, version,
// logos, screenshots, included files, links), module.js with its source
// map, README.md, LICENSE, no plugin nested inside (only app plugins may
// nest), and for the datasource its dependency on the panel plus, per
// platform, an executable backend and the Go build manifest. With no
// platforms it checks the frontend build alone (no backend, no manifest).
// The error lists every problem, not just the first.
func Check(b Bundle, dir string, platforms []Platform) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	p, err := readPluginJSON(filepath.Join(dir, "plugin.json"))
	if err != nil {
		add("%v (run npm run build)", err)
	} else {
		if _, err := Version(dir); err != nil {
			add("%v", err)
		}
		checkMetadata(b, dir, p, add)
		if b.Type == "datasource" {
			checkBackend(dir, p, platforms, add)
			checkDependsOnPanel(p, add)
		} else if p.Backend || p.Executable != "" {
			add("plugin.json: a %s has no backend; backend and executable must be unset", b.Type)
		}
	}
	for _, f := range []string{"module.js", "module.js.map", "README.md", "LICENSE"} {
		if !isFile(filepath.Join(dir, f)) {
			add("%s is missing from %s (run npm run build)", f, dir)
		}
	}
	for _, nested := range nestedPlugins(dir) {
		add("%s holds another plugin (%s): only app plugins may nest plugins; %s ships as its own zip", dir, nested, PanelID)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s is not a complete %s plugin:\n  - %s", dir, b.ID, strings.Join(problems, "\n  - "))
	}
	return nil
}

func checkMetadata(b Bundle, dir string, p pluginJSON, add func(string, ...any)) {
	if p.ID != b.ID {
		add("plugin.json: id is %q, want %q", p.ID, b.ID)
	}
	if p.Type != b.Type {
		add("plugin.json: type is %q, want %q", p.Type, b.Type)
	}
	if p.Dependencies.GrafanaDependency == "" {
		add("plugin.json: dependencies.grafanaDependency is empty")
	}
	if len(p.Info.Keywords) == 0 {
		add("plugin.json: info.keywords is empty; the catalog's search uses them")
	}
	links := map[string]bool{}
	for _, l := range p.Info.Links {
		if !strings.HasPrefix(l.URL, "https://") {
			add("plugin.json: link %q is %q, not an https:// URL", l.Name, l.URL)
		}
		links[strings.ToLower(l.Name)] = true
	}
	for _, want := range []string{"Source", "Issues"} {
		if !links[strings.ToLower(want)] {
			add("plugin.json: info.links has no %q link", want)
		}
	}
	refs := []struct{ kind, rel string }{{"small logo", p.Info.Logos.Small}, {"large logo", p.Info.Logos.Large}}
	for _, s := range p.Info.Screenshots {
		refs = append(refs, struct{ kind, rel string }{"screenshot " + s.Name, s.Path})
	}
	for _, inc := range p.Includes {
		if inc.Path != "" {
			refs = append(refs, struct{ kind, rel string }{"included " + inc.Type, inc.Path})
		}
	}
	for _, r := range refs {
		switch {
		case r.rel == "":
			add("plugin.json: the %s has no path", r.kind)
		case strings.HasPrefix(r.rel, ".") || strings.HasPrefix(r.rel, "/") || strings.Contains(r.rel, "://"):
			add("plugin.json: the %s path %q must be relative to plugin.json, with no leading . or /", r.kind, r.rel)
		case !isFile(filepath.Join(dir, filepath.FromSlash(r.rel))):
			add("plugin.json: the %s %q is not in %s", r.kind, r.rel, dir)
		}
	}
}

func checkBackend(dir string, p pluginJSON, platforms []Platform, add func(string, ...any)) {
	if !p.Backend || p.Executable == "" {
		add("plugin.json: backend must be true with an executable (DESIGN.md: gpx_pitwall)")
		return
	}
	if len(platforms) == 0 {
		return
	}
	for _, pl := range platforms {
		bin := filepath.Join(dir, BinaryName(p.Executable, pl))
		st, err := os.Stat(bin)
		switch {
		case err != nil:
			add("no backend for %s: %s is missing (go tool mage backend builds this machine's; go tool mage package builds them all)", pl, bin)
		case pl.OS != "windows" && st.Mode().Perm()&0o111 == 0:
			add("%s is not executable", bin)
		}
	}
	if _, err := ReadManifest(filepath.Join(dir, ManifestFile)); err != nil {
		add("%v (the SDK's build targets write it: go tool mage backend, go tool mage package)", err)
	}
}

func checkDependsOnPanel(p pluginJSON, add func(string, ...any)) {
	for _, d := range p.Dependencies.Plugins {
		if d.ID == PanelID {
			if d.Type != "panel" || d.Name == "" {
				add("plugin.json: dependencies.plugins names %s with type %q and name %q; want type panel and a name", PanelID, d.Type, d.Name)
			}
			return
		}
	}
	add("plugin.json: dependencies.plugins does not name %s, so Grafana does not offer the panel the dashboards use", PanelID)
}

// nestedPlugins lists the plugin.json files below dir's top level.
func nestedPlugins(dir string) []string {
	var found []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if !d.IsDir() && d.Name() == "plugin.json" && rel != "plugin.json" {
			found = append(found, path.Clean(filepath.ToSlash(rel)))
		}
		return nil
	})
	return found
}

// mdLink matches a Markdown link or image and captures its target, as the
// catalog's validator reads README links.
var mdLink = regexp.MustCompile(`\[.+?\]\((.+?)\)`)
