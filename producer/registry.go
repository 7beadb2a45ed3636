package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/twmb/franz-go/pkg/sr"
)

// schemaIDs are the registered schema ids, by topic role.
type schemaIDs struct {
	Telemetry, Positions, RaceControl, Alerts, Commands, Predictions, Weather, Locations int
}

// registerSchemas registers pkg/f1wire's schemas of the producer's format
// (Avro, or Protobuf) under "<topic>-value" for every topic and returns
// their ids. Registering an identical schema again returns the existing id.
func registerSchemas(ctx context.Context, c *kafkaConfig) (schemaIDs, error) {
	var ids schemaIDs
	tc, err := c.tlsConfig()
	if err != nil {
		return ids, err
	}
	// The registry shares the brokers' CA and client certificate (https
	// only; kafka.RegistryTLS), and its answers are bounded like the
	// plugin's (codec.LimitResponses).
	var rt http.RoundTripper
	if t := kafka.RegistryTLS(tc, c.registry, c.registrySkipVerify); t != nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = t
		rt = tr
	}
	httpc := &http.Client{Timeout: c.connectTimeout, Transport: codec.LimitResponses(rt, 0)}
	opts := []sr.ClientOpt{sr.URLs(c.registry), sr.HTTPClient(httpc)}
	if c.registryUser != "" || c.registryPass != "" {
		opts = append(opts, sr.BasicAuth(c.registryUser, c.registryPass))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return ids, fmt.Errorf("schema registry client for %s: %w", c.registry, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.connectTimeout+5*time.Second)
	defer cancel()
	typ, name := sr.TypeAvro, "Avro"
	if c.format == "protobuf" {
		typ, name = sr.TypeProtobuf, "Protobuf"
	}
	for _, r := range []struct {
		topic, avro, proto string
		id                 *int
	}{
		{c.topics.Telemetry, f1wire.TelemetrySchema, f1wire.TelemetryProto, &ids.Telemetry},
		{c.topics.Positions, f1wire.PositionSchema, f1wire.PositionProto, &ids.Positions},
		{c.topics.RaceControl, f1wire.RaceControlSchema, f1wire.RaceControlProto, &ids.RaceControl},
		{c.topics.Alerts, f1wire.AlertSchema, f1wire.AlertProto, &ids.Alerts},
		{c.topics.Commands, f1wire.RaceCommandSchema, f1wire.RaceCommandProto, &ids.Commands},
		{c.topics.Predictions, f1wire.PredictionSchema, f1wire.PredictionProto, &ids.Predictions},
		{c.topics.Weather, f1wire.WeatherSchema, f1wire.WeatherProto, &ids.Weather},
		{c.topics.Locations, f1wire.LocationSchema, f1wire.LocationProto, &ids.Locations},
	} {
		schema := r.avro
		if typ == sr.TypeProtobuf {
			schema = r.proto
		}
		ss, err := cl.CreateSchema(ctx, codec.Subject(r.topic), sr.Schema{Schema: schema, Type: typ})
		if err != nil {
			return ids, fmt.Errorf("registering the %s schema of %s under subject %s at %s: %w",
				name, r.topic, codec.Subject(r.topic), c.registry, err)
		}
		*r.id = ss.ID
	}
	return ids, nil
}
