package realdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "shared", "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "repo", "pkg", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Find(deep)
	if err != nil || got != filepath.Join(root, "shared", "data") {
		t.Fatalf("Find = %q, %v", got, err)
	}
	if _, err := Find(t.TempDir()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find in an empty tree = %v", err)
	}
}

func TestReadCSV(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(p, []byte("x,y\n1,2\n3,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, rows, err := ReadCSV(p)
	if err != nil || idx["y"] != 1 || len(rows) != 2 || rows[1][0] != "3" {
		t.Fatalf("ReadCSV = %v %v %v", idx, rows, err)
	}
	if err := os.WriteFile(p, []byte("x,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCSV(p); err == nil {
		t.Fatal("a header-only file must be an error")
	}
}

func TestRealDataIsThere(t *testing.T) {
	d := Dir(t)
	if _, err := os.Stat(filepath.Join(d, "monza2024_race", "laps.csv")); err != nil {
		t.Fatalf("monza laps missing: %v", err)
	}
}
