import { config } from '@grafana/runtime';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { renderConfigEditor, settings } from '../testing/configHarness';

/** The issue-17 settings of DESIGN.md (OAUTHBEARER, AWS_MSK_IAM, the secure SOCKS proxy). */
const JSON_KEYS = [
  'bootstrapServers',
  'saslMechanism',
  'tlsEnabled',
  'oauthTokenUrl',
  'oauthClientId',
  'oauthScopes',
  'oauthAudience',
  'oauthExtensions',
  'awsAuthType',
  'awsRegion',
  'enableSecureSocksProxy',
];
const SECURE_KEYS = ['oauthClientSecret', 'awsAccessKeyId', 'awsSecretAccessKey', 'awsSessionToken'];

const byId = (id: string) => document.getElementById(id)!;

/** The nearest ancestor of a control (by id) that also holds its Reset button. */
function secretOf(id: string): HTMLElement {
  let el = byId(id).parentElement!;
  while (!within(el).queryByRole('button', { name: 'Reset' })) {
    el = el.parentElement!;
  }
  return el;
}

describe('ConfigEditor: OAUTHBEARER, AWS MSK IAM and the secure SOCKS proxy', () => {
  const saved = { ...config };
  afterEach(() => {
    config.secureSocksDSProxyEnabled = saved.secureSocksDSProxyEnabled;
    config.awsAllowedAuthProviders = saved.awsAllowedAuthProviders;
  });

  it('writes the OAUTHBEARER settings, the client secret only as a secret', async () => {
    const { last, changes } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    await userEvent.click(screen.getByRole('radio', { name: 'OAUTHBEARER' }));
    expect(document.getElementById('pitwall-sasl-username')).toBeNull();
    expect(screen.getByText('OAUTHBEARER needs the token endpoint, an http(s) URL')).toBeInTheDocument();
    expect(screen.getByText('OAUTHBEARER needs a client ID')).toBeInTheDocument();
    expect(screen.getByText('OAUTHBEARER needs a client secret')).toBeInTheDocument();
    await userEvent.type(byId('pitwall-oauth-token-url'), 'https://idp.example.com/oauth2/token');
    await userEvent.type(byId('pitwall-oauth-client-id'), 'grafana');
    await userEvent.type(byId('pitwall-oauth-client-secret'), 'cl13nt-s3cret');
    await userEvent.type(byId('pitwall-oauth-scopes'), 'kafka:read kafka:describe');
    await userEvent.type(byId('pitwall-oauth-audience'), 'kafka');
    await userEvent.type(byId('pitwall-oauth-extensions'), 'logicalCluster=lkc-1,identityPoolId=pool-2');
    expect(last().jsonData).toEqual({
      bootstrapServers: 'k:9092',
      saslMechanism: 'OAUTHBEARER',
      oauthTokenUrl: 'https://idp.example.com/oauth2/token',
      oauthClientId: 'grafana',
      oauthScopes: 'kafka:read kafka:describe',
      oauthAudience: 'kafka',
      oauthExtensions: 'logicalCluster=lkc-1,identityPoolId=pool-2',
    });
    expect(last().secureJsonData).toEqual({ oauthClientSecret: 'cl13nt-s3cret' });
    expect(screen.queryByText(/^OAUTHBEARER needs/)).not.toBeInTheDocument();
    for (const c of changes) {
      expect(JSON.stringify(c.jsonData)).not.toContain('s3cret');
      Object.keys(c.jsonData).forEach((k) => expect(JSON_KEYS).toContain(k));
      Object.keys(c.secureJsonData ?? {}).forEach((k) => expect(SECURE_KEYS).toContain(k));
    }
  });

  it('says what is wrong with SASL extensions', async () => {
    renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092', saslMechanism: 'OAUTHBEARER' } }));
    await userEvent.type(byId('pitwall-oauth-extensions'), 'logicalCluster=lkc-1,pool-id=2,oops');
    expect(screen.getByText('Not key=value (key: letters only): pool-id=2, oops')).toBeInTheDocument();
  });

  it('shows a stored client secret as configured, and resets it', async () => {
    const { last } = renderConfigEditor(
      settings({
        jsonData: {
          bootstrapServers: 'k:9092',
          saslMechanism: 'OAUTHBEARER',
          oauthTokenUrl: 'https://idp/t',
          oauthClientId: 'c',
        },
        secureJsonFields: { oauthClientSecret: true },
      })
    );
    expect(byId('pitwall-oauth-client-secret')).toHaveValue('configured');
    expect(screen.queryByText('OAUTHBEARER needs a client secret')).not.toBeInTheDocument();
    await userEvent.click(within(secretOf('pitwall-oauth-client-secret')).getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.oauthClientSecret).toBe(false);
    expect(last().secureJsonData?.oauthClientSecret).toBe('');
    expect(screen.getByText('OAUTHBEARER needs a client secret')).toBeInTheDocument();
  });

  it('writes AWS MSK IAM keys as secrets, and wants TLS', async () => {
    const { last } = renderConfigEditor(
      settings({ jsonData: { bootstrapServers: 'b-1.x.kafka.eu-west-1.amazonaws.com:9098' } })
    );
    await userEvent.click(screen.getByRole('radio', { name: 'AWS MSK IAM' }));
    expect(screen.getByText(/turn TLS on/)).toBeInTheDocument();
    expect(screen.getByText('AWS keys need the access key ID')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/^Use TLS/));
    expect(screen.queryByText(/turn TLS on/)).not.toBeInTheDocument();
    await userEvent.type(byId('pitwall-aws-access-key-id'), 'AKIAEXAMPLE');
    await userEvent.type(byId('pitwall-aws-secret-access-key'), 'k3y');
    await userEvent.type(byId('pitwall-aws-session-token'), 't0ken');
    expect(last().jsonData).toMatchObject({ saslMechanism: 'AWS_MSK_IAM', tlsEnabled: true });
    expect(last().secureJsonData).toEqual({
      awsAccessKeyId: 'AKIAEXAMPLE',
      awsSecretAccessKey: 'k3y',
      awsSessionToken: 't0ken',
    });
    expect(JSON.stringify(last().jsonData)).not.toMatch(/AKIA|k3y|t0ken/);
    expect(screen.queryByText(/^AWS keys need/)).not.toBeInTheDocument();
  });

  it("offers Grafana's own AWS identity, and warns when Grafana does not allow it", async () => {
    config.awsAllowedAuthProviders = ['keys', 'credentials'];
    const { last } = renderConfigEditor(
      settings({ jsonData: { bootstrapServers: 'k:9098', saslMechanism: 'AWS_MSK_IAM', tlsEnabled: true } })
    );
    await userEvent.click(screen.getByRole('radio', { name: 'Grafana server identity' }));
    expect(last().jsonData.awsAuthType).toBe('default');
    expect(document.getElementById('pitwall-aws-access-key-id')).toBeNull();
    expect(screen.getByText('This Grafana does not allow its own AWS identity')).toBeInTheDocument();
    await userEvent.type(byId('pitwall-aws-region'), 'eu-west-1');
    expect(last().jsonData.awsRegion).toBe('eu-west-1');
    expect(screen.queryByText(/^AWS keys need/)).not.toBeInTheDocument();
  });

  it('does not warn where Grafana allows its AWS identity', () => {
    config.awsAllowedAuthProviders = ['default', 'keys'];
    renderConfigEditor(
      settings({
        jsonData: {
          bootstrapServers: 'k:9098',
          saslMechanism: 'AWS_MSK_IAM',
          tlsEnabled: true,
          awsAuthType: 'default',
        },
      })
    );
    expect(screen.queryByText('This Grafana does not allow its own AWS identity')).not.toBeInTheDocument();
  });

  it('offers the secure SOCKS proxy only where Grafana has one', async () => {
    config.secureSocksDSProxyEnabled = false;
    const { unmount } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    expect(screen.queryByText('Secure Socks Proxy')).not.toBeInTheDocument();
    unmount();

    config.secureSocksDSProxyEnabled = true;
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    expect(screen.getByText('Secure Socks Proxy')).toBeInTheDocument();
    await userEvent.click(within(screen.getByText('Secure Socks Proxy').closest('div')!).getByRole('switch'));
    expect(last().jsonData.enableSecureSocksProxy).toBe(true);
  });

  it('warns when the datasource wants a proxy this Grafana does not have', () => {
    config.secureSocksDSProxyEnabled = false;
    renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092', enableSecureSocksProxy: true } }));
    expect(screen.getByText('This Grafana has no secure SOCKS proxy')).toBeInTheDocument();
    expect(screen.getByText('Secure Socks Proxy')).toBeInTheDocument();
  });
});
