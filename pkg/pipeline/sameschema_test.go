package pipeline

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// sameSchemaDeepEqual is sameSchema as it was, with reflect.DeepEqual on
// meta and field configs: the reference the new one must answer like, for
// every input.
func sameSchemaDeepEqual(a, b *data.Frame) bool {
	if a.Name != b.Name || a.RefID != b.RefID || len(a.Fields) != len(b.Fields) || !sameValueDeepEqual(a.Meta, b.Meta) {
		return false
	}
	for i, x := range a.Fields {
		y := b.Fields[i]
		if x.Name != y.Name || x.Type() != y.Type() || !maps.Equal(x.Labels, y.Labels) || !sameValueDeepEqual(x.Config, y.Config) {
			return false
		}
	}
	return true
}

func sameValueDeepEqual[T any](a, b *T) bool {
	return a == b || (a != nil && b != nil && reflect.DeepEqual(*a, *b))
}

// sameMeta and sameConfig compare FrameMeta, FieldConfig and Notice (by
// ==) field by field: a field the SDK adds or retypes must be added to
// them (and to the generators below) before this passes again.
func TestSameSchemaKnowsEveryFieldOfMetaAndConfig(t *testing.T) {
	shape := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name+" "+rt.Field(i).Type.String())
		}
		return out
	}
	for _, c := range []struct {
		v    any
		want []string
	}{
		{data.FrameMeta{}, []string{"Type data.FrameType", "TypeVersion data.FrameTypeVersion", "Path string", "PathSeparator string",
			"Custom interface {}", "Stats []data.QueryStat", "Notices []data.Notice", "Channel string", "PreferredVisualization data.VisType",
			"PreferredVisualizationPluginID string", "ExecutedQueryString string", "DataTopic data.DataTopic", "UniqueRowIDFields []int"}},
		{data.FieldConfig{}, []string{"DisplayName string", "DisplayNameFromDS string", "Path string", "Description string",
			"Filterable *bool", "Writeable *bool", "Unit string", "Decimals *uint16", "Min *data.ConfFloat64", "Max *data.ConfFloat64",
			"Interval float64", "Mappings data.ValueMappings", "Thresholds *data.ThresholdsConfig", "Color map[string]interface {}",
			"Links []data.DataLink", "NoValue string", "TypeConfig *data.FieldTypeConfig", "Custom map[string]interface {}"}},
		{data.Notice{}, []string{"Severity data.NoticeSeverity", "Text string", "Link string", "Inspect data.InspectType"}},
	} {
		if got := shape(c.v); !slices.Equal(got, c.want) {
			t.Errorf("%T's fields changed (update sameMeta/sameConfig and this test):\n got %q\nwant %q", c.v, got, c.want)
		}
	}
}

