package gotests

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

func TestWalkVisitsTestFilesOnlyAndSkipsVendoredAndHiddenDirs(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"a_test.go":                "package a",
		"a.go":                     "package a",
		"pkg/b/b_test.go":          "package b",
		"pkg/b/testdata/x_test.go": "skip",
		"node_modules/m/m_test.go": "skip",
		"dist/d_test.go":           "skip",
		".hidden/h_test.go":        "skip",
		"pkg/c/c_test.go.orig":     "skip",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := Walk(root, func(dir string, src []byte) error {
		got = append(got, dir+":"+string(src))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{".:package a", "pkg/b:package b"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("visited %v, want %v", got, want)
	}
}
