import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import {
  Alert,
  Field,
  FieldSet,
  Input,
  SecretInput,
  SecretTextArea,
  SecureSocksProxySettings,
  Switch,
} from '@grafana/ui';
import React from 'react';

import { PitwallOptions, PitwallSecureOptions, SecureKey } from '../types';
import { SaslSettings } from './ConfigEditorSasl';
import { NumberInput } from './NumberInput';
import { FIELD_WIDTH as WIDTH, secretProps, Settings, validate, withJson } from './configUpdates';

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
  const problems = validate(options as Settings);
  const set = (patch: Partial<PitwallOptions>) => onOptionsChange(withJson(options as Settings, patch));

  const secret = (key: SecureKey) => secretProps(options as Settings, onOptionsChange, key);

  return (
    <div data-testid="pitwall-config-editor">
      <FieldSet label="Kafka">
        <Field
          label="Bootstrap servers"
          required
          description="Comma-separated host:port list of brokers to connect to first, e.g. kafka:9092 or b1:9093,b2:9093"
          invalid={Boolean(problems.bootstrapServers)}
          error={problems.bootstrapServers}
        >
          <Input
            id="pitwall-bootstrap-servers"
            width={WIDTH}
            value={jsonData.bootstrapServers ?? ''}
            placeholder="localhost:9092"
            onChange={(e) => set({ bootstrapServers: e.currentTarget.value })}
          />
        </Field>
        <Field label="Client ID" description="Sent to the brokers with every request; shows in broker logs and quotas">
          <Input
            id="pitwall-client-id"
            width={WIDTH}
            value={jsonData.clientId ?? ''}
            placeholder="pitwall-grafana"
            onChange={(e) => set({ clientId: e.currentTarget.value })}
          />
        </Field>
        <Field
          label="Timeout"
          description="Seconds to wait for the brokers and the registry before a query or health check fails"
          invalid={Boolean(problems.timeoutSeconds)}
          error={problems.timeoutSeconds}
        >
          <NumberInput
            id="pitwall-timeout"
            value={jsonData.timeoutSeconds}
            placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
            suffix="s"
            onCommit={(timeoutSeconds) => set({ timeoutSeconds })}
          />
        </Field>
      </FieldSet>

      <SaslSettings options={options as Settings} onOptionsChange={onOptionsChange} problems={problems} set={set} />

      <FieldSet label="TLS">
        <Field label="Use TLS" description="Encrypt the connection to the brokers">
          <Switch
            id="pitwall-tls-enabled"
            value={Boolean(jsonData.tlsEnabled)}
            onChange={(e) => set({ tlsEnabled: e.currentTarget.checked })}
          />
        </Field>
        {jsonData.tlsEnabled && (
          <>
            <Field
              label="Skip certificate verification"
              description="Accept any broker certificate. Insecure: for testing only"
            >
              <Switch
                id="pitwall-tls-skip-verify"
                value={Boolean(jsonData.tlsSkipVerify)}
                onChange={(e) => set({ tlsSkipVerify: e.currentTarget.checked })}
              />
            </Field>
            <Field
              label="Server name"
              description="The name to verify in the broker certificate (SNI), when it differs from the broker host"
            >
              <Input
                id="pitwall-tls-server-name"
                width={WIDTH}
                value={jsonData.tlsServerName ?? ''}
                onChange={(e) => set({ tlsServerName: e.currentTarget.value })}
              />
            </Field>
            <Field
              label="CA certificate"
              description="PEM certificate of the authority that signed the broker certificates; empty uses the system roots"
            >
              <SecretTextArea
                id="pitwall-tls-ca-cert"
                rows={5}
                cols={WIDTH}
                placeholder="-----BEGIN CERTIFICATE-----"
                {...secret('tlsCACert')}
              />
            </Field>
            <Field label="Client certificate" description="PEM certificate for mutual TLS (with the client key)">
              <SecretTextArea
                id="pitwall-tls-client-cert"
                rows={5}
                cols={WIDTH}
                placeholder="-----BEGIN CERTIFICATE-----"
                {...secret('tlsClientCert')}
              />
            </Field>
            <Field
              label="Client key"
              description="PEM private key of the client certificate; stored encrypted"
              invalid={Boolean(problems.tlsClientKey)}
              error={problems.tlsClientKey}
            >
              <SecretTextArea
                id="pitwall-tls-client-key"
                rows={5}
                cols={WIDTH}
                placeholder="-----BEGIN PRIVATE KEY-----"
                {...secret('tlsClientKey')}
              />
            </Field>
          </>
        )}
      </FieldSet>

      <FieldSet label="Schema Registry">
        <Field
          label="URL"
          description="Confluent-compatible Schema Registry for Avro records, e.g. http://schema-registry:8081; empty for JSON only"
          invalid={Boolean(problems.schemaRegistryUrl)}
          error={problems.schemaRegistryUrl}
        >
          <Input
            id="pitwall-registry-url"
            width={WIDTH}
            value={jsonData.schemaRegistryUrl ?? ''}
            placeholder="http://localhost:8081"
            onChange={(e) => set({ schemaRegistryUrl: e.currentTarget.value })}
          />
        </Field>
        <Field
          label="Username"
          description="Basic-auth user for the registry, if it needs one"
          invalid={Boolean(problems.schemaRegistryUsername)}
          error={problems.schemaRegistryUsername}
        >
          <Input
            id="pitwall-registry-username"
            width={WIDTH}
            value={jsonData.schemaRegistryUsername ?? ''}
            onChange={(e) => set({ schemaRegistryUsername: e.currentTarget.value })}
          />
        </Field>
        <Field label="Password" description="Basic-auth password for the registry; stored encrypted">
          <SecretInput id="pitwall-registry-password" width={WIDTH} {...secret('schemaRegistryPassword')} />
        </Field>
        {jsonData.schemaRegistryUrl?.trim().toLowerCase().startsWith('https://') && (
          <Field
            label="Skip registry certificate verification"
            description="Accept any registry certificate. Insecure: the registry password is sent to whoever answers. Separate from the brokers' setting"
          >
            <Switch
              id="pitwall-registry-tls-skip-verify"
              value={Boolean(jsonData.schemaRegistryTlsSkipVerify)}
              onChange={(e) => set({ schemaRegistryTlsSkipVerify: e.currentTarget.checked })}
            />
          </Field>
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
        <Field
          label="Viewers control races"
          description="Let Viewers start and stop races from the leaderboard panel (kiosk demos). Off, race control needs the Editor role"
        >
          <Switch
            id="pitwall-viewers-control-race"
            value={Boolean(jsonData.viewersControlRace)}
            onChange={(e) => set({ viewersControlRace: e.currentTarget.checked })}
          />
        </Field>
        <Field
          label="Live streams"
          description="How many live streams (each its own Kafka consumer) this datasource runs at once, 1 to 1000; a stream past it waits and says why"
          invalid={Boolean(problems.maxStreams)}
          error={problems.maxStreams}
        >
          <NumberInput
            id="pitwall-max-streams"
            value={jsonData.maxStreams}
            placeholder={String(DEFAULT_MAX_STREAMS)}
            onCommit={(maxStreams) => set({ maxStreams })}
          />
        </Field>
      </FieldSet>
    </div>
  );
}
