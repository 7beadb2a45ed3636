package f1

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Circuit is a race track: its length, race distance, pace, pit loss, DRS
// zones, the corners a speed profile is built from, and an x/y outline.
//
// Positions along the lap are fractions in [0, 1) measured from the timing
// line in the driving direction.
type Circuit struct {
	Key         string // lower-case id used on the command line: "monza"
	Name        string // "Monza"
	GrandPrix   string // "Italian Grand Prix"
	LengthM     float64
	Laps        int
	TypicalLapS float64 // a typical race lap on used tyres with medium fuel
	PitLossS    float64 // time lost by a stop, pit lane plus a 2.5 s stationary stop
	TopSpeedKph float64 // top speed without DRS
	DRSZones    []Zone
	Corners     []Corner
	// Outline is the track's centre line as points in the FastF1 circuit
	// frame (1/10 m, like FastF1's X and Y), starting at the timing line and
	// going in the driving direction. The last point joins the first.
	Outline       []Point
	OutlineSource string

	cum []float64 // cumulative outline length at each point; cum[len] = perimeter
}

// Zone is a stretch of the lap from Start to End (fractions of the lap). A
// zone with Start > End wraps across the timing line.
type Zone struct {
	Start, End float64
}

// Contains reports whether the lap fraction f lies in the zone.
func (z Zone) Contains(f float64) bool {
	if z.Start <= z.End {
		return f >= z.Start && f < z.End
	}
	return f >= z.Start || f < z.End
}

// Corner is a point of the speed profile: the slowest speed of a corner (its
// apex) at lap fraction At, held over LengthM metres of track (long corners).
type Corner struct {
	Name    string
	At      float64
	ApexKph float64
	LengthM float64
}

// Point is an x/y position in the FastF1 circuit frame (1/10 m).
type Point struct{ X, Y float64 }

// InDRSZone reports whether lap fraction f is inside one of the DRS zones,
// and which (its index), or -1.
func (c *Circuit) InDRSZone(f float64) (bool, int) {
	for i, z := range c.DRSZones {
		if z.Contains(f) {
			return true, i
		}
	}
	return false, -1
}

// XY returns the position on the outline at lap fraction f.
func (c *Circuit) XY(f float64) (x, y float64) {
	n := len(c.Outline)
	if n == 0 {
		return 0, 0
	}
	cum := c.cum
	if len(cum) != n+1 {
		cum = outlineCum(c.Outline)
	}
	f -= math.Floor(f)
	d := f * cum[n]
	i := sort.SearchFloat64s(cum, d)
	if i > 0 {
		i--
	}
	if i >= n {
		i = n - 1
	}
	a, b := c.Outline[i], c.Outline[(i+1)%n]
	seg := cum[i+1] - cum[i]
	t := 0.0
	if seg > 0 {
		t = (d - cum[i]) / seg
	}
	return a.X + t*(b.X-a.X), a.Y + t*(b.Y-a.Y)
}

// OutlineLength is the length of the closed outline in its own units (1/10 m).
func (c *Circuit) OutlineLength() float64 {
	cum := outlineCum(c.Outline)
	return cum[len(cum)-1]
}

func outlineCum(pts []Point) []float64 {
	n := len(pts)
	cum := make([]float64, n+1)
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[(i+1)%n]
		cum[i+1] = cum[i] + math.Hypot(b.X-a.X, b.Y-a.Y)
	}
	return cum
}

// Circuits returns every known circuit, sorted by key.
func Circuits() []Circuit {
	out := make([]Circuit, len(circuits))
	copy(out, circuits)
	return out
}

// KnownCircuits lists the keys of the known circuits, sorted.
func KnownCircuits() []string {
	keys := make([]string, len(circuits))
	for i, c := range circuits {
		keys[i] = c.Key
	}
	return keys
}

// CircuitByName finds a circuit by key, name or Grand Prix name,
// case-insensitively ("monza", "Monza", "italian grand prix" or "italian").
// An unknown name is an error that lists the known circuits.
func CircuitByName(name string) (Circuit, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, c := range circuits {
		gp := strings.ToLower(c.GrandPrix)
		if n == c.Key || n == strings.ToLower(c.Name) || n == gp || n+" grand prix" == gp {
			return c, nil
		}
	}
	return Circuit{}, fmt.Errorf("unknown circuit %q: known circuits are %s", name, strings.Join(KnownCircuits(), ", "))
}

// CircuitInName finds the circuit that a file or race name mentions as a
// word, by key or by the first word of its Grand Prix, case-insensitively:
// "monza2024_race/laps.csv" and "data_Italian_Grand_Prix_2024" are Monza;
// "data_Spanish_Grand_Prix_2023" is not Spa.
func CircuitInName(name string) (Circuit, bool) {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r < 'a' || r > 'z' })
	for _, c := range circuits {
		gp := strings.ToLower(strings.Fields(c.GrandPrix)[0])
		for _, w := range words {
			if w == c.Key || w == gp {
				return c, true
			}
		}
	}
	return Circuit{}, false
}