func TestSameSchemaAnswersAsDeepEqual(t *testing.T) {
	nan := math.NaN()
	nanMin := data.ConfFloat64(nan)
	yes, no := true, false
	sharedNotices := []data.Notice{{Severity: data.NoticeSeverityWarning, Text: "bad record"}}
	sharedNaNMap := map[string]any{"n": nan}
	sharedNaNSlice := []data.QueryStat{{Value: nan}}
	telemetry := func(interval float64, labels string, meta *data.FrameMeta) *data.Frame {
		f := data.NewFrame("telemetry",
			data.NewField("labels", nil, []string{labels}),
			data.NewField("time", nil, []int64{1}).SetConfig(&data.FieldConfig{Interval: interval}),
			data.NewField("speed_kph", data.Labels{"driver": "VER"}, []float64{300}))
		f.Meta = meta
		return f
	}
	withMeta := func(m *data.FrameMeta) *data.Frame { return telemetry(10000, "driver=VER", m) }
	withConfig := func(c *data.FieldConfig) *data.Frame {
		f := telemetry(10000, "driver=VER", nil)
		f.Fields[2].Config = c
		return f
	}
	notices := func(ns ...data.Notice) *data.FrameMeta { return &data.FrameMeta{Notices: ns} }
	custom := func(v any) *data.FrameMeta { return &data.FrameMeta{Custom: v} }
	shared := &data.FrameMeta{Notices: sharedNotices}
	cases := []struct {
		name string
		a, b *data.Frame
		want bool
	}{
		{"same telemetry, new objects", telemetry(10000, "driver=VER", nil), telemetry(10000, "driver=VER", nil), true},
		{"another config.interval", telemetry(10000, "driver=VER", nil), telemetry(12000, "driver=VER", nil), false},
		{"NaN config.interval", telemetry(nan, "driver=VER", nil), telemetry(nan, "driver=VER", nil), false},
		{"labels column values are data", telemetry(10000, "driver=VER", nil), telemetry(10000, "driver=HAM", nil), true},
		{"field labels differ", withConfig(nil), func() *data.Frame {
			f := withConfig(nil)
			f.Fields[2].Labels = data.Labels{"driver": "HAM"}
			return f
		}(), false},
		{"nil vs empty meta", withMeta(nil), withMeta(&data.FrameMeta{}), false},
		{"empty metas", withMeta(&data.FrameMeta{}), withMeta(&data.FrameMeta{}), true},
		{"one meta object", withMeta(shared), withMeta(shared), true},
		{"same notices", withMeta(notices(data.Notice{Text: "a"})), withMeta(notices(data.Notice{Text: "a"})), true},
		{"different notice text", withMeta(notices(data.Notice{Text: "a"})), withMeta(notices(data.Notice{Text: "b"})), false},
		{"different notice severity", withMeta(notices(data.Notice{Text: "a"})), withMeta(notices(data.Notice{Text: "a", Severity: data.NoticeSeverityError})), false},
		{"notice added", withMeta(notices(data.Notice{Text: "a"})), withMeta(notices(data.Notice{Text: "a"}, data.Notice{Text: "b"})), false},
		{"nil vs empty notices", withMeta(&data.FrameMeta{}), withMeta(&data.FrameMeta{Notices: []data.Notice{}}), false},
		{"shared notices slice", withMeta(&data.FrameMeta{Notices: sharedNotices}), withMeta(&data.FrameMeta{Notices: sharedNotices}), true},
		{"notices of one array, other length", withMeta(&data.FrameMeta{Notices: sharedNotices}), withMeta(&data.FrameMeta{Notices: sharedNotices[:0]}), false},
		{"same custom", withMeta(custom(map[string]any{"timeSource": "ts"})), withMeta(custom(map[string]any{"timeSource": "ts"})), true},
		{"other custom string", withMeta(custom(map[string]any{"timeSource": "ts"})), withMeta(custom(map[string]any{"timeSource": "kafka"})), false},
		{"custom string vs number", withMeta(custom(map[string]any{"timeSource": "1"})), withMeta(custom(map[string]any{"timeSource": 1})), false},
		{"custom other key", withMeta(custom(map[string]any{"a": "x"})), withMeta(custom(map[string]any{"b": "x"})), false},
		{"custom nil value vs missing", withMeta(custom(map[string]any{"a": nil})), withMeta(custom(map[string]any{"b": nil})), false},
		{"custom nil values", withMeta(custom(map[string]any{"a": nil})), withMeta(custom(map[string]any{"a": nil})), true},
		{"custom nested", withMeta(custom(map[string]any{"a": []any{1.0, "x"}})), withMeta(custom(map[string]any{"a": []any{1.0, "x"}})), true},
		{"custom nil vs empty map", withMeta(custom(map[string]any(nil))), withMeta(custom(map[string]any{})), false},
		{"custom nil map vs nil", withMeta(custom(map[string]any(nil))), withMeta(custom(nil)), false},
		{"custom NaN", withMeta(custom(map[string]any{"n": nan})), withMeta(custom(map[string]any{"n": nan})), false},
		{"custom shared NaN map", withMeta(custom(sharedNaNMap)), withMeta(custom(sharedNaNMap)), true},
		{"custom bare NaN", withMeta(custom(nan)), withMeta(custom(nan)), false},
		{"custom other map type", withMeta(custom(map[string]string{"a": "x"})), withMeta(custom(map[string]any{"a": "x"})), false},
		{"custom struct", withMeta(custom(struct{ A string }{"x"})), withMeta(custom(struct{ A string }{"x"})), true},
		{"stats", withMeta(&data.FrameMeta{Stats: []data.QueryStat{{Value: 1}}}), withMeta(&data.FrameMeta{Stats: []data.QueryStat{{Value: 1}}}), true},
		{"stats NaN", withMeta(&data.FrameMeta{Stats: []data.QueryStat{{Value: nan}}}), withMeta(&data.FrameMeta{Stats: []data.QueryStat{{Value: nan}}}), false},
		{"stats shared NaN", withMeta(&data.FrameMeta{Stats: sharedNaNSlice}), withMeta(&data.FrameMeta{Stats: sharedNaNSlice}), true},
		{"type version", withMeta(&data.FrameMeta{TypeVersion: data.FrameTypeVersion{0, 1}}), withMeta(&data.FrameMeta{TypeVersion: data.FrameTypeVersion{0, 2}}), false},
		{"unique row ids nil vs empty", withMeta(&data.FrameMeta{}), withMeta(&data.FrameMeta{UniqueRowIDFields: []int{}}), false},
		{"nil vs empty config", withConfig(nil), withConfig(&data.FieldConfig{}), false},
		{"same unit", withConfig(&data.FieldConfig{Unit: "kph"}), withConfig(&data.FieldConfig{Unit: "kph"}), true},
		{"other unit", withConfig(&data.FieldConfig{Unit: "kph"}), withConfig(&data.FieldConfig{Unit: "mph"}), false},
		{"filterable", withConfig(&data.FieldConfig{Filterable: &yes}), withConfig(&data.FieldConfig{Filterable: new(bool)}), false},
		{"filterable unset", withConfig(&data.FieldConfig{Filterable: &no}), withConfig(&data.FieldConfig{}), false},
		{"min NaN", withConfig(&data.FieldConfig{Min: new(data.ConfFloat64(nan))}), withConfig(&data.FieldConfig{Min: new(data.ConfFloat64(nan))}), false},
		{"min shared NaN", withConfig(&data.FieldConfig{Min: &nanMin}), withConfig(&data.FieldConfig{Min: &nanMin}), true},
		{"thresholds", withConfig(&data.FieldConfig{Thresholds: &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute, Steps: []data.Threshold{{Value: 1}}}}),
			withConfig(&data.FieldConfig{Thresholds: &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute, Steps: []data.Threshold{{Value: 1}}}}), true},
		{"thresholds step", withConfig(&data.FieldConfig{Thresholds: &data.ThresholdsConfig{Steps: []data.Threshold{{Value: 1}}}}),
			withConfig(&data.FieldConfig{Thresholds: &data.ThresholdsConfig{Steps: []data.Threshold{{Value: 2}}}}), false},
		{"color nil vs empty", withConfig(&data.FieldConfig{Color: map[string]any{}}), withConfig(&data.FieldConfig{}), false},
		{"mappings", withConfig(&data.FieldConfig{Mappings: data.ValueMappings{data.ValueMapper{"1": {Text: "on"}}}}),
			withConfig(&data.FieldConfig{Mappings: data.ValueMappings{data.ValueMapper{"1": {Text: "off"}}}}), false},
		{"field custom", withConfig(&data.FieldConfig{Custom: map[string]any{"drawStyle": "line"}}), withConfig(&data.FieldConfig{Custom: map[string]any{"drawStyle": "line"}}), true},
	}
	for _, c := range cases {
		ref, got := sameSchemaDeepEqual(c.a, c.b), sameSchema(c.a, c.b)
		if ref != c.want {
			t.Errorf("%s: the DeepEqual reference says %v, the case expects %v", c.name, ref, c.want)
		}
		if got != ref {
			t.Errorf("%s: sameSchema %v, DeepEqual %v", c.name, got, ref)
		}
		if back := sameSchema(c.b, c.a); back != got {
			t.Errorf("%s: sameSchema(b, a) %v, sameSchema(a, b) %v", c.name, back, got)
		}
	}
	for name, p := range liveFramePairs(t) {
		if !sameSchema(p[0], p[1]) || !sameSchemaDeepEqual(p[0], p[1]) {
			t.Errorf("%s: two pushes of one stream differ: %v, DeepEqual %v", name, sameSchema(p[0], p[1]), sameSchemaDeepEqual(p[0], p[1]))
		}
	}
}

