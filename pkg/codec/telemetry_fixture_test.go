package codec

// The codec knows no Formula 1, but its tests want a realistic record: this
// one has the shape of Pitwall's f1-telemetry (16 fields; pkg/f1wire's
// TelemetrySchema and pkg/f1's Telemetry), copied here so that the codec's
// tests import no F1 package either.

const topicTelemetry = "f1-telemetry"

// TelemetrySchema is the Avro schema of f1-telemetry.
const TelemetrySchema = `{"type":"record","name":"Telemetry","namespace":"f1.pitwall","fields":[
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

// telemetry is one f1-telemetry value.
type telemetry struct {
	Ts           int64   `avro:"ts"`
	RaceID       string  `avro:"race_id"`
	Driver       string  `avro:"driver"`
	DriverNumber int     `avro:"driver_number"`
	Team         string  `avro:"team"`
	Lap          int     `avro:"lap"`
	DistanceM    float64 `avro:"distance_m"`
	SpeedKph     float64 `avro:"speed_kph"`
	RPM          float64 `avro:"rpm"`
	Gear         int     `avro:"gear"`
	ThrottlePct  float64 `avro:"throttle_pct"`
	Brake        float64 `avro:"brake"`
	DRS          int     `avro:"drs"`
	X            float64 `avro:"x"`
	Y            float64 `avro:"y"`
	BrakeTempC   float64 `avro:"brake_temp_c"`
}
