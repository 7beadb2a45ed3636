package replay

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// table is a CSV file with a header: rows and the line each row starts on.
type table struct {
	name   string
	header []string
	cols   map[string]int
	rows   [][]string
	lines  []int
}

func readTable(data []byte, name string) (*table, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty", name)
		}
		return nil, fmt.Errorf("%s: reading the CSV header: %w", name, err)
	}
	t := &table{name: name, header: header, cols: make(map[string]int, len(header))}
	for i, h := range header {
		t.cols[strings.TrimSpace(h)] = i
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: malformed CSV row: %v", name, pe.StartLine, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

func (t *table) has(col string) bool { _, ok := t.cols[col]; return ok }

// str returns the value of col in row i ("" if the column is missing).
func (t *table) str(i int, col string) string {
	j, ok := t.cols[col]
	if !ok || j >= len(t.rows[i]) {
		return ""
	}
	return strings.TrimSpace(t.rows[i][j])
}

func (t *table) rowErr(i int, col, v, what string) error {
	return fmt.Errorf("%s:%d: column %s: %q is not %s", t.name, t.lines[i], col, v, what)
}

// num parses a required number: finite ("NaN" would reach the records and
// be written as 0 in JSON, which cannot hold it).
func (t *table) num(i int, col string) (float64, error) {
	v := t.str(i, col)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, t.rowErr(i, col, v, "a number")
	}
	return f, nil
}

// numOpt parses an optional number: empty (or "nan") is 0, false.
func (t *table) numOpt(i int, col string) (float64, bool, error) {
	v := t.str(i, col)
	if v == "" || strings.EqualFold(v, "nan") {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, t.rowErr(i, col, v, "a number")
	}
	return f, true, nil
}

// integer parses a required whole number, allowing pandas' "8.0".
func (t *table) integer(i int, col string) (int, error) {
	f, err := t.num(i, col)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, t.rowErr(i, col, t.str(i, col), "a whole number")
	}
	return int(f), nil
}

// brake parses FastF1's boolean Brake (True/False → 100/0) or a number.
func (t *table) brake(i int, col string) (float64, error) {
	v := t.str(i, col)
	switch strings.ToLower(v) {
	case "true":
		return 100, nil
	case "false":
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 100 {
		return 0, t.rowErr(i, col, v, "True, False or 0-100")
	}
	return f, nil
}

var dateLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
}

// parseDate reads a FastF1 or OpenF1 date (UTC when it has no zone) as ms.
func parseDate(v string) (int64, bool) {
	for _, l := range dateLayouts {
		if tm, err := time.Parse(l, v); err == nil {
			return tm.UnixMilli(), true
		}
	}
	return 0, false
}

func (t *table) date(i int, col string) (int64, error) {
	v := t.str(i, col)
	ms, ok := parseDate(v)
	if !ok {
		return 0, t.rowErr(i, col, v, "a date like 2024-09-01 14:03:42.772")
	}
	return ms, nil
}

// parseTimedelta reads a pandas timedelta ("0 days 01:55:58.853000") as ms.
func parseTimedelta(v string) (int64, bool) {
	days := int64(0)
	rest := v
	if d, r, ok := strings.Cut(v, " days "); ok {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return 0, false
		}
		days, rest = n, r
	} else if d, r, ok := strings.Cut(v, " day "); ok {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return 0, false
		}
		days, rest = n, r
	}
	parts := strings.Split(strings.TrimPrefix(rest, "+"), ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	s, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || h < 0 || m < 0 || m > 59 || s < 0 || s >= 60 {
		return 0, false
	}
	return days*86_400_000 + h*3_600_000 + m*60_000 + int64(math.Round(s*1000)), true
}

// timedeltaOpt parses an optional timedelta column.
func (t *table) timedeltaOpt(i int, col string) (int64, bool, error) {
	v := t.str(i, col)
	if v == "" || strings.EqualFold(v, "nat") {
		return 0, false, nil
	}
	ms, ok := parseTimedelta(v)
	if !ok {
		return 0, false, t.rowErr(i, col, v, "a duration like 0 days 00:01:28.179000")
	}
	return ms, true, nil
}

func (t *table) timedelta(i int, col string) (int64, error) {
	ms, ok, err := t.timedeltaOpt(i, col)
	if err == nil && !ok {
		err = t.rowErr(i, col, "", "a duration like 0 days 00:01:28.179000")
	}
	return ms, err
}