// fieldOptions are, per field of FrameMeta and FieldConfig, constructors
// of values (each call a new object) among which the random frames pick:
// nil and empty, equal and unequal, NaNs (last, picked less often), other
// dynamic types.
var fieldOptions = map[string][]func() any{
	"Type":                           {func() any { return data.FrameType("") }, func() any { return data.FrameTypeTimeSeriesMulti }},
	"TypeVersion":                    {func() any { return data.FrameTypeVersion{} }, func() any { return data.FrameTypeVersion{0, 1} }},
	"PathSeparator":                  stringOptions("", "/"),
	"Channel":                        stringOptions("", "ds/x/y"),
	"PreferredVisualization":         {func() any { return data.VisType("") }, func() any { return data.VisTypeGraph }},
	"PreferredVisualizationPluginID": stringOptions("", "leaderboard"),
	"ExecutedQueryString":            stringOptions("", "q"),
	"DataTopic":                      {func() any { return data.DataTopic("") }, func() any { return data.DataTopicAnnotations }},
	"UniqueRowIDFields":              {func() any { return []int(nil) }, func() any { return []int{} }, func() any { return []int{0} }, func() any { return []int{1} }},
	"Stats": {func() any { return []data.QueryStat(nil) }, func() any { return []data.QueryStat{} },
		func() any { return []data.QueryStat{{Value: 1}} }, func() any { return []data.QueryStat{{Value: math.NaN()}} }},
	"Notices": {func() any { return []data.Notice(nil) }, func() any { return []data.Notice{} },
		func() any { return []data.Notice{{Text: "a"}} }, func() any { return []data.Notice{{Text: "b"}} },
		func() any { return []data.Notice{{Text: "a", Severity: data.NoticeSeverityWarning}} },
		func() any { return []data.Notice{{Text: "a"}, {Text: "b", Link: "/x"}} }},
	"Meta.Custom": {func() any { return nil }, func() any { return map[string]any(nil) }, func() any { return map[string]any{} },
		func() any { return map[string]any{"timeSource": "kafka"} }, func() any { return map[string]any{"timeSource": "ts"} },
		func() any { return map[string]any{"timeSource": 1.0} }, func() any { return map[string]any{"a": "x", "b": []any{1.0}} },
		func() any { return map[string]any{"a": nil} }, func() any { return map[string]string{"timeSource": "kafka"} },
		func() any { return "kafka" }, func() any { return math.NaN() }, func() any { return map[string]any{"n": math.NaN()} }},
	"DisplayName":       stringOptions("", "Speed"),
	"DisplayNameFromDS": stringOptions("", "Speed"),
	"Path":              stringOptions("", "p"),
	"Description":       stringOptions("", "d"),
	"Unit":              stringOptions("", "kph", "rpm"),
	"NoValue":           stringOptions("", "-"),
	"Interval":          {func() any { return 0.0 }, func() any { return 10000.0 }, func() any { return 12000.0 }, func() any { return math.NaN() }},
	"Filterable":        {func() any { return (*bool)(nil) }, func() any { return new(true) }, func() any { return new(false) }},
	"Writeable":         {func() any { return (*bool)(nil) }, func() any { return new(true) }, func() any { return new(false) }},
	"Decimals":          {func() any { return (*uint16)(nil) }, func() any { return new(uint16(2)) }, func() any { return new(uint16(3)) }},
	"Min":               floatOptions(),
	"Max":               floatOptions(),
	"Mappings": {func() any { return data.ValueMappings(nil) }, func() any { return data.ValueMappings{} },
		func() any { return data.ValueMappings{data.ValueMapper{"1": {Text: "on"}}} },
		func() any {
			return data.ValueMappings{data.RangeValueMapper{From: new(data.ConfFloat64(math.NaN())), Result: data.ValueMappingResult{Text: "x"}}}
		}},
	"Thresholds": {func() any { return (*data.ThresholdsConfig)(nil) }, func() any { return &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute} },
		func() any {
			return &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute, Steps: []data.Threshold{{Value: data.ConfFloat64(math.Inf(-1)), Color: "green"}}}
		},
		func() any {
			return &data.ThresholdsConfig{Steps: []data.Threshold{{Value: data.ConfFloat64(math.NaN())}}}
		}},
	"Color": {func() any { return map[string]any(nil) }, func() any { return map[string]any{} }, func() any { return map[string]any{"mode": "fixed"} },
		func() any { return map[string]any{"mode": math.NaN()} }},
	"Links": {func() any { return []data.DataLink(nil) }, func() any { return []data.DataLink{} }, func() any { return []data.DataLink{{Title: "a"}} }},
	"TypeConfig": {func() any { return (*data.FieldTypeConfig)(nil) }, func() any { return &data.FieldTypeConfig{} },
		func() any { return &data.FieldTypeConfig{Enum: &data.EnumFieldConfig{Text: []string{"a"}}} }},
	"Config.Custom": {func() any { return map[string]any(nil) }, func() any { return map[string]any{} },
		func() any { return map[string]any{"drawStyle": "line"} }, func() any { return map[string]any{"drawStyle": "bars"} },
		func() any { return map[string]any{"lineWidth": 1.0} }, func() any { return map[string]any{"n": math.NaN()} }},
}

