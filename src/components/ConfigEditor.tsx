import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Alert, FieldSet, SecureSocksProxySettings } from '@grafana/ui';
import React from 'react';

import { PitwallOptions, PitwallSecureOptions } from '../types';
import { SaslSettings } from './ConfigEditorSasl';
import { NumberSetting, SecretSetting, SwitchSetting, TextSetting } from './SettingFields';
import { Settings, SettingsForm, validate, withJson } from './configUpdates';

export type Props = DataSourcePluginOptionsEditorProps<PitwallOptions, PitwallSecureOptions>;

export const DEFAULT_TIMEOUT_SECONDS = 10;
/** The backend's default maxStreams (pkg/plugin/stream.go DefaultMaxStreams). */
export const DEFAULT_MAX_STREAMS = 64;

/**
 * The datasource settings page: Kafka connection, SASL (ConfigEditorSasl.tsx), TLS, Schema Registry,
 * Grafana's secure SOCKS proxy (Private Data source Connect, when Grafana offers it), access and limits.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};
  const settings = options as Settings;
  const form: SettingsForm = {
    options: settings,
    onOptionsChange,
    problems: validate(settings),
    set: (patch: Partial<PitwallOptions>) => onOptionsChange(withJson(settings, patch)),
  };

  return (
    <div data-testid="pitwall-config-editor">
      <FieldSet label="Kafka">
        <TextSetting
          form={form}
          name="bootstrapServers"
          id="pitwall-bootstrap-servers"
          label="Bootstrap servers"
          required
          description="Comma-separated host:port list of brokers to connect to first, e.g. kafka:9092 or b1:9093,b2:9093"
          placeholder="localhost:9092"
        />
        <TextSetting
          form={form}
          name="clientId"
          id="pitwall-client-id"
          label="Client ID"
          description="Sent to the brokers with every request; shows in broker logs and quotas"
          placeholder="pitwall-grafana"
        />
        <NumberSetting
          form={form}
          name="timeoutSeconds"
          id="pitwall-timeout"
          label="Timeout"
          description="Seconds to wait for the brokers and the registry before a query or health check fails"
          placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
          suffix="s"
        />
      </FieldSet>

      <SaslSettings {...form} />

      <FieldSet label="TLS">
        <SwitchSetting
          form={form}
          name="tlsEnabled"
          id="pitwall-tls-enabled"
          label="Use TLS"
          description="Encrypt the connection to the brokers"
        />
        {jsonData.tlsEnabled && (
          <>
            <SwitchSetting
              form={form}
              name="tlsSkipVerify"
              id="pitwall-tls-skip-verify"
              label="Skip certificate verification"
              description="Accept any broker certificate. Insecure: for testing only"
            />
            <TextSetting
              form={form}
              name="tlsServerName"
              id="pitwall-tls-server-name"
              label="Server name"
              description="The name to verify in the broker certificate (SNI), when it differs from the broker host"
            />
            <SecretSetting
              form={form}
              name="tlsCACert"
              id="pitwall-tls-ca-cert"
              label="CA certificate"
              description="PEM certificate of the authority that signed the broker certificates; empty uses the system roots"
              pem="-----BEGIN CERTIFICATE-----"
            />
            <SecretSetting
              form={form}
              name="tlsClientCert"
              id="pitwall-tls-client-cert"
              label="Client certificate"
              description="PEM certificate for mutual TLS (with the client key)"
              pem="-----BEGIN CERTIFICATE-----"
            />
            <SecretSetting
              form={form}
              name="tlsClientKey"
              id="pitwall-tls-client-key"
              label="Client key"
              description="PEM private key of the client certificate; stored encrypted"
              pem="-----BEGIN PRIVATE KEY-----"
            />
          </>
        )}
      </FieldSet>

      <FieldSet label="Schema Registry">
        <TextSetting
          form={form}
          name="schemaRegistryUrl"
          id="pitwall-registry-url"
          label="URL"
          description="Confluent-compatible Schema Registry for Avro records, e.g. http://schema-registry:8081; empty for JSON only"
          placeholder="http://localhost:8081"
        />
        <TextSetting
          form={form}
          name="schemaRegistryUsername"
          id="pitwall-registry-username"
          label="Username"
          description="Basic-auth user for the registry, if it needs one"
        />
        <SecretSetting
          form={form}
          name="schemaRegistryPassword"
          id="pitwall-registry-password"
          label="Password"
          description="Basic-auth password for the registry; stored encrypted"
        />
        {jsonData.schemaRegistryUrl?.trim().toLowerCase().startsWith('https://') && (
          <SwitchSetting
            form={form}
            name="schemaRegistryTlsSkipVerify"
            id="pitwall-registry-tls-skip-verify"
            label="Skip registry certificate verification"
            description="Accept any registry certificate. Insecure: the registry password is sent to whoever answers. Separate from the brokers' setting"
          />
        )}
      </FieldSet>

      {(config.secureSocksDSProxyEnabled || jsonData.enableSecureSocksProxy) && (
        <>
          {!config.secureSocksDSProxyEnabled && (
            <Alert severity="warning" title="This Grafana has no secure SOCKS proxy">
              The datasource asks for Private Data source Connect, which this Grafana does not offer: turn it off, or
              have an administrator enable [secure_socks_datasource_proxy]. Until then the health check refuses it.
            </Alert>
          )}
          <SecureSocksProxySettings options={options} onOptionsChange={onOptionsChange} />
        </>
      )}

      <FieldSet label="Access and limits">
        <SwitchSetting
          form={form}
          name="viewersControlRace"
          id="pitwall-viewers-control-race"
          label="Viewers control races"
          description="Let Viewers start and stop races from the leaderboard panel (kiosk demos). Off, race control needs the Editor role"
        />
        <NumberSetting
          form={form}
          name="maxStreams"
          id="pitwall-max-streams"
          label="Live streams"
          description="How many live streams (each its own Kafka consumer) this datasource runs at once, 1 to 1000; a stream past it waits and says why"
          placeholder={String(DEFAULT_MAX_STREAMS)}
        />
      </FieldSet>
    </div>
  );
}
