package f1

// Default topic names (DESIGN.md). Every name can be changed by flag or setting.
const (
	TopicTelemetry    = "f1-telemetry"
	TopicPositions    = "f1-positions"
	TopicRaceControl  = "f1-race-control"
	TopicAlerts       = "f1-alerts"
	TopicRaceCommands = "f1-race-commands"
)

// TopicSpec describes one of Pitwall's topics: its default name, partition
// count and what its records are keyed by.
type TopicSpec struct {
	Name       string
	Partitions int32
	Key        string // "driver", "race_id" or "severity"
}

// Topics lists the default topics with the partition counts of DESIGN.md.
func Topics() []TopicSpec {
	return []TopicSpec{
		{TopicTelemetry, 4, "driver"},
		{TopicPositions, 3, "driver"},
		{TopicRaceControl, 1, "race_id"},
		{TopicAlerts, 3, "severity"},
		{TopicRaceCommands, 1, "race_id"},
	}
}