func stringOptions(vs ...string) []func() any {
	out := make([]func() any, len(vs))
	for i, v := range vs {
		out[i] = func() any { return v }
	}
	return out
}

func floatOptions() []func() any {
	return []func() any{func() any { return (*data.ConfFloat64)(nil) }, func() any { return new(data.ConfFloat64(1)) },
		func() any { return new(data.ConfFloat64(2)) }, func() any { return new(data.ConfFloat64(math.NaN())) }}
}

// randomStruct fills a FrameMeta or FieldConfig (v points to it) from
// fieldOptions. With like set, each field is like's (the same value,
// sharing its pointers, slices and maps), a new equal one (the same
// option), or (unless exact) a random one; it returns the option picked
// per field.
func randomStruct(r *rand.Rand, v reflect.Value, prefix string, like reflect.Value, likeChoices map[string]int, exact bool) map[string]int {
	choices := map[string]int{}
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		opts := fieldOptions[name]
		if opts == nil {
			opts = fieldOptions[prefix+"."+name]
		}
		pick := r.IntN(len(opts))
		if pick == len(opts)-1 && r.IntN(4) > 0 { // the last (a NaN, where there is one) is rarer
			pick = r.IntN(len(opts) - 1)
		}
		if like.IsValid() {
			switch r.IntN(10) {
			case 0, 1, 2, 3:
				v.Field(i).Set(like.Field(i))
				choices[name] = likeChoices[name]
				continue
			case 4, 5, 6, 7, 8:
				pick = likeChoices[name]
			default:
				if exact {
					pick = likeChoices[name]
				}
			}
		}
		choices[name] = pick
		if x := opts[pick](); x == nil {
			v.Field(i).Set(reflect.Zero(v.Field(i).Type()))
		} else {
			v.Field(i).Set(reflect.ValueOf(x))
		}
	}
	return choices
}

