package f1wire

// The Avro schemas of Pitwall's topics. Field names are the JSON names of
// docs/DESIGN.md, and ts is timestamp-millis. They are registered under
// codec.Subject(topic), "<topic>-value" (the Schema Registry's topic-name
// strategy). The encoders of avro.go write their fields in this order.
const (
	TelemetrySchema = `{"type":"record","name":"Telemetry","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"driver","type":"string"},
{"name":"driver_number","type":"int"},
{"name":"team","type":"string"},
{"name":"lap","type":"int"},
{"name":"distance_m","type":"double"},
{"name":"speed_kph","type":"double"},
{"name":"rpm","type":"double"},
{"name":"gear","type":"int"},
{"name":"throttle_pct","type":"double"},
{"name":"brake","type":"double"},
{"name":"drs","type":"int"},
{"name":"x","type":"double"},
{"name":"y","type":"double"},
{"name":"brake_temp_c","type":"double"}]}`

	PositionSchema = `{"type":"record","name":"Position","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"driver","type":"string"},
{"name":"position","type":"int"},
{"name":"lap","type":"int"},
{"name":"gap_to_leader_s","type":"double"},
{"name":"interval_s","type":"double"},
{"name":"last_lap_s","type":"double"},
{"name":"best_lap_s","type":"double"},
{"name":"pit_stops","type":"int"},
{"name":"tyre","type":"string"},
{"name":"tyre_age_laps","type":"int"},
{"name":"status","type":"string"},
{"name":"sector_1_s","type":"double","default":0},
{"name":"sector_2_s","type":"double","default":0},
{"name":"sector_3_s","type":"double","default":0}]}`

	RaceControlSchema = `{"type":"record","name":"RaceControl","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"type","type":"string"},
{"name":"driver","type":"string","default":""},
{"name":"lap","type":"int"},
{"name":"total_laps","type":"int"},
{"name":"message","type":"string"}]}`

	AlertSchema = `{"type":"record","name":"Alert","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"driver","type":"string"},
{"name":"severity","type":"string"},
{"name":"kind","type":"string"},
{"name":"value","type":"double"},
{"name":"message","type":"string"}]}`

	RaceCommandSchema = `{"type":"record","name":"RaceCommand","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"command","type":"string"},
{"name":"circuit","type":"string","default":""},
{"name":"laps","type":"int","default":0},
{"name":"drivers","type":{"type":"array","items":"string"},"default":[]},
{"name":"speed","type":"double","default":0},
{"name":"selected_driver","type":"string","default":""}]}`

	PredictionSchema = `{"type":"record","name":"Prediction","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"driver","type":"string"},
{"name":"lap","type":"int"},
{"name":"model","type":"string"},
{"name":"horizon_laps","type":"int"},
{"name":"probability","type":"double"},
{"name":"reasons","type":"string","default":""}]}`
	WeatherSchema = `{"type":"record","name":"Weather","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"air_temp_c","type":"double"},
{"name":"track_temp_c","type":"double"},
{"name":"humidity_pct","type":"double"},
{"name":"pressure_mbar","type":"double"},
{"name":"rainfall","type":"boolean"},
{"name":"wind_direction_deg","type":"double"},
{"name":"wind_speed_ms","type":"double"}]}`

	LocationSchema = `{"type":"record","name":"Location","namespace":"f1.pitwall","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"race_id","type":"string"},
{"name":"driver","type":"string"},
{"name":"x","type":"double"},
{"name":"y","type":"double"},
{"name":"z","type":"double"}]}`
)
