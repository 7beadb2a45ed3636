package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// CheckHealth gets the SASL credentials (an OAuth token, AWS credentials),
// connects to Kafka (through the secure SOCKS proxy when it is on), counts
// the topics, and checks the Schema Registry when one is set, all within
// timeoutSeconds. A failure says what
// to fix and never shows a secret.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if err := d.ready(); err != nil {
		return healthError(err.Error()), nil
	}
	ctx, cancel := context.WithTimeout(ctx, d.settings.Timeout)
	defer cancel()

	// Credentials first (an OAuth token, AWS credentials): a refused client
	// secret is then told as such, not as a broker that closed the door.
	auth, err := d.kafka.CheckAuth(ctx)
	if err != nil {
		return healthError(err.Error()), nil
	}
	if err := d.kafka.Ping(ctx); err != nil {
		return healthError(err.Error()), nil
	}
	topics, err := d.kafka.Topics(ctx)
	if err != nil {
		return healthError(err.Error()), nil
	}
	user := 0
	for _, t := range topics {
		if !t.Internal {
			user++
		}
	}
	details := map[string]any{"brokers": strings.Join(d.settings.BootstrapServers, ","), "topics": user}
	msg := fmt.Sprintf("Kafka at %s is reachable: %d topics.", strings.Join(d.settings.BootstrapServers, ","), user)
	if d.settings.SASLMechanism != "" {
		details["sasl"] = d.settings.SASLMechanism
		msg += " SASL " + d.settings.SASLMechanism
		if auth != "" {
			details["credentials"] = auth
			msg += " with " + auth
		}
		msg += "."
	}
	if d.proxied {
		details["secureSocksProxy"] = d.proxyAddr
		msg += " Through the secure SOCKS proxy (Private Data source Connect)"
		if d.proxyAddr != "" {
			msg += " at " + d.proxyAddr
		}
		msg += "."
	}
	if d.registry != nil {
		n, err := d.registry.Check(ctx)
		if err != nil {
			return healthError(msg + " But " + err.Error()), nil
		}
		details["schemaRegistry"] = d.registry.URL()
		details["subjects"] = n
		msg += fmt.Sprintf(" Schema Registry at %s is reachable: %d subjects.", d.registry.URL(), n)
	}
	jd, _ := json.Marshal(details)
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: msg, JSONDetails: jd}, nil
}

func healthError(msg string) *backend.CheckHealthResult {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}
}
