package table

import (
	"fmt"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Table is a columnar row buffer that frames are built from: one time per
// row, an optional label per row (the series key), and typed columns created
// as fields first appear. A column's type is fixed by its first non-null
// value; a later value of another type is stored as null and counted as a
// type_mismatch fault, so a column never changes type. Missing values are
// nulls. Columns stay when rows are cleared (Reset), so a stream's schema
// only changes when a new field appears.
type Table struct {
	opt Options

	times  []int64 // unix nanoseconds
	labels []string
	cols   []*column
	index  map[string]int

	bound *codec.Names // the names table byID refers to
	byID  []int32      // name id -> column index; unresolved / ignored below

	interns map[string]string
	faults  Faults
	where   func() string // describes the current record, for faults

	// series is how many series the last decimation found: Compact lets
	// the table grow to decimate.Above(maxPoints) rows per series, since
	// a decimation keeps up to maxPoints rows of each.
	series int
	// levels is how much each series' buckets were widened to fit the
	// budget (decimate.Fit) by the decimations of levelsOf (maxPoints,
	// from, to): the next decimation of that budget and span starts there
	// and so keeps what the last one kept.
	levels   map[string]int
	levelsOf [3]int64
	// decimations counts the decimations that ran (each costs O(rows)).
	decimations int
}

// Decimations is how many decimations ran on the table: what a read of n
// records paid for keeping its memory bounded.
func (t *Table) Decimations() int { return t.decimations }

// Faults is where a table counts a value it could not store (a field whose
// type changed: codec.ErrTypeMismatch). pipeline.Faults is one.
type Faults interface {
	Add(kind codec.ErrClass, where, msg string)
}

// noFaults drops what it is told.
type noFaults struct{}

func (noFaults) Add(codec.ErrClass, string, string) {}

const (
	idUnresolved int32 = -2
	idIgnored    int32 = -1
)

// Options shape a Table.
type Options struct {
	// Labels adds a leading string column "labels" holding each row's
	// series (Grafana Live's labels layout: one stream, many series).
	Labels bool
	// Allow, when not empty, is the only field names that become columns.
	Allow []string
	// Skip names never become columns (they are used otherwise, e.g. ts).
	Skip []string
	// NumbersOnly ignores string and bool fields.
	NumbersOnly bool
	// Grid has Take put a decimated series' rows on the places of its
	// buckets (OnGrid), shared by every series: for a panel that draws
	// them.
	Grid bool
}

type column struct {
	name  string
	kind  codec.Kind
	nums  []float64
	strs  []string
	bools []bool
	null  []bool
}

func (c *column) len() int { return len(c.null) }

func (c *column) appendNull() {
	switch c.kind {
	case codec.KindNumber, codec.KindTime:
		c.nums = append(c.nums, 0)
	case codec.KindString:
		c.strs = append(c.strs, "")
	case codec.KindBool:
		c.bools = append(c.bools, false)
	}
	c.null = append(c.null, true)
}

func (c *column) pop() {
	n := len(c.null) - 1
	switch c.kind {
	case codec.KindNumber, codec.KindTime:
		c.nums = c.nums[:n]
	case codec.KindString:
		c.strs = c.strs[:n]
	case codec.KindBool:
		c.bools = c.bools[:n]
	}
	c.null = c.null[:n]
}

func (c *column) reset() {
	c.nums, c.strs, c.bools, c.null = c.nums[:0], c.strs[:0], c.bools[:0], c.null[:0]
}

// New returns an empty table; faults may be nil.
func New(opt Options, faults Faults) *Table {
	if faults == nil {
		faults = noFaults{}
	}
	return &Table{opt: opt, index: map[string]int{}, interns: map[string]string{}, faults: faults}
}

// SetWhere sets how faults describe the current record.
func (t *Table) SetWhere(fn func() string) { t.where = fn }

// Rows is the number of rows.
func (t *Table) Rows() int { return len(t.times) }

// AddRow starts a row at time ts (unix ns) in series label ("" without labels).
func (t *Table) AddRow(ts int64, label string) {
	t.times = append(t.times, ts)
	if t.opt.Labels {
		t.labels = append(t.labels, label)
	}
}

// Reset drops the rows and keeps the columns.
func (t *Table) Reset() {
	t.times, t.labels = t.times[:0], t.labels[:0]
	for _, c := range t.cols {
		c.reset()
	}
}

// SetField sets a decoded field on the current row.
func (t *Table) SetField(names *codec.Names, f codec.Field) {
	if names != t.bound {
		t.bound, t.byID = names, t.byID[:0]
	}
	for int(f.ID) >= len(t.byID) {
		t.byID = append(t.byID, idUnresolved)
	}
	ci := t.byID[f.ID]
	if ci == idUnresolved {
		ci = t.resolve(names.Name(f.ID))
		t.byID[f.ID] = ci
	}
	if ci == idIgnored {
		return
	}
	if ci < 0 || int(ci) >= len(t.cols) { // column not made yet
		if f.Kind == codec.KindNull || (t.opt.NumbersOnly && f.Kind != codec.KindNumber) {
			return
		}
		ci = int32(t.column(names.Name(f.ID), f.Kind)) // #nosec G115 -- a column index, below the table's column cap
		t.byID[f.ID] = ci
	}
	t.put(t.cols[ci], f)
}

// resolve decides what a field name maps to: an existing column, "not yet"
// (a large index meaning create on first non-null), or ignored.
func (t *Table) resolve(name string) int32 {
	for _, s := range t.opt.Skip {
		if s == name {
			return idIgnored
		}
	}
	if len(t.opt.Allow) > 0 {
		ok := false
		for _, a := range t.opt.Allow {
			if a == name {
				ok = true
				break
			}
		}
		if !ok {
			return idIgnored
		}
	}
	if i, ok := t.index[name]; ok {
		return int32(i) // #nosec G115 -- a column index, below the table's column cap
	}
	return int32(1 << 30) // created on the first non-null value
}

// column returns the index of column name, creating it with kind.
func (t *Table) column(name string, kind codec.Kind) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	c := &column{name: name, kind: kind}
	for c.len() < len(t.times)-1 {
		c.appendNull()
	}
	t.cols = append(t.cols, c)
	t.index[name] = len(t.cols) - 1
	return len(t.cols) - 1
}

