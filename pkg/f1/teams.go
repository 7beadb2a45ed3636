package f1

import (
	"slices"
	"strings"
)

// Team is a constructor with its livery colour and its gear table.
//
// KPerGear[g] is the road speed in km/h per 1,000 engine rpm in gear g
// (index 0, neutral, is 0). The Red Bull values are medians of full-throttle
// car samples in the real FastF1 laps in ../shared/data (Monza 2024 VER lap 43,
// Spa 2022 VER lap 32 and PER lap 29): 13.25, 16.2, 19.2, 22.2, 25.2 and 28.2
// km/h per 1,000 rpm in gears 3 to 8; gears 1 and 2 extend the same ~3.0 step.
// Other teams are scaled from it by their Ratio (teams differ by up to 4 %),
// so no detector may hard-code one team's table.
type Team struct {
	Name     string
	Colour   string // hex without '#', as FastF1's TeamColor
	Ratio    float64
	KPerGear [9]float64
}

// redBullK is the measured Red Bull gear table (see Team).
var redBullK = [9]float64{0, 7.3, 10.3, 13.25, 16.2, 19.2, 22.2, 25.2, 28.2}

func scaled(ratio float64) [9]float64 {
	var k [9]float64
	for g := range k {
		k[g] = redBullK[g] * ratio
	}
	return k
}

// The 2024 constructors. Colours are FastF1's TeamColor for the 2024 Italian GP.
var teams = []Team{
	{Name: "Red Bull Racing", Colour: "3671C6", Ratio: 1.000},
	{Name: "Ferrari", Colour: "E80020", Ratio: 1.012},
	{Name: "Mercedes", Colour: "27F4D2", Ratio: 0.992},
	{Name: "McLaren", Colour: "FF8000", Ratio: 1.006},
	{Name: "Aston Martin", Colour: "229971", Ratio: 0.981},
	{Name: "Alpine", Colour: "0093CC", Ratio: 0.975},
	{Name: "Williams", Colour: "64C4FF", Ratio: 1.021},
	{Name: "RB", Colour: "6692FF", Ratio: 0.988},
	{Name: "Kick Sauber", Colour: "52E252", Ratio: 0.963},
	{Name: "Haas F1 Team", Colour: "B6BABD", Ratio: 0.97},
}

func init() {
	for i := range teams {
		teams[i].KPerGear = scaled(teams[i].Ratio)
	}
}

// Teams returns the 2024 constructors.
func Teams() []Team { return slices.Clone(teams) }

// TeamByName finds a team by name, case-insensitively. FastF1's older names
// ("Red Bull", "Haas", "Sauber", "Alfa Romeo", "AlphaTauri") map to 2024 teams.
func TeamByName(name string) (Team, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if alias, ok := teamAliases[n]; ok {
		n = alias
	}
	for _, t := range teams {
		if strings.ToLower(t.Name) == n {
			return t, true
		}
	}
	return Team{}, false
}

var teamAliases = map[string]string{
	"red bull":     "red bull racing",
	"redbull":      "red bull racing",
	"haas":         "haas f1 team",
	"sauber":       "kick sauber",
	"alfa romeo":   "kick sauber",
	"alphatauri":   "rb",
	"racing bulls": "rb",
}

// DefaultKPerGear is the gear table used when a car's team is unknown.
func DefaultKPerGear() [9]float64 { return redBullK }
