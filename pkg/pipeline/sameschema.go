package pipeline

import (
	"maps"
	"reflect"
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// sameSchema reports whether b's schema is a's (a true answer means their
// schema JSON is the same; false may be wrong, and is checked on the JSON).
//
// Meta and field configs are compared as reflect.DeepEqual compares them,
// field by field without reflection for what the pipelines set (strings,
// numbers, notices, maps of strings), and with DeepEqual only for what
// they never set (stats, links, mappings, thresholds, type configs). The
// answer is DeepEqual's for every input (sameschema_test.go holds the
// DeepEqual version and compares both, and fails when the SDK changes
// FrameMeta, FieldConfig or Notice): nil and empty slices and maps differ,
// a NaN differs from itself except behind one shared pointer, slice or map.
func sameSchema(a, b *data.Frame) bool {
	if a.Name != b.Name || a.RefID != b.RefID || len(a.Fields) != len(b.Fields) || !sameMeta(a.Meta, b.Meta) {
		return false
	}
	for i, x := range a.Fields {
		y := b.Fields[i]
		if x.Name != y.Name || x.Type() != y.Type() || !maps.Equal(x.Labels, y.Labels) || !sameConfig(x.Config, y.Config) {
			return false
		}
	}
	return true
}

// sameMeta is reflect.DeepEqual(*a, *b) for non-nil a and b, and a == b
// otherwise.
func sameMeta(a, b *data.FrameMeta) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	return a.Type == b.Type && a.TypeVersion == b.TypeVersion && a.Path == b.Path && a.PathSeparator == b.PathSeparator &&
		a.Channel == b.Channel && a.PreferredVisualization == b.PreferredVisualization &&
		a.PreferredVisualizationPluginID == b.PreferredVisualizationPluginID && a.ExecutedQueryString == b.ExecutedQueryString &&
		a.DataTopic == b.DataTopic && sameComparables(a.Notices, b.Notices) && sameComparables(a.UniqueRowIDFields, b.UniqueRowIDFields) &&
		sameSlice(a.Stats, b.Stats) && sameAny(a.Custom, b.Custom)
}

// sameConfig is reflect.DeepEqual(*a, *b) for non-nil a and b, and a == b
// otherwise.
func sameConfig(a, b *data.FieldConfig) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	return a.Interval == b.Interval && a.Unit == b.Unit && a.DisplayName == b.DisplayName && a.DisplayNameFromDS == b.DisplayNameFromDS &&
		a.Path == b.Path && a.Description == b.Description && a.NoValue == b.NoValue &&
		samePointee(a.Filterable, b.Filterable) && samePointee(a.Writeable, b.Writeable) && samePointee(a.Decimals, b.Decimals) &&
		samePointee(a.Min, b.Min) && samePointee(a.Max, b.Max) &&
		sameSlice(a.Mappings, b.Mappings) && sameSlice(a.Links, b.Links) && samePointer(a.Thresholds, b.Thresholds) &&
		samePointer(a.TypeConfig, b.TypeConfig) && sameAnyMap(a.Color, b.Color) && sameAnyMap(a.Custom, b.Custom)
}

// samePointee is DeepEqual for a pointer to a bool or a number: one
// pointer, or both set to the same value (a NaN differs from a NaN).
func samePointee[T comparable](a, b *T) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// samePointer is DeepEqual for pointers, without it when one is nil or both
// are the same.
func samePointer[T any](a, b *T) bool {
	if a == b || a == nil || b == nil {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// sameComparables is DeepEqual for slices of a type whose == is
// DeepEqual's (no pointers, maps, slices or interfaces in it).
func sameComparables[S ~[]E, E comparable](a, b S) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || slices.Equal(a, b)
}

// sameSlice is DeepEqual for slices, without it when one is nil.
func sameSlice[S ~[]E, E any](a, b S) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.DeepEqual(a, b)
}

// sameAny is DeepEqual for interface values, without it for nil and for
// maps of strings (meta.custom).
func sameAny(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		return sameAnyMap(am, bm)
	}
	return reflect.DeepEqual(a, b)
}

// sameAnyMap is DeepEqual for map[string]any, without it for string
// values.
func sameAnyMap(a, b map[string]any) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	if len(a) == 0 || reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() {
		return true
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			return false
		}
		if xs, isString := x.(string); isString {
			if ys, ok := y.(string); !ok || xs != ys {
				return false
			}
		} else if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
