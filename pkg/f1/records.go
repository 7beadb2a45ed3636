package f1

// Telemetry is one car sample on f1-telemetry, keyed by driver code.
// Ts is milliseconds since the Unix epoch.
type Telemetry struct {
	Ts           int64   `json:"ts" avro:"ts"`
	RaceID       string  `json:"race_id" avro:"race_id"`
	Driver       string  `json:"driver" avro:"driver"`
	DriverNumber int     `json:"driver_number" avro:"driver_number"`
	Team         string  `json:"team" avro:"team"`
	Lap          int     `json:"lap" avro:"lap"`
	DistanceM    float64 `json:"distance_m" avro:"distance_m"`
	SpeedKph     float64 `json:"speed_kph" avro:"speed_kph"`
	RPM          float64 `json:"rpm" avro:"rpm"`
	Gear         int     `json:"gear" avro:"gear"` // 0 (neutral) to 8
	ThrottlePct  float64 `json:"throttle_pct" avro:"throttle_pct"`
	Brake        float64 `json:"brake" avro:"brake"` // 0 to 100
	DRS          int     `json:"drs" avro:"drs"`     // FastF1 code: 10/12/14 open, 0/1/8 closed
	X            float64 `json:"x" avro:"x"`
	Y            float64 `json:"y" avro:"y"`
	BrakeTempC   float64 `json:"brake_temp_c" avro:"brake_temp_c"`
}

// Tyre compounds.
const (
	TyreSoft         = "SOFT"
	TyreMedium       = "MEDIUM"
	TyreHard         = "HARD"
	TyreIntermediate = "INTERMEDIATE"
	TyreWet          = "WET"
)

// Car status values on f1-positions.
const (
	StatusRunning  = "RUNNING"
	StatusPit      = "PIT"
	StatusOut      = "OUT"
	StatusFinished = "FINISHED"
)

// Position is the timing of one driver on f1-positions, keyed by driver code.
type Position struct {
	Ts           int64   `json:"ts" avro:"ts"`
	RaceID       string  `json:"race_id" avro:"race_id"`
	Driver       string  `json:"driver" avro:"driver"`
	Position     int     `json:"position" avro:"position"`
	Lap          int     `json:"lap" avro:"lap"`
	GapToLeaderS float64 `json:"gap_to_leader_s" avro:"gap_to_leader_s"`
	IntervalS    float64 `json:"interval_s" avro:"interval_s"`
	LastLapS     float64 `json:"last_lap_s" avro:"last_lap_s"`
	BestLapS     float64 `json:"best_lap_s" avro:"best_lap_s"`
	PitStops     int     `json:"pit_stops" avro:"pit_stops"`
	Tyre         string  `json:"tyre" avro:"tyre"`
	TyreAgeLaps  int     `json:"tyre_age_laps" avro:"tyre_age_laps"`
	Status       string  `json:"status" avro:"status"`
	// Sector times of the last lap (0 when not timed), from recorded races.
	Sector1S float64 `json:"sector_1_s" avro:"sector_1_s"`
	Sector2S float64 `json:"sector_2_s" avro:"sector_2_s"`
	Sector3S float64 `json:"sector_3_s" avro:"sector_3_s"`
}

// Weather is the weather at the track on f1-weather, keyed by race id:
// one sample a minute in the recorded data.
type Weather struct {
	Ts               int64   `json:"ts" avro:"ts"`
	RaceID           string  `json:"race_id" avro:"race_id"`
	AirTempC         float64 `json:"air_temp_c" avro:"air_temp_c"`
	TrackTempC       float64 `json:"track_temp_c" avro:"track_temp_c"`
	HumidityPct      float64 `json:"humidity_pct" avro:"humidity_pct"`
	PressureMbar     float64 `json:"pressure_mbar" avro:"pressure_mbar"`
	Rainfall         bool    `json:"rainfall" avro:"rainfall"`
	WindDirectionDeg float64 `json:"wind_direction_deg" avro:"wind_direction_deg"`
	WindSpeedMS      float64 `json:"wind_speed_ms" avro:"wind_speed_ms"`
}

// Location is where a car is on f1-locations, keyed by driver code: x, y
// and z in the FastF1/OpenF1 circuit frame (1/10 m), every car of the
// field a few times a second (a recorded race's location feed, or the
// simulator's cars once a second). It is what the track map draws.
type Location struct {
	Ts     int64   `json:"ts" avro:"ts"`
	RaceID string  `json:"race_id" avro:"race_id"`
	Driver string  `json:"driver" avro:"driver"`
	X      float64 `json:"x" avro:"x"`
	Y      float64 `json:"y" avro:"y"`
	Z      float64 `json:"z" avro:"z"`
}