// circuits holds the known tracks, sorted by key. Corner speeds of Monza and
// Spa are the local speed minima of the real FastF1 laps in ../shared/data
// (Monza 2024 VER lap 43, Spa 2022 VER lap 32); the others are approximate.
var circuits = []Circuit{
	{
		Key: "bahrain", Name: "Bahrain", GrandPrix: "Bahrain Grand Prix",
		LengthM: 5412, Laps: 57, TypicalLapS: 96.5, PitLossS: 23, TopSpeedKph: 318,
		DRSZones: []Zone{{0.955, 0.035}, {0.105, 0.19}, {0.655, 0.735}},
		Corners: []Corner{
			{"Turn 1", 0.055, 78, 0}, {"Turn 2", 0.075, 150, 0}, {"Turn 4", 0.205, 112, 0},
			{"Turns 5-7", 0.30, 205, 120}, {"Turn 8", 0.365, 85, 0}, {"Turn 10", 0.505, 98, 0},
			{"Turn 11", 0.60, 175, 0}, {"Turn 13", 0.755, 115, 0}, {"Turn 14", 0.865, 108, 0},
		},
		Outline: shape([]Point{
			{0, 0}, {0, 30}, {2, 34}, {8, 33}, {14, 36}, {14, 46}, {18, 52}, {26, 50}, {30, 44},
			{36, 46}, {34, 40}, {26, 36}, {22, 30}, {24, 22}, {32, 20}, {38, 14}, {36, 6},
			{28, 8}, {20, 14}, {14, 10}, {12, 2}, {8, -6}, {2, -8},
		}, 5412),
		OutlineSource: "hand-drawn approximate shape",
	},
	{
		Key: "monaco", Name: "Monaco", GrandPrix: "Monaco Grand Prix",
		LengthM: 3337, Laps: 78, TypicalLapS: 76.5, PitLossS: 19, TopSpeedKph: 288,
		DRSZones: []Zone{{0.945, 0.035}},
		Corners: []Corner{
			{"Sainte Devote", 0.06, 98, 0}, {"Massenet", 0.215, 150, 40}, {"Casino", 0.255, 112, 0},
			{"Mirabeau", 0.315, 78, 0}, {"Grand Hotel hairpin", 0.365, 48, 0}, {"Portier", 0.43, 82, 0},
			{"Tunnel", 0.52, 255, 150}, {"Nouvelle Chicane", 0.595, 78, 0}, {"Tabac", 0.665, 150, 0},
			{"Swimming Pool", 0.735, 118, 0}, {"Swimming Pool exit", 0.775, 112, 0},
			{"La Rascasse", 0.865, 68, 0}, {"Anthony Noghes", 0.915, 82, 0},
		},
		Outline: shape([]Point{
			{0, 0}, {6, 2}, {9, 6}, {14, 16}, {16, 22}, {14, 26}, {10, 24}, {6, 26}, {3, 22},
			{6, 18}, {9, 14}, {6, 10}, {2, 10}, {-4, 8}, {-10, 6}, {-16, 2}, {-22, 0}, {-20, -3},
			{-14, -2}, {-8, -4}, {-4, -6}, {-6, -9}, {-10, -8}, {-12, -5}, {-8, -2},
		}, 3337),
		OutlineSource: "hand-drawn approximate shape",
	},
	{
		Key: "monza", Name: "Monza", GrandPrix: "Italian Grand Prix",
		LengthM: 5793, Laps: 53, TypicalLapS: 84.5, PitLossS: 24, TopSpeedKph: 335,
		DRSZones: []Zone{{0.935, 0.085}, {0.715, 0.84}},
		Corners: []Corner{
			{"Rettifilo", 0.161, 75, 0}, {"Curva Grande", 0.231, 282, 250}, {"Roggia", 0.37, 110, 0},
			{"Lesmo 1", 0.436, 192, 0}, {"Lesmo 2", 0.492, 179, 0}, {"Ascari", 0.682, 186, 60},
			{"Parabolica", 0.888, 197, 120},
		},
		Outline:       monzaOutline,
		OutlineSource: "80 points at equal arc length from X/Y of ../shared/data/monza2024_race/telemetry_VER.csv (FastF1, VER lap 43)",
	},
	{
		Key: "silverstone", Name: "Silverstone", GrandPrix: "British Grand Prix",
		LengthM: 5891, Laps: 52, TypicalLapS: 91.5, PitLossS: 20, TopSpeedKph: 318,
		DRSZones: []Zone{{0.215, 0.285}, {0.62, 0.72}},
		Corners: []Corner{
			{"Abbey", 0.04, 265, 0}, {"Village", 0.125, 112, 0}, {"The Loop", 0.155, 72, 0},
			{"Brooklands", 0.295, 118, 0}, {"Luffield", 0.335, 95, 60}, {"Copse", 0.455, 285, 0},
			{"Maggotts", 0.515, 240, 0}, {"Becketts", 0.555, 170, 0}, {"Chapel", 0.585, 240, 0},
			{"Stowe", 0.755, 235, 0}, {"Vale", 0.865, 110, 0}, {"Club", 0.905, 150, 0},
		},
		Outline: shape([]Point{
			{0, 0}, {6, -4}, {10, -4}, {12, -8}, {10, -12}, {14, -16}, {22, -10}, {30, -4},
			{32, 0}, {28, 2}, {24, 4}, {22, 10}, {16, 12}, {14, 18}, {8, 26}, {4, 34}, {0, 44},
			{-4, 48}, {-8, 46}, {-6, 38}, {-6, 28}, {-4, 20}, {-4, 10}, {-2, 4},
		}, 5891),
		OutlineSource: "hand-drawn approximate shape",
	},
	{
		Key: "spa", Name: "Spa-Francorchamps", GrandPrix: "Belgian Grand Prix",
		LengthM: 7004, Laps: 44, TypicalLapS: 110, PitLossS: 19, TopSpeedKph: 325,
		DRSZones: []Zone{{0.975, 0.035}, {0.16, 0.31}},
		Corners: []Corner{
			{"La Source", 0.056, 70, 0}, {"Raidillon", 0.115, 290, 0}, {"Les Combes", 0.345, 143, 0},
			{"Malmedy", 0.373, 180, 0}, {"Bruxelles", 0.434, 114, 0}, {"Speaker's Corner", 0.465, 188, 0},
			{"Pouhon", 0.546, 254, 100}, {"Fagnes", 0.642, 156, 0}, {"Campus", 0.66, 171, 0},
			{"Stavelot", 0.70, 141, 40}, {"Blanchimont", 0.85, 300, 0}, {"Bus Stop", 0.958, 68, 0},
		},
		Outline: shape([]Point{
			{0, 0}, {-3, 2}, {-2, 5}, {2, 8}, {8, 14}, {16, 22}, {22, 28}, {24, 30}, {22, 33},
			{18, 30}, {15, 27}, {13, 22}, {10, 20}, {9, 16}, {12, 12}, {18, 10}, {22, 6},
			{20, 2}, {16, 0}, {12, -4}, {8, -8}, {4, -6}, {2, -3},
		}, 7004),
		OutlineSource: "hand-drawn approximate shape",
	},
}

