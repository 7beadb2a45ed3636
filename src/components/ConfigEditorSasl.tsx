import { SelectableValue } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Alert, Field, FieldSet, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import { AwsAuthType, SaslMechanism } from '../types';
import { SecretSetting, TextSetting } from './SettingFields';
import { SettingsForm } from './configUpdates';

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

/** The SASL part of the settings page: the mechanism and its credentials. */
export function SaslSettings(form: SettingsForm) {
  const mech = form.options.jsonData?.saslMechanism ?? '';
  return (
    <FieldSet label="Authentication (SASL)">
      <Field label="Mechanism" description="The SASL mechanism your brokers expect; None for no authentication">
        <RadioButtonGroup<SaslMechanism>
          id="pitwall-sasl-mechanism"
          options={SASL_OPTIONS}
          value={mech}
          onChange={(saslMechanism) => form.set({ saslMechanism })}
        />
      </Field>
      {['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mech) && (
        <>
          <TextSetting
            form={form}
            name="saslUsername"
            id="pitwall-sasl-username"
            label="Username"
            description="The SASL user"
          />
          <SecretSetting
            form={form}
            name="saslPassword"
            id="pitwall-sasl-password"
            label="Password"
            description="The SASL password; stored encrypted and never sent back to the browser"
          />
        </>
      )}
      {mech === 'OAUTHBEARER' && <OAuthFields {...form} />}
      {mech === 'AWS_MSK_IAM' && <AwsFields {...form} />}
    </FieldSet>
  );
}

function OAuthFields(form: SettingsForm) {
  return (
    <>
      <TextSetting
        form={form}
        name="oauthTokenUrl"
        id="pitwall-oauth-token-url"
        label="Token URL"
        description="The OAuth 2.0 token endpoint of your identity provider; Pitwall asks it for tokens with the client credentials and renews them before they expire"
        placeholder="https://idp.example.com/oauth2/token"
      />
      <TextSetting
        form={form}
        name="oauthClientId"
        id="pitwall-oauth-client-id"
        label="Client ID"
        description="The OAuth client"
      />
      <SecretSetting
        form={form}
        name="oauthClientSecret"
        id="pitwall-oauth-client-secret"
        label="Client secret"
        description="Sent only to the token URL; stored encrypted and never sent back to the browser"
      />
      <TextSetting
        form={form}
        name="oauthScopes"
        id="pitwall-oauth-scopes"
        label="Scopes"
        description="Scopes to ask for, separated by spaces or commas; empty for the client's default"
        placeholder="kafka"
      />
      <TextSetting
        form={form}
        name="oauthAudience"
        id="pitwall-oauth-audience"
        label="Audience"
        description="Sent as the audience parameter, for identity providers that want one (Auth0); usually empty"
      />
      <TextSetting
        form={form}
        name="oauthExtensions"
        id="pitwall-oauth-extensions"
        label="SASL extensions"
        description="key=value pairs sent with the token, separated by commas; Confluent Cloud wants logicalCluster and identityPoolId"
        placeholder="logicalCluster=lkc-…,identityPoolId=pool-…"
      />
    </>
  );
}

function AwsFields(form: SettingsForm) {
  const authType = form.options.jsonData?.awsAuthType ?? 'keys';
  const defaultAllowed = (config.awsAllowedAuthProviders ?? []).includes('default');
  return (
    <>
      <Field
        label="Credentials"
        description="Where the IAM identity comes from. The brokers' region is read from their host names (b-1.<cluster>.kafka.<region>.amazonaws.com)"
        invalid={Boolean(form.problems.awsAuthType)}
        error={form.problems.awsAuthType}
      >
        <RadioButtonGroup<AwsAuthType>
          id="pitwall-aws-auth-type"
          options={AWS_AUTH_OPTIONS}
          value={authType}
          onChange={(awsAuthType) => form.set({ awsAuthType })}
        />
      </Field>
      {authType === 'keys' ? (
        <>
          <SecretSetting
            form={form}
            name="awsAccessKeyId"
            id="pitwall-aws-access-key-id"
            label="Access key ID"
            description="Stored encrypted"
          />
          <SecretSetting
            form={form}
            name="awsSecretAccessKey"
            id="pitwall-aws-secret-access-key"
            label="Secret access key"
            description="Stored encrypted and never sent back to the browser"
          />
          <SecretSetting
            form={form}
            name="awsSessionToken"
            id="pitwall-aws-session-token"
            label="Session token"
            description="For temporary credentials only"
          />
        </>
      ) : (
        <>
          {!defaultAllowed && (
            <Alert severity="warning" title="This Grafana does not allow its own AWS identity">
              An administrator allows it with [aws] allowed_auth_providers including default and
              forward_settings_to_plugins including pitwall-kafka-datasource; until then the health check refuses it.
            </Alert>
          )}
          <TextSetting
            form={form}
            name="awsRegion"
            id="pitwall-aws-region"
            label="Region"
            description="The region of the default chain's own calls (STS, for web identity); empty for the chain's choice"
            placeholder="eu-west-1"
          />
        </>
      )}
    </>
  );
}
