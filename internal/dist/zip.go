package dist

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"
)

// ZipName is the file name of a packaged plugin version.
func ZipName(id, version string) string {
	return fmt.Sprintf("%s-%s.zip", id, version)
}

// Zip writes distDir, the built bundle b, into outDir/<id>-<version>.zip
// with every entry under one top folder named for the plugin id, the layout
// that the catalog expects and `grafana cli --pluginUrl <zip> plugins
// install <id>` unpacks into the plugins folder. File modes are kept, so
// backend binaries stay executable. It returns the zip's path and its SHA-256.
func Zip(b Bundle, distDir, outDir, version string) (zipPath, sum string, err error) {
	st, err := os.Stat(distDir)
	if err != nil {
		return "", "", fmt.Errorf("packaging %s: %w", distDir, err)
	}
	if !st.IsDir() {
		return "", "", fmt.Errorf("packaging %s: not a folder", distDir)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", "", fmt.Errorf("creating %s: %w", outDir, err)
	}
	zipPath = filepath.Join(outDir, ZipName(b.ID, version))
	if inside(zipPath, distDir) {
		return "", "", fmt.Errorf("packaging %s: the zip %s would be inside the folder it packs", distDir, zipPath)
	}
	tmp, err := os.CreateTemp(outDir, ".pitwall-zip-*")
	if err != nil {
		return "", "", fmt.Errorf("creating a zip in %s: %w", outDir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	zw := zip.NewWriter(io.MultiWriter(tmp, h))
	if err = addTree(zw, distDir, b.ID); err != nil {
		return "", "", err
	}
	if err = zw.Close(); err != nil {
		return "", "", fmt.Errorf("finishing %s: %w", zipPath, err)
	}
	if err = tmp.Close(); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", zipPath, err)
	}
	// CreateTemp makes the file private; a release file is for others to read.
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", zipPath, err)
	}
	if err = os.Rename(tmp.Name(), zipPath); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", zipPath, err)
	}
	return zipPath, hex.EncodeToString(h.Sum(nil)), nil
}

// addTree adds every folder and regular file under root to zw, named
// top/<relative path> with forward slashes, in lexical order.
func addTree(zw *zip.Writer, root, top string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return fmt.Errorf("reading %s: %w", p, walkErr)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return fmt.Errorf("naming %s in the zip: %w", p, err)
		}
		name := path.Join(top, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		switch {
		case d.IsDir():
			hdr, err := zip.FileInfoHeader(info)
			if err != nil {
				return fmt.Errorf("adding %s: %w", p, err)
			}
			hdr.Name = name + "/"
			hdr.Modified = info.ModTime().UTC().Truncate(time.Second)
			_, err = zw.CreateHeader(hdr)
			if err != nil {
				return fmt.Errorf("adding %s: %w", p, err)
			}
			return nil
		case info.Mode().IsRegular():
			return addFile(zw, p, name, info)
		default:
			// Symlinks, sockets and the like have no place in a plugin zip.
			return fmt.Errorf("packaging %s: %s is not a regular file or folder", root, p)
		}
	})
}

func addFile(zw *zip.Writer, src, name string, info fs.FileInfo) error {
	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		return fmt.Errorf("adding %s: %w", src, err)
	}
	hdr.Name = name
	hdr.Method = zip.Deflate
	hdr.Modified = info.ModTime().UTC().Truncate(time.Second)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("adding %s: %w", src, err)
	}
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("adding %s: %w", src, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("adding %s: %w", src, err)
	}
	return nil
}

// inside reports whether p is dir or below it.
func inside(p, dir string) bool {
	ap, err1 := filepath.Abs(p)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !startsWithDotDot(rel)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}
