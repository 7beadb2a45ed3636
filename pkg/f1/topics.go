package f1

// Default topic names (docs/DESIGN.md). Every name can be changed by flag or setting.
const (
	TopicTelemetry    = "f1-telemetry"
	TopicPositions    = "f1-positions"
	TopicRaceControl  = "f1-race-control"
	TopicAlerts       = "f1-alerts"
	TopicRaceCommands = "f1-race-commands"
	TopicPredictions  = "f1-predictions"
	TopicWeather      = "f1-weather"
	TopicLocations    = "f1-locations"
)

// TopicSpec describes one of Pitwall's topics: its default name, partition
// count and what its records are keyed by.
type TopicSpec struct {
	Name       string
	Partitions int32
	Key        string // "driver", "race_id", "severity" or "model"
}

// Topics lists the default topics with the partition counts of docs/DESIGN.md.
func Topics() []TopicSpec {
	return []TopicSpec{
		{TopicTelemetry, 4, "driver"},
		{TopicPositions, 3, "driver"},
		{TopicRaceControl, 1, "race_id"},
		{TopicAlerts, 3, "severity"},
		{TopicRaceCommands, 1, "race_id"},
		{TopicPredictions, 3, "model"},
		{TopicWeather, 1, "race_id"},
		{TopicLocations, 4, "driver"},
	}
}

// RecordType says which record a topic holds: the struct of records.go its
// values decode into.
type RecordType uint8

// Record types.
const (
	NoRecord          RecordType = iota // not one of Pitwall's topics
	TelemetryRecord                     // Telemetry, on f1-telemetry
	PositionRecord                      // Position, on f1-positions
	RaceControlRecord                   // RaceControl, on f1-race-control
	AlertRecord                         // Alert, on f1-alerts
	CommandRecord                       // RaceCommand, on f1-race-commands
	PredictionRecord                    // Prediction, on f1-predictions
	WeatherRecord                       // Weather, on f1-weather
	LocationRecord                      // Location, on f1-locations
)

// RecordTypeOf is the record type of a default topic name, NoRecord for
// any other topic.
func RecordTypeOf(topic string) RecordType {
	switch topic {
	case TopicTelemetry:
		return TelemetryRecord
	case TopicPositions:
		return PositionRecord
	case TopicRaceControl:
		return RaceControlRecord
	case TopicAlerts:
		return AlertRecord
	case TopicRaceCommands:
		return CommandRecord
	case TopicPredictions:
		return PredictionRecord
	case TopicWeather:
		return WeatherRecord
	case TopicLocations:
		return LocationRecord
	}
	return NoRecord
}

func (r RecordType) String() string {
	switch r {
	case TelemetryRecord:
		return "telemetry"
	case PositionRecord:
		return "position"
	case RaceControlRecord:
		return "race_control"
	case AlertRecord:
		return "alert"
	case CommandRecord:
		return "command"
	case PredictionRecord:
		return "prediction"
	case WeatherRecord:
		return "weather"
	case LocationRecord:
		return "location"
	}
	return "none"
}
