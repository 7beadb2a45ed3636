package realdata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// ErrNotFound says no shared/data directory sits above the working directory.
var ErrNotFound = errors.New("shared/data not found above the package directory: clone the shared data beside the repo (../shared/data)")

// Find walks up from dir until it finds shared/data.
func Find(dir string) (string, error) {
	for {
		p := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNotFound
		}
		dir = parent
	}
}

// Dir returns the shared/data directory above the test's package, or fails the test.
func Dir(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatalf("getwd: %v", err)
	}
	d, err := Find(wd)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// ReadCSV reads a CSV file into a header index (column name → position) and
// its data rows. A file with no data row is an error.
func ReadCSV(path string) (map[string]int, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(rows) < 2 {
		return nil, nil, fmt.Errorf("%s: no data rows", path)
	}
	idx := make(map[string]int, len(rows[0]))
	for i, h := range rows[0] {
		idx[h] = i
	}
	return idx, rows[1:], nil
}

// MustReadCSV is ReadCSV that fails the test on error.
func MustReadCSV(tb testing.TB, path string) (map[string]int, [][]string) {
	tb.Helper()
	idx, rows, err := ReadCSV(path)
	if err != nil {
		tb.Fatal(err)
	}
	return idx, rows
}
