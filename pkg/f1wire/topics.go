package f1wire

import "github.com/pitwall-f1/pitwall/pkg/f1"

// topicSchemas is the schema of each of Pitwall's default topics, in Avro
// and in Protobuf: one row a topic, so both formats cover the same topics.
var topicSchemas = map[string]struct{ avro, proto string }{
	f1.TopicTelemetry:    {TelemetrySchema, TelemetryProto},
	f1.TopicPositions:    {PositionSchema, PositionProto},
	f1.TopicRaceControl:  {RaceControlSchema, RaceControlProto},
	f1.TopicAlerts:       {AlertSchema, AlertProto},
	f1.TopicRaceCommands: {RaceCommandSchema, RaceCommandProto},
	f1.TopicPredictions:  {PredictionSchema, PredictionProto},
	f1.TopicWeather:      {WeatherSchema, WeatherProto},
	f1.TopicLocations:    {LocationSchema, LocationProto},
}

// SchemaForTopic returns the Avro schema of one of Pitwall's default topics.
func SchemaForTopic(topic string) (string, bool) {
	s, ok := topicSchemas[topic]
	return s.avro, ok
}

// ProtoSchemaForTopic returns the Protobuf schema of one of Pitwall's
// default topics.
func ProtoSchemaForTopic(topic string) (string, bool) {
	s, ok := topicSchemas[topic]
	return s.proto, ok
}
