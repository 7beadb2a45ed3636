package f1frame

import "github.com/grafana/grafana-plugin-sdk-go/data"

// columns are the leaderboard frame's values, one slice per field.
type columns struct {
	position, start, retired     []*int64
	driver, name, team, colour   []string
	gap, interval, last, best    []*float64
	avg                          []*float64
	lapsDown, lap, tyreAge, pits []int64
	gained                       []int64
	fastest, pb, drs             []bool
	tyre, status                 []string
	penalty                      []float64
	raceID, circuit, flag        []string
	raceLap, total               []int64
	elapsed                      []float64
}

func newColumns(n int) *columns {
	return &columns{
		position: make([]*int64, n), start: make([]*int64, n), retired: make([]*int64, n),
		driver: make([]string, n), name: make([]string, n), team: make([]string, n), colour: make([]string, n),
		gap: make([]*float64, n), interval: make([]*float64, n), last: make([]*float64, n), best: make([]*float64, n),
		avg:      make([]*float64, n),
		lapsDown: make([]int64, n), lap: make([]int64, n), tyreAge: make([]int64, n), pits: make([]int64, n),
		gained:  make([]int64, n),
		fastest: make([]bool, n), pb: make([]bool, n), drs: make([]bool, n),
		tyre: make([]string, n), status: make([]string, n),
		penalty: make([]float64, n),
		raceID:  make([]string, n), circuit: make([]string, n), flag: make([]string, n),
		raceLap: make([]int64, n), total: make([]int64, n),
		elapsed: make([]float64, n),
	}
}

// frame lays the columns out in the order of the panel's FIELDS.md.
func (c *columns) frame() *data.Frame {
	secs := &data.FieldConfig{Unit: "s"}
	return data.NewFrame("leaderboard",
		data.NewField("position", nil, c.position),
		data.NewField("driver", nil, c.driver),
		data.NewField("name", nil, c.name),
		data.NewField("team", nil, c.team),
		data.NewField("team_colour", nil, c.colour),
		data.NewField("gap_to_leader_s", nil, c.gap).SetConfig(secs),
		data.NewField("interval_s", nil, c.interval).SetConfig(secs),
		data.NewField("laps_down", nil, c.lapsDown),
		data.NewField("lap", nil, c.lap),
		data.NewField("last_lap_s", nil, c.last),
		data.NewField("best_lap_s", nil, c.best),
		data.NewField("fastest_lap", nil, c.fastest),
		data.NewField("personal_best", nil, c.pb),
		data.NewField("tyre", nil, c.tyre),
		data.NewField("tyre_age_laps", nil, c.tyreAge),
		data.NewField("pit_stops", nil, c.pits),
		data.NewField("status", nil, c.status),
		data.NewField("retired_lap", nil, c.retired),
		data.NewField("drs_open", nil, c.drs),
		data.NewField("avg_speed_kph", nil, c.avg).SetConfig(&data.FieldConfig{Unit: "velocitykmh"}),
		data.NewField("positions_gained", nil, c.gained),
		data.NewField("start_position", nil, c.start),
		data.NewField("penalty_s", nil, c.penalty),
		data.NewField("race_id", nil, c.raceID),
		data.NewField("circuit", nil, c.circuit),
		data.NewField("race_lap", nil, c.raceLap),
		data.NewField("total_laps", nil, c.total),
		data.NewField("elapsed_s", nil, c.elapsed),
		data.NewField("flag", nil, c.flag),
	)
}
