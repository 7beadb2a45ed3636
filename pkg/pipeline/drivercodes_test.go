package pipeline

import (
	"fmt"
	"testing"
)

func TestDriverCodesUpperCaseEachSpellingOnce(t *testing.T) {
	var c driverCodes
	for _, tc := range []struct{ in, want string }{{"ver", "VER"}, {"VER", "VER"}, {"Ham", "HAM"}, {"", ""}, {"ver", "VER"}} {
		if got := c.code([]byte(tc.in)); got != tc.want {
			t.Errorf("code(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if len(c) != 4 {
		t.Errorf("remembered %d spellings, want 4 (ver, VER, Ham, empty)", len(c))
	}
	if n := testing.AllocsPerRun(100, func() { c.code([]byte("ver")) }); n != 0 {
		t.Errorf("a known spelling costs %v allocations, want 0", n)
	}
}

func TestDriverCodesRememberABoundedNumber(t *testing.T) {
	var c driverCodes
	for i := range 3 * maxDriverCodes {
		key := fmt.Sprintf("k%d", i)
		if got, want := c.code([]byte(key)), fmt.Sprintf("K%d", i); got != want {
			t.Fatalf("code(%q) = %q, want %q", key, got, want)
		}
	}
	if len(c) != maxDriverCodes {
		t.Errorf("remembered %d spellings of %d hostile keys, want the cap %d", len(c), 3*maxDriverCodes, maxDriverCodes)
	}
}