// put stores f in the current row of c.
func (t *Table) put(c *column, f codec.Field) {
	row := len(t.times) - 1
	if row < 0 {
		return
	}
	for c.len() < row {
		c.appendNull()
	}
	if c.len() == row+1 { // the field appeared twice in one record: last wins
		c.pop()
	}
	if f.Kind != c.kind {
		if f.Kind != codec.KindNull {
			where := ""
			if t.where != nil {
				where = t.where()
			}
			t.faults.Add(codec.ErrTypeMismatch, where, fmt.Sprintf("field %q is a %s, its column is %s; stored null", c.name, f.Kind, c.kind))
		}
		c.appendNull()
		return
	}
	switch c.kind {
	case codec.KindNumber, codec.KindTime:
		c.nums = append(c.nums, f.Num)
	case codec.KindString:
		c.strs = append(c.strs, t.intern(f.Bytes))
	case codec.KindBool:
		c.bools = append(c.bools, f.Bool)
	}
	c.null = append(c.null, false)
}

// SetValue sets column name (created with f's kind) on the current row;
// a null f only fills an existing column.
func (t *Table) SetValue(name string, f codec.Field) {
	i, ok := t.index[name]
	if !ok {
		if f.Kind == codec.KindNull {
			return
		}
		i = t.column(name, f.Kind)
	}
	t.put(t.cols[i], f)
}

// SetNumber sets column name (created as a number column) on the current row.
func (t *Table) SetNumber(name string, v float64) {
	t.put(t.cols[t.column(name, codec.KindNumber)], codec.Field{Kind: codec.KindNumber, Num: v})
}

// SetString sets column name (created as a string column) on the current row.
func (t *Table) SetString(name string, v []byte) {
	t.put(t.cols[t.column(name, codec.KindString)], codec.Field{Kind: codec.KindString, Bytes: v})
}

// intern returns a string for b, sharing short repeated values (driver
// codes, team names) instead of allocating each time.
func (t *Table) intern(b []byte) string {
	if len(b) > 64 {
		return string(b)
	}
	if s, ok := t.interns[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t.interns) < 8192 {
		t.interns[s] = s
	}
	return s
}

// pad fills every column up to the row count.
func (t *Table) pad() {
	for _, c := range t.cols {
		for c.len() < len(t.times) {
			c.appendNull()
		}
	}
}

// ColumnNames lists the columns in order.
func (t *Table) ColumnNames() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}
