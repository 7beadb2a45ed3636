// Package sim is Pitwall's race simulator. It is pure and deterministic: the
// same Config (seed included) gives the same events, it imports only pkg/f1,
// and it runs in virtual time — it never sleeps; the caller paces it by the
// events' timestamps.
//
// A race is a stream of events in timestamp order: car telemetry at RateHz
// per car, timing (positions), race control, the alerts that f1.Analyzer
// raises on every telemetry sample, and truth events that say what was
// injected (wheel spin windows, gear anomalies, hot brakes) so that
// detection can be scored.
package sim
