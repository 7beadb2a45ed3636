package main

import (
	"bytes"
	"strings"
	"testing"
)

// With -capacity-baseline, the flushMs-100 rows get keys and labels of
// their own and do not replace the default's pipeline_<format>_rps_per_core.
func TestCapacityBaselineHasItsOwnKeysAndRows(t *testing.T) {
	r := &Results{Capacity: []CapacityResult{
		{Format: "json", Kind: "telemetry", RPSPerCore: 300000, Runs: 2},
		{Format: "json", Kind: "telemetry", Fixed100: true, RPSPerCore: 290000, Runs: 2},
	}}
	s := r.Summary()
	for key, want := range map[string]any{
		"pipeline_json_telemetry_rps_per_core":          300000.0,
		"pipeline_json_telemetry_fixed100_rps_per_core": 290000.0,
		"pipeline_json_rps_per_core":                    300000.0,
	} {
		if got := s[key]; got != want {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}
	var out bytes.Buffer
	if err := r.Print(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "telemetry fixed100") {
		t.Errorf("the report has no 'telemetry fixed100' row:\n%s", out.String())
	}
}
