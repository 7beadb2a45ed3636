import { DataSourceSettings } from '@grafana/data';

import { PitwallOptions, PitwallSecureOptions, SecureKey } from '../types';

export type Settings = DataSourceSettings<PitwallOptions, PitwallSecureOptions>;

/** What a part of the settings page works with: the settings, their problems, and the ways to change them. */
export interface SettingsForm {
  options: Settings;
  onOptionsChange: (o: Settings) => void;
  problems: Problems;
  set: (patch: Partial<PitwallOptions>) => void;
}

/** The width of the settings' inputs. */
export const FIELD_WIDTH = 60;

/** The props of a secret field (SecretInput, SecretTextArea): configured or not, reset, change. */
export function secretProps(options: Settings, onOptionsChange: (o: Settings) => void, key: SecureKey) {
  return {
    isConfigured: isConfigured(options, key),
    value: options.secureJsonData?.[key] ?? '',
    onReset: () => onOptionsChange(withSecretReset(options, key)),
    onChange: (e: { currentTarget: { value: string } }) =>
      onOptionsChange(withSecret(options, key, e.currentTarget.value)),
  };
}

/** Returns settings with some jsonData keys changed. */
export function withJson(options: Settings, patch: Partial<PitwallOptions>): Settings {
  return { ...options, jsonData: { ...options.jsonData, ...patch } };
}

/** Returns settings with a new value for one secret (sent once, then stored encrypted). */
export function withSecret(options: Settings, key: SecureKey, value: string): Settings {
  return { ...options, secureJsonData: { ...options.secureJsonData, [key]: value } };
}

/**
 * Returns settings with one secret reset: Grafana forgets the stored value when
 * the key is sent empty and marked as not configured.
 */
export function withSecretReset(options: Settings, key: SecureKey): Settings {
  return {
    ...options,
    secureJsonFields: { ...options.secureJsonFields, [key]: false },
    secureJsonData: { ...options.secureJsonData, [key]: '' },
  };
}

/** True when a secret is stored in Grafana (its value is never sent back to the browser). */
export function isConfigured(options: Settings, key: SecureKey): boolean {
  return Boolean(options.secureJsonFields?.[key]);
}

/** True when a secret is stored or was just entered. */
function hasSecret(options: Settings, key: SecureKey): boolean {
  return isConfigured(options, key) || Boolean(options.secureJsonData?.[key]);
}

export type Problems = Partial<Record<keyof PitwallOptions | SecureKey, string>>;

/**
 * Problems a user can fix before saving, by settings key; the backend checks
 * the same when it creates the instance (pkg/plugin/settings.go).
 */
export function validate(options: Settings): Problems {
  const jsonData = options.jsonData ?? {};
  const problems: Problems = {};
  const brokers = (jsonData.bootstrapServers ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) {
    problems.bootstrapServers = 'At least one broker is needed, as host:port';
  } else {
    const bad = brokers.filter((b) => !/^[^\s:/]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
    if (bad.length) {
      problems.bootstrapServers = `Not host:port: ${bad.join(', ')}`;
    }
  }
  Object.assign(problems, saslProblems(options));
  if (jsonData.tlsEnabled && hasSecret(options, 'tlsClientCert') !== hasSecret(options, 'tlsClientKey')) {
    problems.tlsClientKey = 'Mutual TLS needs both the client certificate and its key';
  }
  const url = jsonData.schemaRegistryUrl?.trim();
  if (url && !/^https?:\/\/[^\s/]+/.test(url)) {
    problems.schemaRegistryUrl = 'The registry URL starts with http:// or https://';
  }
  if (hasSecret(options, 'schemaRegistryPassword') && !jsonData.schemaRegistryUsername) {
    problems.schemaRegistryUsername = 'A registry password needs a username';
  }
  const t = jsonData.timeoutSeconds;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 300)) {
    problems.timeoutSeconds = 'The timeout is a whole number of seconds from 1 to 300';
  }
  const m = jsonData.maxStreams;
  if (m !== undefined && (!Number.isInteger(m) || m < 1 || m > 1000)) {
    problems.maxStreams = 'Live streams is a whole number from 1 to 1000';
  }
  return problems;
}

const MECHANISMS_WITH_PASSWORD = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** What the chosen SASL mechanism still needs (pkg/kafka's SASL builder checks the same). */
function saslProblems(options: Settings): Problems {
  const jsonData = options.jsonData ?? {};
  const mech = jsonData.saslMechanism;
  const problems: Problems = {};
  if (mech && MECHANISMS_WITH_PASSWORD.includes(mech)) {
    if (!jsonData.saslUsername) {
      problems.saslUsername = `${mech} needs a username`;
    }
    if (!hasSecret(options, 'saslPassword')) {
      problems.saslPassword = `${mech} needs a password`;
    }
  }
  if (mech === 'OAUTHBEARER') {
    if (!/^https?:\/\/[^\s/@]+/.test(jsonData.oauthTokenUrl?.trim() ?? '')) {
      problems.oauthTokenUrl = 'OAUTHBEARER needs the token endpoint, an http(s) URL';
    }
    if (!jsonData.oauthClientId?.trim()) {
      problems.oauthClientId = 'OAUTHBEARER needs a client ID';
    }
    if (!hasSecret(options, 'oauthClientSecret')) {
      problems.oauthClientSecret = 'OAUTHBEARER needs a client secret';
    }
    const bad = (jsonData.oauthExtensions ?? '')
      .split(',')
      .map((kv) => kv.trim())
      .filter((kv) => kv && !/^[A-Za-z]+=[\x21-\x7E ]+$/.test(kv));
    if (bad.length) {
      problems.oauthExtensions = `Not key=value (key: letters only): ${bad.join(', ')}`;
    }
  }
  if (mech === 'AWS_MSK_IAM') {
    if (!jsonData.tlsEnabled) {
      problems.awsAuthType = 'Amazon MSK takes IAM authentication on its TLS listener only: turn TLS on';
    }
    if ((jsonData.awsAuthType ?? 'keys') === 'keys') {
      if (!hasSecret(options, 'awsAccessKeyId')) {
        problems.awsAccessKeyId = 'AWS keys need the access key ID';
      }
      if (!hasSecret(options, 'awsSecretAccessKey')) {
        problems.awsSecretAccessKey = 'AWS keys need the secret access key';
      }
    }
  }
  return problems;
}
