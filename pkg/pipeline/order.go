package pipeline

import (
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// A time-range query reads the partitions of a topic one fetch at a time, so
// records of different drivers reach the Builder in an order that changes
// from run to run (each driver's own records stay in time order). Analysis
// per driver does not care, but tables of events do: they list events as
// they were detected. orderByTime puts the rows of such a frame in time
// order, then by driver, so one range always gives the same frame.

// orderByTime sorts the rows of an event-like frame (first field a time
// named time or timestamp, not a series) by time, then driver. Other frames
// are left alone.
func orderByTime(f *data.Frame) {
	if len(f.Fields) == 0 || f.Rows() < 2 {
		return
	}
	if f.Meta != nil && (f.Meta.Type == data.FrameTypeTimeSeriesMulti || f.Meta.Type == data.FrameTypeTimeSeriesWide) {
		return
	}
	tf := f.Fields[0]
	if (tf.Name != "time" && tf.Name != "timestamp") || (tf.Type() != data.FieldTypeTime && tf.Type() != data.FieldTypeNullableTime) {
		return
	}
	df, _ := f.FieldByName("driver")
	if df != nil && df.Type() != data.FieldTypeString {
		df = nil
	}
	n := f.Rows()
	ts := make([]int64, n)
	drv := make([]string, n)
	for i := 0; i < n; i++ {
		if v, ok := tf.ConcreteAt(i); ok {
			ts[i] = v.(time.Time).UnixNano()
		}
		if df != nil {
			drv[i] = df.At(i).(string)
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	less := func(a, b int) bool {
		if ts[a] != ts[b] {
			return ts[a] < ts[b]
		}
		return drv[a] < drv[b]
	}
	if sort.SliceIsSorted(idx, func(i, j int) bool { return less(idx[i], idx[j]) }) {
		return
	}
	sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	for k, fld := range f.Fields {
		nf := data.NewFieldFromFieldType(fld.Type(), n)
		nf.Name, nf.Labels, nf.Config = fld.Name, fld.Labels, fld.Config
		for i, j := range idx {
			nf.Set(i, fld.At(j))
		}
		f.Fields[k] = nf
	}
}
