package replay

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Item is one replayed record. Ts is its time in ms: since the epoch when
// the file has dates (File.Abs), else since the session start.
type Item struct {
	Type    f1.RecordType // which of Tel, Pos, RC, Weather, Loc it holds
	Ts      int64
	Tel     f1.Telemetry
	Pos     f1.Position
	RC      f1.RaceControl
	Weather f1.Weather
	Loc     f1.Location
}

// Format names a recognised file format.
type Format string

// Formats.
const (
	FastF1Telemetry   Format = "FastF1 telemetry CSV"
	FastF1Laps        Format = "FastF1 laps CSV"
	LapSummary        Format = "per-lap summary CSV"
	OpenF1RaceControl Format = "OpenF1 race_control CSV"
	OpenF1CarData     Format = "OpenF1 car_data JSON"
)

// File is a parsed file.
type File struct {
	Name   string
	Format Format
	Abs    bool // timestamps are dates, not session times
	Items  []Item

	// What a race set (raceset.go) puts on one clock with the other files.
	laps           *lapsFile
	results        *resultsFile
	stints         *stintsFile
	weather        *weatherFile
	locations      *locationsFile
	sessionStartMs int64 // telemetry with Date and SessionTime: Date − SessionTime
	hasLap         bool  // telemetry whose rows carry their lap
}

// Options say what the files do not.
type Options struct {
	Driver string // driver code for files without a driver column or _CODE name
	RaceID string // race id written into every record
	Lap    int    // lap number for telemetry files without one
	// Numbers maps car numbers to codes for files that name drivers by
	// number (OpenF1); without it, the 2024 grid's numbers are used.
	Numbers map[int]string
}

// byNumber finds a driver by car number: Options.Numbers first, then the
// 2024 grid and reserves.
func (o Options) byNumber(n int) (f1.Driver, bool) {
	if code, ok := o.Numbers[n]; ok {
		if d, known := f1.DriverByCode(code); known && d.Number == n {
			return d, true
		}
		return f1.Driver{Code: code, Number: n}, true
	}
	return driverByNumber(n)
}

// ParseFile reads and parses one file, choosing the parser by content: a
// file starting with '[' is JSON, anything else CSV.
func ParseFile(path string, opt Options) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return Parse(data, path, opt)
}

// Parse parses data named name (used for messages and the _CODE suffix).
func Parse(data []byte, name string, opt Options) (*File, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", name)
	}
	if trimmed[0] == '[' || trimmed[0] == '{' {
		return ParseOpenF1JSON(data, name, opt)
	}
	return ParseCSV(data, name, opt)
}

var codeSuffix = regexp.MustCompile(`_([A-Za-z]{3})\.[A-Za-z0-9]+$`)

// driverFor resolves the driver of a file without a driver column.
func driverFor(name string, opt Options) (f1.Driver, error) {
	code, from := opt.Driver, "--driver"
	if code == "" {
		m := codeSuffix.FindStringSubmatch(filepath.Base(name))
		if m == nil {
			return f1.Driver{}, fmt.Errorf("%s: no driver column; give --driver CODE or name the file like telemetry_VER.csv", name)
		}
		code, from = m[1], "the file name"
	}
	d, ok := f1.DriverByCode(code)
	if !ok {
		return f1.Driver{}, fmt.Errorf("%s: unknown driver %q (from %s): known codes are %s", name, code, from, strings.Join(f1.KnownCodes(), ", "))
	}
	return d, nil
}

// driverByNumber finds a 2024 driver (grid or reserve) by car number.
func driverByNumber(n int) (f1.Driver, bool) {
	for _, code := range f1.KnownCodes() {
		if d, _ := f1.DriverByCode(code); d.Number == n {
			return d, true
		}
	}
	return f1.Driver{}, false
}

// Merge puts the items of several files in time order (stable: items with
// equal times keep file order). Files with dates and files with only
// session times cannot be put on one clock.
func Merge(files []*File) ([]Item, error) {
	var abs, rel []string
	n := 0
	for _, f := range files {
		if f.Abs {
			abs = append(abs, f.Name)
		} else {
			rel = append(rel, f.Name)
		}
		n += len(f.Items)
	}
	if len(abs) > 0 && len(rel) > 0 {
		return nil, fmt.Errorf("cannot merge files with dates (%s) and files with session times only (%s): replay them separately",
			strings.Join(abs, ", "), strings.Join(rel, ", "))
	}
	out := make([]Item, 0, n)
	for _, f := range files {
		out = append(out, f.Items...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Ts < out[j].Ts })
	return out, nil
}

// Record is a pointer to the item's record (*f1.Telemetry, *f1.Position,
// *f1.RaceControl, *f1.Weather or *f1.Location).
func (it *Item) Record() any {
	switch it.Type {
	case f1.TelemetryRecord:
		return &it.Tel
	case f1.PositionRecord:
		return &it.Pos
	case f1.RaceControlRecord:
		return &it.RC
	case f1.WeatherRecord:
		return &it.Weather
	case f1.LocationRecord:
		return &it.Loc
	}
	return nil
}

// SetTs sets the time of an item and of its record.
func (it *Item) SetTs(ts int64) {
	it.Ts = ts
	switch it.Type {
	case f1.TelemetryRecord:
		it.Tel.Ts = ts
	case f1.PositionRecord:
		it.Pos.Ts = ts
	case f1.RaceControlRecord:
		it.RC.Ts = ts
	case f1.WeatherRecord:
		it.Weather.Ts = ts
	case f1.LocationRecord:
		it.Loc.Ts = ts
	}
}
