import { SelectableValue } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Alert, Field, FieldSet, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';
import React from 'react';

import { AwsAuthType, PitwallOptions, SaslMechanism } from '../types';
import { FIELD_WIDTH as WIDTH, Problems, secretProps, Settings } from './configUpdates';

const SASL_OPTIONS: Array<SelectableValue<SaslMechanism>> = [
  { value: '', label: 'None', description: 'No SASL authentication' },
  { value: 'PLAIN', label: 'PLAIN', description: 'Username and password in clear (use with TLS)' },
  { value: 'SCRAM-SHA-256', label: 'SCRAM-SHA-256', description: 'Salted challenge-response, SHA-256' },
  { value: 'SCRAM-SHA-512', label: 'SCRAM-SHA-512', description: 'Salted challenge-response, SHA-512' },
  {
    value: 'OAUTHBEARER',
    label: 'OAUTHBEARER',
    description: 'OAuth 2.0 tokens from your identity provider (client credentials)',
  },
  { value: 'AWS_MSK_IAM', label: 'AWS MSK IAM', description: 'Amazon MSK with IAM access control' },
];

const AWS_AUTH_OPTIONS: Array<SelectableValue<AwsAuthType>> = [
  {
    value: 'keys',
    label: 'Access keys',
    description: 'An access key ID and secret access key stored in this datasource',
  },
  {
    value: 'default',
    label: 'Grafana server identity',
    description: "The AWS SDK's default credential chain of the Grafana server",
  },
];

interface Props {
  options: Settings;
  onOptionsChange: (o: Settings) => void;
  problems: Problems;
  set: (patch: Partial<PitwallOptions>) => void;
}

/** The SASL part of the settings page: the mechanism and its credentials. */
export function SaslSettings({ options, onOptionsChange, problems, set }: Props) {
  const jsonData = options.jsonData ?? {};
  const mech = jsonData.saslMechanism ?? '';
  const secret = (key: Parameters<typeof secretProps>[2]) => secretProps(options, onOptionsChange, key);
  return (
    <FieldSet label="Authentication (SASL)">
      <Field label="Mechanism" description="The SASL mechanism your brokers expect; None for no authentication">
        <RadioButtonGroup<SaslMechanism>
          id="pitwall-sasl-mechanism"
          options={SASL_OPTIONS}
          value={mech}
          onChange={(saslMechanism) => set({ saslMechanism })}
        />
      </Field>
      {['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mech) && (
        <>
          <Field
            label="Username"
            description="The SASL user"
            invalid={Boolean(problems.saslUsername)}
            error={problems.saslUsername}
          >
            <Input
              id="pitwall-sasl-username"
              width={WIDTH}
              value={jsonData.saslUsername ?? ''}
              onChange={(e) => set({ saslUsername: e.currentTarget.value })}
            />
          </Field>
          <Field
            label="Password"
            description="The SASL password; stored encrypted and never sent back to the browser"
            invalid={Boolean(problems.saslPassword)}
            error={problems.saslPassword}
          >
            <SecretInput id="pitwall-sasl-password" width={WIDTH} {...secret('saslPassword')} />
          </Field>
        </>
      )}
      {mech === 'OAUTHBEARER' && <OAuthFields {...{ options, onOptionsChange, problems, set }} />}
      {mech === 'AWS_MSK_IAM' && <AwsFields {...{ options, onOptionsChange, problems, set }} />}
    </FieldSet>
  );
}

