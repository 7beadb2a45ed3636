package frametest

import (
	"fmt"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Values returns the values of a frame's field as strings: "null" for a
// null, a time as its Unix milliseconds. A missing field fails the test.
func Values(t testing.TB, f *data.Frame, name string) []string {
	t.Helper()
	fld, fi := f.FieldByName(name)
	if fi < 0 {
		t.Fatalf("frame %q has no field %q (has %v)", f.Name, name, FieldNames(f))
	}
	out := make([]string, fld.Len())
	for i := range out {
		v, ok := fld.ConcreteAt(i)
		if !ok {
			out[i] = "null"
			continue
		}
		if tm, isTime := v.(time.Time); isTime {
			out[i] = fmt.Sprint(tm.UnixMilli())
		} else {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// FieldNames lists a frame's field names in order.
func FieldNames(f *data.Frame) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}