type randomFrames struct {
	r       *rand.Rand
	metas   []*data.FrameMeta
	configs []*data.FieldConfig
	choices map[any]map[string]int
	exact   bool // like's shape, and each value like's or a new equal one
}

// randomPointer builds a random *T (a FrameMeta or a FieldConfig, named
// name in randomStruct's choices), or one like like: nil, like itself, or a
// new one whose fields are like's or random (g.exact: each field like's or
// a new equal one).
func randomPointer[T any](g *randomFrames, like *T, name string) *T {
	switch n := g.r.IntN(10); {
	case g.exact:
		if like == nil || n == 0 {
			return like
		}
	case n == 0:
		return nil
	case n == 1 && like != nil:
		return like
	}
	v := new(T)
	var lv reflect.Value
	if like != nil && (g.exact || g.r.IntN(4) > 0) {
		lv = reflect.ValueOf(like).Elem()
	}
	g.choices[v] = randomStruct(g.r, reflect.ValueOf(v).Elem(), name, lv, g.choices[like], g.exact)
	return v
}

// frame builds a random frame, or one like like: half the time exactly
// like it (g.exact: the same shape, each value like's or a new equal
// one), else with some shape or values changed.
func (g *randomFrames) frame(like *data.Frame) *data.Frame {
	g.exact = like != nil && g.r.IntN(2) == 0
	defer func() { g.exact = false }()
	labels := []data.Labels{nil, {}, {"driver": "VER"}, {"driver": "HAM"}}
	n := 1 + g.r.IntN(3)
	if like != nil && (g.exact || g.r.IntN(8) > 0) {
		n = len(like.Fields)
	}
	f := data.NewFrame("telemetry")
	if !g.exact && g.r.IntN(12) == 0 {
		f.Name = "other"
	}
	var likeMeta *data.FrameMeta
	if like != nil {
		likeMeta = like.Meta
	}
	f.Meta = randomPointer(g, likeMeta, "Meta")
	for i := range n {
		var fld *data.Field
		if g.r.IntN(2) == 0 {
			fld = data.NewField("time", nil, []int64{int64(i)})
		} else {
			fld = data.NewField("time", nil, []float64{float64(i)})
		}
		var likeConfig *data.FieldConfig
		if like != nil && i < len(like.Fields) {
			lf := like.Fields[i]
			if g.exact || g.r.IntN(10) > 0 {
				fld = data.NewFieldFromFieldType(lf.Type(), 1)
			}
			fld.Name, fld.Labels, likeConfig = lf.Name, lf.Labels, lf.Config
			if !g.exact && g.r.IntN(10) == 0 {
				fld.Labels = labels[g.r.IntN(len(labels))]
			}
		} else {
			fld.Name = fmt.Sprintf("f%d", g.r.IntN(2))
			fld.Labels = labels[g.r.IntN(len(labels))]
		}
		fld.Config = randomPointer(g, likeConfig, "Config")
		f.Fields = append(f.Fields, fld)
	}
	return f
}