// Race-control event types on f1-race-control.
const (
	EventLightsOut  = "LIGHTS_OUT"
	EventLap        = "LAP"
	EventFlag       = "FLAG"
	EventSafetyCar  = "SAFETY_CAR"
	EventVSC        = "VSC"
	EventPit        = "PIT"
	EventFastestLap = "FASTEST_LAP"
	EventFinish     = "FINISH"
	EventAborted    = "ABORTED"
	// EventClassification says the official classification was published:
	// each driver's latest f1-positions record holds its classified place,
	// laps and status (FINISHED or OUT).
	EventClassification = "CLASSIFICATION"
)

// RaceControl is a race event on f1-race-control, keyed by race id.
// Driver is empty for events that concern no single driver.
type RaceControl struct {
	Ts        int64  `json:"ts" avro:"ts"`
	RaceID    string `json:"race_id" avro:"race_id"`
	Type      string `json:"type" avro:"type"`
	Driver    string `json:"driver,omitempty" avro:"driver"`
	Lap       int    `json:"lap" avro:"lap"`
	TotalLaps int    `json:"total_laps" avro:"total_laps"`
	Message   string `json:"message" avro:"message"`
}

// Alert severities.
const (
	SeverityHigh   = "high"
	SeverityMedium = "medium"
	SeverityLow    = "low"
)

// Alert kinds.
const (
	AlertOverspeed   = "overspeed"
	AlertDRS         = "drs"
	AlertBrakeTemp   = "brake_temp"
	AlertWheelSpin   = "wheel_spin"
	AlertGearAnomaly = "gear_anomaly"
)

// Alert is one alert on f1-alerts, keyed by severity.
type Alert struct {
	Ts       int64   `json:"ts" avro:"ts"`
	RaceID   string  `json:"race_id" avro:"race_id"`
	Driver   string  `json:"driver" avro:"driver"`
	Severity string  `json:"severity" avro:"severity"`
	Kind     string  `json:"kind" avro:"kind"`
	Value    float64 `json:"value" avro:"value"`
	Message  string  `json:"message" avro:"message"`
}

// Race commands on f1-race-commands.
const (
	CommandStart = "start"
	CommandStop  = "stop"
)

// RaceCommand is a command from Grafana to `producer serve`, keyed by race id.
// For "start", Circuit, Laps, Drivers (codes; empty means the full grid) and
// Speed (a factor; 0 means as fast as possible) say what to run.
type RaceCommand struct {
	Ts             int64    `json:"ts" avro:"ts"`
	RaceID         string   `json:"race_id" avro:"race_id"`
	Command        string   `json:"command" avro:"command"`
	Circuit        string   `json:"circuit,omitempty" avro:"circuit"`
	Laps           int      `json:"laps,omitempty" avro:"laps"`
	Drivers        []string `json:"drivers,omitempty" avro:"drivers"`
	Speed          float64  `json:"speed,omitempty" avro:"speed"`
	SelectedDriver string   `json:"selected_driver,omitempty" avro:"selected_driver"`
}

// Prediction models on f1-predictions (pkg/f1/predict makes them).
const (
	// ModelPitWindow: the probability that the driver pits at the end of
	// one of the next HorizonLaps laps (1, 3 or 5).
	ModelPitWindow = "pit_window"
	// ModelTyreCliff: the probability that the current set's fuel-corrected
	// loss is accelerating past the compound's usual life (HorizonLaps 0).
	ModelTyreCliff = "tyre_cliff"
)

// Prediction is one model output on f1-predictions, keyed by model. Lap is
// the lap whose end it was made at; Reasons says in a few words which
// inputs drove it.
type Prediction struct {
	Ts          int64   `json:"ts" avro:"ts"`
	RaceID      string  `json:"race_id" avro:"race_id"`
	Driver      string  `json:"driver" avro:"driver"`
	Lap         int     `json:"lap" avro:"lap"`
	Model       string  `json:"model" avro:"model"`
	HorizonLaps int     `json:"horizon_laps" avro:"horizon_laps"`
	Probability float64 `json:"probability" avro:"probability"`
	Reasons     string  `json:"reasons" avro:"reasons"`
}
