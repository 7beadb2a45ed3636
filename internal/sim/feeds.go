package sim

import "github.com/pitwall-f1/pitwall/pkg/f1"

// The simulator's two slow feeds, besides the car samples:
//   - each car's x/y on f1-locations once a second of race time (what the
//     track map draws), taken from its telemetry sample;
//   - the weather on f1-weather at lights out and then every minute: the
//     simulator's conditions are fixed (dry, 25 °C air, 35 °C track), it
//     models no weather; the feed is there so that a simulated race fills
//     the dashboard as a replayed one does.

// LocationEveryMs and WeatherEveryMs are the feeds' periods (race time).
const (
	LocationEveryMs = 1000
	WeatherEveryMs  = 60_000
)

// SimWeather is the simulator's weather.
var SimWeather = f1.Weather{AirTempC: 25, TrackTempC: 35, HumidityPct: 50, PressureMbar: 1013, WindDirectionDeg: 180, WindSpeedMS: 2}

type feeds struct {
	lastLoc     map[string]int64
	nextWeather int64
}

// locationOf queues t's x/y when the car's last location is a second old.
func (s *Sim) locationOf(t *f1.Telemetry) {
	if s.feeds.lastLoc == nil {
		s.feeds.lastLoc = make(map[string]int64, len(s.cars))
	}
	if last, ok := s.feeds.lastLoc[t.Driver]; ok && t.Ts-last < LocationEveryMs {
		return
	}
	s.feeds.lastLoc[t.Driver] = t.Ts
	s.loc = append(s.loc, f1.Location{Ts: t.Ts, RaceID: t.RaceID, Driver: t.Driver, X: t.X, Y: t.Y})
	s.q = append(s.q, qitem{LocationEvent, t.Ts, int32(len(s.loc) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}

// weatherAt queues the weather when a minute has passed.
func (s *Sim) weatherAt(ts int64) {
	if ts < s.feeds.nextWeather {
		return
	}
	s.feeds.nextWeather = ts + WeatherEveryMs
	w := SimWeather
	w.Ts, w.RaceID = ts, s.cfg.RaceID
	s.wx = append(s.wx, w)
	s.q = append(s.q, qitem{WeatherEvent, ts, int32(len(s.wx) - 1)}) // #nosec G115 -- events of one race, far below 2^31
}