// TestSameSchemaAnswersAsDeepEqualOnRandomFrames compares the two on
// random pairs of frames, most of them alike (so that both answers occur
// often), with shared and new objects, nil and empty values and NaNs.
func TestSameSchemaAnswersAsDeepEqualOnRandomFrames(t *testing.T) {
	g := &randomFrames{r: rand.New(rand.NewPCG(18, 2026)), choices: map[any]map[string]int{}}
	same := 0
	const pairs = 20000
	for i := range pairs {
		a := g.frame(nil)
		b := g.frame(a)
		if g.r.IntN(2) == 0 {
			a, b = b, a
		}
		ref, got := sameSchemaDeepEqual(a, b), sameSchema(a, b)
		if got != ref {
			t.Fatalf("pair %d: sameSchema %v, DeepEqual %v\na meta %#v\nb meta %#v\na fields %s\nb fields %s", i, got, ref, a.Meta, b.Meta, describeFields(a), describeFields(b))
		}
		if ref {
			same++
		}
		clear(g.choices)
	}
	// Both answers must be common for the comparison to say anything.
	if same < pairs/10 || same > pairs*9/10 {
		t.Fatalf("%d of %d random pairs have the same schema: the generator no longer tests both answers", same, pairs)
	}
	t.Logf("%d of %d random pairs had the same schema", same, pairs)
}

func describeFields(f *data.Frame) string {
	s := ""
	for _, fld := range f.Fields {
		s += fmt.Sprintf("{%s %s %v %#v} ", fld.Name, fld.Type(), fld.Labels, fld.Config)
	}
	return s
}