func init() {
	for i := range circuits {
		circuits[i].cum = outlineCum(circuits[i].Outline)
	}
}

// shape scales a hand-drawn closed polygon so that its perimeter is lengthM
// metres in 1/10 m units, the unit of FastF1's X and Y.
func shape(pts []Point, lengthM float64) []Point {
	cum := outlineCum(pts)
	k := lengthM * 10 / cum[len(cum)-1]
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{math.Round(p.X * k), math.Round(p.Y * k)}
	}
	return out
}

// monzaOutline: see the Monza OutlineSource.
var monzaOutline = []Point{
	{-1377, -711}, {-1314, 6}, {-1251, 723}, {-1189, 1439}, {-1128, 2156}, {-1066, 2873}, {-1004, 3589},
	{-942, 4306}, {-881, 5023}, {-819, 5740}, {-758, 6457}, {-698, 7173}, {-634, 7890}, {-201, 8371},
	{-245, 9064}, {-394, 9767}, {-426, 10485}, {-380, 11203}, {-241, 11908}, {38, 12569}, {456, 13151},
	{1002, 13617}, {1633, 13960}, {2318, 14176}, {3027, 14294}, {3744, 14360}, {4461, 14418}, {5179, 14458},
	{5898, 14487}, {6613, 14547}, {7124, 15014}, {7815, 15198}, {8504, 15404}, {9177, 15656}, {9865, 15867},
	{10547, 15716}, {10891, 15102}, {10968, 14388}, {11022, 13670}, {11060, 12953}, {10686, 12374},
	{10049, 12041}, {9415, 11701}, {8789, 11346}, {8162, 10993}, {7550, 10616}, {6986, 10170}, {6441, 9700},
	{5898, 9228}, {5355, 8756}, {4812, 8284}, {4269, 7812}, {3726, 7340}, {3183, 6868}, {2662, 6374},
	{2545, 5679}, {2343, 4999}, {1886, 4445}, {1729, 3747}, {1661, 3031}, {1596, 2314}, {1530, 1598},
	{1464, 882}, {1398, 165}, {1332, -551}, {1267, -1267}, {1201, -1984}, {1135, -2700}, {1069, -3417},
	{999, -4133}, {906, -4846}, {649, -5511}, {18, -5801}, {-648, -5560}, {-1120, -5025}, {-1385, -4358},
	{-1489, -3648}, {-1498, -2929}, {-1477, -2209}, {-1436, -1491},
}
