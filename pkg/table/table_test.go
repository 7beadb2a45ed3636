package table

import (
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/frametest"
	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// faultCounts counts what a table reports, by kind.
type faultCounts map[codec.ErrClass]int

func (c faultCounts) Add(kind codec.ErrClass, _, _ string) { c[kind]++ }

func numField(names *codec.Names, name string, v float64) codec.Field {
	id, _ := names.IDString(name)
	return codec.Field{ID: id, Kind: codec.KindNumber, Num: v}
}

func strField(names *codec.Names, name, v string) codec.Field {
	id, _ := names.IDString(name)
	return codec.Field{ID: id, Kind: codec.KindString, Bytes: []byte(v)}
}

func TestTableKeepsColumnTypesAndSchemaAcrossReset(t *testing.T) {
	names := codec.NewNames(0)
	faults := faultCounts{}
	tb := New(Options{}, faults)
	tb.AddRow(1, "")
	tb.SetField(names, numField(names, "a", 1))
	tb.AddRow(2, "")
	tb.SetField(names, strField(names, "a", "oops")) // a is a number column
	tb.SetField(names, strField(names, "b", "x"))    // b appears on row 2
	tb.AddRow(3, "")
	tb.SetField(names, numField(names, "a", 3))
	tb.SetField(names, numField(names, "a", 4)) // twice in one record: last wins
	f := tb.Frame("t", nil)
	if got := strings.Join(frametest.Values(t, f, "a"), " "); got != "1 null 4" {
		t.Fatalf("a: %s", got)
	}
	if got := strings.Join(frametest.Values(t, f, "b"), " "); got != "null x null" {
		t.Fatalf("b: %s", got)
	}
	if faults[codec.ErrTypeMismatch] != 1 {
		t.Fatalf("mismatches %d", faults[codec.ErrTypeMismatch])
	}
	tb.Reset()
	tb.AddRow(4, "")
	tb.SetField(names, numField(names, "a", 5))
	f = tb.Frame("t", nil)
	if strings.Join(frametest.FieldNames(f), ",") != "time,a,b" || f.Rows() != 1 {
		t.Fatalf("after reset: %v %d rows", frametest.FieldNames(f), f.Rows())
	}
}

func TestTableOptionsFilterColumns(t *testing.T) {
	names := codec.NewNames(0)
	tb := New(Options{Allow: []string{"a", "s", "ts"}, Skip: []string{"ts"}, NumbersOnly: true}, nil)
	tb.AddRow(1, "")
	for _, f := range []codec.Field{numField(names, "a", 1), numField(names, "b", 2), numField(names, "ts", 3), strField(names, "s", "x")} {
		tb.SetField(names, f)
	}
	if got := strings.Join(tb.ColumnNames(), ","); got != "a" {
		t.Fatalf("columns %s", got)
	}
}

func TestDecimateKeepsExtremesPerSeriesAndTwice(t *testing.T) {
	names := codec.NewNames(0)
	tb := New(Options{Labels: true}, nil)
	for i := int64(0); i < 1000; i++ {
		v := float64(i % 10)
		if i == 501 {
			v = 1000
		}
		tb.AddRow(i*1e6, "driver=VER")
		tb.SetField(names, numField(names, "v", v))
		if i%100 == 0 { // a sparse second series stays whole
			tb.AddRow(i*1e6, "driver=PER")
			tb.SetField(names, numField(names, "v", -float64(i)))
		}
	}
	tb.Decimate(100, 0, 999e6)
	tb.Decimate(100, 0, 999e6) // again: nothing lost
	f := tb.Frame("t", nil)
	labels, vals := frametest.Values(t, f, "labels"), frametest.Values(t, f, "v")
	var ver, per []string
	for i := range labels {
		if labels[i] == "driver=VER" {
			ver = append(ver, vals[i])
		} else {
			per = append(per, vals[i])
		}
	}
	if len(ver) > 100 || len(per) != 10 {
		t.Fatalf("VER %d rows, PER %d rows", len(ver), len(per))
	}
	j := " " + strings.Join(ver, " ") + " "
	if !strings.Contains(j, " 1000 ") || !strings.Contains(j, " 0 ") || !strings.Contains(j, " 9 ") {
		t.Fatalf("VER lost extremes: %v", ver)
	}
	if per[9] != "-900" {
		t.Fatalf("PER: %v", per)
	}
}
