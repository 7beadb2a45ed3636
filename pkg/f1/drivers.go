package f1

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Driver is one race driver.
type Driver struct {
	Number int
	Code   string // three-letter code, e.g. "VER"
	Name   string
	Team   string
}

// grid2024 is the 2024 grid at the season opener.
var grid2024 = []Driver{
	{1, "VER", "Max Verstappen", "Red Bull Racing"},
	{11, "PER", "Sergio Perez", "Red Bull Racing"},
	{16, "LEC", "Charles Leclerc", "Ferrari"},
	{55, "SAI", "Carlos Sainz", "Ferrari"},
	{44, "HAM", "Lewis Hamilton", "Mercedes"},
	{63, "RUS", "George Russell", "Mercedes"},
	{4, "NOR", "Lando Norris", "McLaren"},
	{81, "PIA", "Oscar Piastri", "McLaren"},
	{14, "ALO", "Fernando Alonso", "Aston Martin"},
	{18, "STR", "Lance Stroll", "Aston Martin"},
	{10, "GAS", "Pierre Gasly", "Alpine"},
	{31, "OCO", "Esteban Ocon", "Alpine"},
	{23, "ALB", "Alexander Albon", "Williams"},
	{2, "SAR", "Logan Sargeant", "Williams"},
	{22, "TSU", "Yuki Tsunoda", "RB"},
	{3, "RIC", "Daniel Ricciardo", "RB"},
	{77, "BOT", "Valtteri Bottas", "Kick Sauber"},
	{24, "ZHO", "Zhou Guanyu", "Kick Sauber"},
	{27, "HUL", "Nico Hulkenberg", "Haas F1 Team"},
	{20, "MAG", "Kevin Magnussen", "Haas F1 Team"},
}

// reserves drove in 2024 races but are not on the default grid (Colapinto
// replaced Sargeant from Monza; the real Monza files name him).
var reserves = []Driver{
	{43, "COL", "Franco Colapinto", "Williams"},
	{38, "BEA", "Oliver Bearman", "Ferrari"},
	{30, "LAW", "Liam Lawson", "RB"},
}

// Grid returns the default 2024 grid (20 drivers).
func Grid() []Driver { return slices.Clone(grid2024) }

// DriverByCode finds a 2024 driver (grid or reserve) by code, case-insensitively.
func DriverByCode(code string) (Driver, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	return findDriver(func(d Driver) bool { return d.Code == c })
}

// DriverByNumber finds a 2024 driver (grid or reserve) by car number.
func DriverByNumber(n int) (Driver, bool) {
	return findDriver(func(d Driver) bool { return d.Number == n })
}

// findDriver is the first 2024 driver, grid then reserves, that match accepts.
func findDriver(match func(Driver) bool) (Driver, bool) {
	for _, list := range [][]Driver{grid2024, reserves} {
		if i := slices.IndexFunc(list, match); i >= 0 {
			return list[i], true
		}
	}
	return Driver{}, false
}

// TeamOf returns the team of a driver, falling back to a team with the
// default gear table when the driver or the team is unknown.
func TeamOf(d Driver) Team {
	if t, ok := TeamByName(d.Team); ok {
		return t
	}
	return Team{Name: d.Team, Colour: "888888", Ratio: 1, KPerGear: DefaultKPerGear()}
}

// ParseDrivers turns a comma list of codes, or "all" (or ""), into drivers of
// the 2024 grid. An unknown code is an error that lists the known ones.
func ParseDrivers(list string) ([]Driver, error) {
	list = strings.TrimSpace(list)
	if list == "" || strings.EqualFold(list, "all") {
		return Grid(), nil
	}
	var out []Driver
	seen := map[string]bool{}
	for _, part := range strings.Split(list, ",") {
		code := strings.ToUpper(strings.TrimSpace(part))
		if code == "" || seen[code] {
			continue
		}
		d, ok := DriverByCode(code)
		if !ok {
			return nil, fmt.Errorf("unknown driver %q: known codes are %s", code, strings.Join(KnownCodes(), ", "))
		}
		seen[code] = true
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no drivers in %q: give codes such as VER,HAM or 'all'", list)
	}
	return out, nil
}

// KnownCodes lists every known driver code, sorted.
func KnownCodes() []string {
	var codes []string
	for _, list := range [][]Driver{grid2024, reserves} {
		for _, d := range list {
			codes = append(codes, d.Code)
		}
	}
	sort.Strings(codes)
	return codes
}
