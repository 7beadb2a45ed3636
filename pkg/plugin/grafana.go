package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"golang.org/x/net/proxy"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// What the Grafana server allows this plugin, read from the configuration
// Grafana sends with every request (backend.GrafanaConfigFromContext), never
// from environment variables: the plugin validator allows a backend to
// read only GF_PLUGIN_* variables.

// awsAllowedProvidersKey is the key under which Grafana forwards its [aws]
// allowed_auth_providers to the plugins listed in [aws]
// forward_settings_to_plugins (grafana-aws-sdk's
// awsds.AllowedAuthProvidersEnvVarKeyName).
const awsAllowedProvidersKey = "AWS_AUTH_AllowedAuthProviders"

// checkAWSAllowed refuses AWS credentials that Grafana does not allow.
// The default chain uses the identity of the Grafana server itself, so it
// needs Grafana's explicit consent: "default" in [aws]
// allowed_auth_providers, forwarded to this plugin. Keys are the
// datasource's own secrets; they are refused only when Grafana forwards a
// list that lacks "keys".
func checkAWSAllowed(ctx context.Context, s Settings) error {
	if s.SASLMechanism != kafka.SASLAWSMSKIAM {
		return nil
	}
	var allowed []string
	if cfg := backend.GrafanaConfigFromContext(ctx); cfg != nil {
		for _, p := range strings.Split(cfg.Get(awsAllowedProvidersKey), ",") {
			if p = strings.TrimSpace(p); p != "" {
				allowed = append(allowed, p)
			}
		}
	}
	switch {
	case s.AWS.AuthType == awsAuthDefault && !slices.Contains(allowed, awsAuthDefault):
		return fmt.Errorf("awsAuthType default (the AWS SDK's default credential chain, that is the Grafana server's own AWS identity) is not allowed by this Grafana: "+
			"an administrator allows it with [aws] allowed_auth_providers including default and forward_settings_to_plugins including %s; or use awsAuthType keys", PluginID)
	case s.AWS.AuthType == awsAuthKeys && len(allowed) > 0 && !slices.Contains(allowed, awsAuthKeys):
		return fmt.Errorf("awsAuthType keys is not allowed by this Grafana ([aws] allowed_auth_providers is %s)", strings.Join(allowed, ","))
	}
	return nil
}

// proxyDialer is the secure SOCKS proxy's dialer (Private Data source
// Connect) when the datasource enables it, with the proxy's address for
// errors; nil when it does not. The SDK builds the dialer from Grafana's
// [secure_socks_datasource_proxy] settings in ctx and the datasource's
// secureSocksProxyUsername and secureSocksProxyPassword.
func proxyDialer(ctx context.Context, in backend.DataSourceInstanceSettings, s Settings) (kafka.DialFunc, string, error) {
	if !s.SecureSocksProxy {
		return nil, "", nil
	}
	pc, err := in.ProxyClient(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("enableSecureSocksProxy is on but Grafana's secure SOCKS proxy settings are not valid: %v", err)
	}
	if !pc.SecureSocksProxyEnabled() {
		return nil, "", errors.New("enableSecureSocksProxy is on but this Grafana has no secure SOCKS proxy (Private Data source Connect): " +
			"turn enableSecureSocksProxy off, or have an administrator enable [secure_socks_datasource_proxy]")
	}
	d, err := pc.NewSecureSocksProxyContextDialer()
	if err != nil {
		return nil, "", fmt.Errorf("the secure SOCKS proxy (Private Data source Connect) cannot be used: %v: check Grafana's [secure_socks_datasource_proxy] client_cert, client_key and root_ca_cert", err)
	}
	cd, ok := d.(proxy.ContextDialer)
	if !ok {
		return nil, "", errors.New("the secure SOCKS proxy's dialer takes no context")
	}
	addr := ""
	if p, err := backend.GrafanaConfigFromContext(ctx).Proxy(); err == nil && p.ClientCfg != nil {
		addr = p.ClientCfg.ProxyAddress
	}
	return cd.DialContext, addr, nil
}
