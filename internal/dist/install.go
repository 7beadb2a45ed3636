package dist

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PluginsDirEnv is Grafana's own variable for its plugins folder.
const PluginsDirEnv = "GF_PATHS_PLUGINS"

// PluginsDir picks the Grafana plugins folder: the argument if given,
// otherwise $GF_PATHS_PLUGINS; getenv is os.Getenv outside tests.
func PluginsDir(arg string, getenv func(string) string) (string, error) {
	if dir := strings.TrimSpace(arg); dir != "" {
		return dir, nil
	}
	if dir := strings.TrimSpace(getenv(PluginsDirEnv)); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("no Grafana plugins folder given: run `go tool mage installTo /path/to/grafana/plugins`, " +
		"or set " + PluginsDirEnv + " and run `go tool mage install` " +
		"(Grafana's default is /var/lib/grafana/plugins for packages, <grafana>/data/plugins for a tarball)")
}

// Install copies distDir, the built bundle b, to pluginsDir/<id>, replacing what an earlier
// install left there, and returns that folder. The plugins folder itself is
// created if its parent exists (a fresh Grafana tarball has no data/plugins
// until its first start); a missing parent is more likely a typo, so it is an
// error.
func Install(b Bundle, distDir, pluginsDir string) (string, error) {
	st, err := os.Stat(distDir)
	if err != nil {
		return "", fmt.Errorf("installing from %s: %w (build the plugin first)", distDir, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("installing from %s: not a folder", distDir)
	}
	if err := ensurePluginsDir(pluginsDir); err != nil {
		return "", err
	}
	dest := filepath.Join(pluginsDir, b.ID)
	if inside(dest, distDir) || inside(distDir, dest) {
		return "", fmt.Errorf("installing %s into %s: the two folders overlap", distDir, dest)
	}
	// Copy next to the destination first, then swap, so an interrupted copy
	// never leaves a half plugin where Grafana looks.
	tmp, err := os.MkdirTemp(pluginsDir, "."+b.ID+"-*")
	if err != nil {
		return "", fmt.Errorf("installing into %s: %w", pluginsDir, err)
	}
	if err := copyTree(distDir, tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("installing into %s: %w", pluginsDir, err)
	}
	if err := os.RemoveAll(dest); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("removing the earlier install %s: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("installing into %s: %w", dest, err)
	}
	return dest, nil
}

func ensurePluginsDir(dir string) error {
	st, err := os.Stat(dir)
	if err == nil {
		if !st.IsDir() {
			return fmt.Errorf("the Grafana plugins folder %s is not a folder", dir)
		}
		return nil
	}
	if !os.IsNotExist(err) {
		return fmt.Errorf("the Grafana plugins folder %s: %w", dir, err)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if pst, perr := os.Stat(parent); perr != nil || !pst.IsDir() {
		return fmt.Errorf("the Grafana plugins folder %s does not exist, nor does %s: check the path "+
			"(Grafana's default is /var/lib/grafana/plugins for packages, <grafana>/data/plugins for a tarball)", dir, parent)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("creating Grafana plugins folder %s: %w", dir, err)
	}
	return nil
}

// copyTree copies the folders and regular files under src into dst (which
// exists), keeping file modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return fmt.Errorf("reading %s: %w", p, walkErr)
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(target, info.Mode().Perm()|0o700); err != nil {
				return fmt.Errorf("creating %s: %w", target, err)
			}
			return nil
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm())
		default:
			return fmt.Errorf("installing %s: %s is not a regular file or folder", src, p)
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	// The umask may have cut bits off perm; executables must stay executable.
	if err := os.Chmod(dst, perm); err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return nil
}

// GrafanaIniHint is what to tell the user after installing into dests:
// how to let Grafana load the two unsigned plugins, and to restart it.
func GrafanaIniHint(dests ...string) string {
	var b strings.Builder
	for _, d := range dests {
		fmt.Fprintf(&b, "Installed %s\n", d)
	}
	b.WriteString("\nThese builds are unsigned. Allow both plugins in grafana.ini:\n\n")
	b.WriteString("  [plugins]\n")
	fmt.Fprintf(&b, "  allow_loading_unsigned_plugins = %s,%s\n\n", PluginID, PanelID)
	b.WriteString("or in Grafana's environment:\n\n")
	fmt.Fprintf(&b, "  GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=%s,%s\n\n", PluginID, PanelID)
	b.WriteString("(not needed for builds signed with go tool mage sign). Then restart Grafana, so that it loads the new backend.\n")
	return b.String()
}