function OAuthFields({ options, onOptionsChange, problems, set }: Props) {
  const jsonData = options.jsonData ?? {};
  return (
    <>
      <Field
        label="Token URL"
        description="The OAuth 2.0 token endpoint of your identity provider; Pitwall asks it for tokens with the client credentials and renews them before they expire"
        invalid={Boolean(problems.oauthTokenUrl)}
        error={problems.oauthTokenUrl}
      >
        <Input
          id="pitwall-oauth-token-url"
          width={WIDTH}
          value={jsonData.oauthTokenUrl ?? ''}
          placeholder="https://idp.example.com/oauth2/token"
          onChange={(e) => set({ oauthTokenUrl: e.currentTarget.value })}
        />
      </Field>
      <Field
        label="Client ID"
        description="The OAuth client"
        invalid={Boolean(problems.oauthClientId)}
        error={problems.oauthClientId}
      >
        <Input
          id="pitwall-oauth-client-id"
          width={WIDTH}
          value={jsonData.oauthClientId ?? ''}
          onChange={(e) => set({ oauthClientId: e.currentTarget.value })}
        />
      </Field>
      <Field
        label="Client secret"
        description="Sent only to the token URL; stored encrypted and never sent back to the browser"
        invalid={Boolean(problems.oauthClientSecret)}
        error={problems.oauthClientSecret}
      >
        <SecretInput
          id="pitwall-oauth-client-secret"
          width={WIDTH}
          {...secretProps(options, onOptionsChange, 'oauthClientSecret')}
        />
      </Field>
      <Field
        label="Scopes"
        description="Scopes to ask for, separated by spaces or commas; empty for the client's default"
      >
        <Input
          id="pitwall-oauth-scopes"
          width={WIDTH}
          value={jsonData.oauthScopes ?? ''}
          placeholder="kafka"
          onChange={(e) => set({ oauthScopes: e.currentTarget.value })}
        />
      </Field>
      <Field
        label="Audience"
        description="Sent as the audience parameter, for identity providers that want one (Auth0); usually empty"
      >
        <Input
          id="pitwall-oauth-audience"
          width={WIDTH}
          value={jsonData.oauthAudience ?? ''}
          onChange={(e) => set({ oauthAudience: e.currentTarget.value })}
        />
      </Field>
      <Field
        label="SASL extensions"
        description="key=value pairs sent with the token, separated by commas; Confluent Cloud wants logicalCluster and identityPoolId"
        invalid={Boolean(problems.oauthExtensions)}
        error={problems.oauthExtensions}
      >
        <Input
          id="pitwall-oauth-extensions"
          width={WIDTH}
          value={jsonData.oauthExtensions ?? ''}
          placeholder="logicalCluster=lkc-…,identityPoolId=pool-…"
          onChange={(e) => set({ oauthExtensions: e.currentTarget.value })}
        />
      </Field>
    </>
  );
}

function AwsFields({ options, onOptionsChange, problems, set }: Props) {
  const jsonData = options.jsonData ?? {};
  const authType = jsonData.awsAuthType ?? 'keys';
  const secret = (key: Parameters<typeof secretProps>[2]) => secretProps(options, onOptionsChange, key);
  const defaultAllowed = (config.awsAllowedAuthProviders ?? []).includes('default');
  return (
    <>
      <Field
        label="Credentials"
        description="Where the IAM identity comes from. The brokers' region is read from their host names (b-1.<cluster>.kafka.<region>.amazonaws.com)"
        invalid={Boolean(problems.awsAuthType)}
        error={problems.awsAuthType}
      >
        <RadioButtonGroup<AwsAuthType>
          id="pitwall-aws-auth-type"
          options={AWS_AUTH_OPTIONS}
          value={authType}
          onChange={(awsAuthType) => set({ awsAuthType })}
        />
      </Field>
      {authType === 'keys' ? (
        <>
          <Field
            label="Access key ID"
            description="Stored encrypted"
            invalid={Boolean(problems.awsAccessKeyId)}
            error={problems.awsAccessKeyId}
          >
            <SecretInput id="pitwall-aws-access-key-id" width={WIDTH} {...secret('awsAccessKeyId')} />
          </Field>
          <Field
            label="Secret access key"
            description="Stored encrypted and never sent back to the browser"
            invalid={Boolean(problems.awsSecretAccessKey)}
            error={problems.awsSecretAccessKey}
          >
            <SecretInput id="pitwall-aws-secret-access-key" width={WIDTH} {...secret('awsSecretAccessKey')} />
          </Field>
          <Field label="Session token" description="For temporary credentials only">
            <SecretInput id="pitwall-aws-session-token" width={WIDTH} {...secret('awsSessionToken')} />
          </Field>
        </>
      ) : (
        <>
          {!defaultAllowed && (
            <Alert severity="warning" title="This Grafana does not allow its own AWS identity">
              An administrator allows it with [aws] allowed_auth_providers including default and
              forward_settings_to_plugins including pitwall-kafka-datasource; until then the health check refuses it.
            </Alert>
          )}
          <Field
            label="Region"
            description="The region of the default chain's own calls (STS, for web identity); empty for the chain's choice"
          >
            <Input
              id="pitwall-aws-region"
              width={WIDTH}
              value={jsonData.awsRegion ?? ''}
              placeholder="eu-west-1"
              onChange={(e) => set({ awsRegion: e.currentTarget.value })}
            />
          </Field>
        </>
      )}
    </>
  );
}
