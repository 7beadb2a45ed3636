import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { renderConfigEditor, settings } from '../testing/configHarness';

/** The settings names of DESIGN.md. */
const JSON_KEYS = [
  'bootstrapServers',
  'clientId',
  'saslMechanism',
  'saslUsername',
  'tlsEnabled',
  'tlsSkipVerify',
  'tlsServerName',
  'schemaRegistryUrl',
  'schemaRegistryUsername',
  'schemaRegistryTlsSkipVerify',
  'timeoutSeconds',
  'viewersControlRace',
  'maxStreams',
];
const SECURE_KEYS = ['saslPassword', 'tlsCACert', 'tlsClientCert', 'tlsClientKey', 'schemaRegistryPassword'];

/** The nearest ancestor of a control (by id) that also holds its Reset button. */
function secretOf(id: string): HTMLElement {
  let el = document.getElementById(id)!.parentElement!;
  while (!within(el).queryByRole('button', { name: 'Reset' })) {
    el = el.parentElement!;
  }
  return el;
}

describe('ConfigEditor', () => {
  it('writes the Kafka settings under the DESIGN.md names', async () => {
    const { last } = renderConfigEditor(settings());
    await userEvent.type(screen.getByLabelText(/Bootstrap servers/), 'b1:9092,b2:9092');
    await userEvent.type(screen.getByLabelText(/^Client ID/), 'grafana-eu');
    await userEvent.type(screen.getByLabelText(/^Timeout/), '15');
    await userEvent.tab();
    expect(last().jsonData).toEqual({
      bootstrapServers: 'b1:9092,b2:9092',
      clientId: 'grafana-eu',
      timeoutSeconds: 15,
    });
  });

  it('explains every field', () => {
    renderConfigEditor(settings());
    expect(screen.getByText(/Comma-separated host:port list of brokers/)).toBeInTheDocument();
    expect(screen.getByText(/Seconds to wait for the brokers/)).toBeInTheDocument();
    expect(screen.getByText(/Confluent-compatible Schema Registry/)).toBeInTheDocument();
  });

  it('says what is wrong with the brokers', async () => {
    renderConfigEditor(settings());
    expect(screen.getByText('At least one broker is needed, as host:port')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Bootstrap servers/), 'kafka:9092,nohost');
    expect(screen.getByText('Not host:port: nohost')).toBeInTheDocument();
  });

  it('shows SASL user and password only with a mechanism, and keeps the password secure', async () => {
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    expect(screen.queryByLabelText(/^Username/, { selector: '#pitwall-sasl-username' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'SCRAM-SHA-512' }));
    expect(last().jsonData.saslMechanism).toBe('SCRAM-SHA-512');
    expect(screen.getByText('SCRAM-SHA-512 needs a username')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^Username/, { selector: '#pitwall-sasl-username' }), 'alice');
    await userEvent.type(screen.getByLabelText(/^Password/, { selector: '#pitwall-sasl-password' }), 's3cret');
    expect(last().jsonData.saslUsername).toBe('alice');
    expect(last().secureJsonData).toEqual({ saslPassword: 's3cret' });
    expect(JSON.stringify(last().jsonData)).not.toContain('s3cret');
  });

  it('shows a configured secret without its value, and resets it', async () => {
    const { last } = renderConfigEditor(
      settings({
        jsonData: { bootstrapServers: 'k:9092', saslMechanism: 'PLAIN', saslUsername: 'bob' },
        secureJsonFields: { saslPassword: true },
      })
    );
    const password = screen.getByLabelText(/^Password/, { selector: '#pitwall-sasl-password' });
    expect(password).toHaveValue('configured');
    expect(password).toBeDisabled();
    await userEvent.click(within(secretOf('pitwall-sasl-password')).getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.saslPassword).toBe(false);
    expect(last().secureJsonData?.saslPassword).toBe('');
    expect(screen.getByLabelText(/^Password/, { selector: '#pitwall-sasl-password' })).toBeEnabled();
  });

  it('shows the TLS fields once TLS is on, with certificates and key as secrets', async () => {
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9093' } }));
    expect(screen.queryByLabelText(/^CA certificate/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/^Use TLS/));
    expect(last().jsonData.tlsEnabled).toBe(true);
    await userEvent.click(screen.getByLabelText(/^Skip certificate verification/));
    await userEvent.type(screen.getByLabelText(/^Server name/), 'kafka.internal');
    await userEvent.type(screen.getByLabelText(/^CA certificate/), 'CA-PEM');
    await userEvent.type(screen.getByLabelText(/^Client certificate/), 'CERT-PEM');
    await userEvent.type(screen.getByLabelText(/^Client key/), 'KEY-PEM');
    expect(last().jsonData).toMatchObject({ tlsEnabled: true, tlsSkipVerify: true, tlsServerName: 'kafka.internal' });
    expect(last().secureJsonData).toEqual({ tlsCACert: 'CA-PEM', tlsClientCert: 'CERT-PEM', tlsClientKey: 'KEY-PEM' });
  });

  it('resets a configured client key', async () => {
    const { last } = renderConfigEditor(
      settings({ jsonData: { bootstrapServers: 'k:9093', tlsEnabled: true }, secureJsonFields: { tlsClientKey: true } })
    );
    await userEvent.click(within(secretOf('pitwall-tls-client-key')).getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.tlsClientKey).toBe(false);
    expect(last().secureJsonData?.tlsClientKey).toBe('');
  });

  it('writes the Schema Registry settings', async () => {
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    await userEvent.type(screen.getByLabelText(/^URL/), 'ftp://registry');
    expect(screen.getByText('The registry URL starts with http:// or https://')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText(/^URL/));
    await userEvent.type(screen.getByLabelText(/^URL/), 'http://registry:8081');
    await userEvent.type(screen.getByLabelText(/^Username/, { selector: '#pitwall-registry-username' }), 'sr');
    await userEvent.type(screen.getByLabelText(/^Password/, { selector: '#pitwall-registry-password' }), 'pw');
    expect(last().jsonData).toMatchObject({ schemaRegistryUrl: 'http://registry:8081', schemaRegistryUsername: 'sr' });
    expect(last().secureJsonData).toEqual({ schemaRegistryPassword: 'pw' });
  });

  it('writes the race control and live stream settings, and checks the bound', async () => {
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9092' } }));
    await userEvent.click(screen.getByLabelText(/^Viewers control races/));
    expect(last().jsonData.viewersControlRace).toBe(true);
    await userEvent.type(screen.getByLabelText(/^Live streams/), '5000');
    await userEvent.tab();
    expect(screen.getByText('Live streams is a whole number from 1 to 1000')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText(/^Live streams/));
    await userEvent.type(screen.getByLabelText(/^Live streams/), '20');
    await userEvent.tab();
    expect(last().jsonData.maxStreams).toBe(20);
  });

  it('offers its own certificate check for an https registry, apart from the brokers', async () => {
    const { last } = renderConfigEditor(settings({ jsonData: { bootstrapServers: 'k:9093', tlsEnabled: true } }));
    expect(screen.queryByLabelText(/^Skip registry certificate verification/)).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^URL/), 'https://registry:8081');
    await userEvent.click(screen.getByLabelText(/^Skip registry certificate verification/));
    expect(last().jsonData).toMatchObject({ schemaRegistryTlsSkipVerify: true });
    expect(last().jsonData.tlsSkipVerify).toBeUndefined();
  });

  it('says what a SASL mechanism, mutual TLS and the registry still need', () => {
    renderConfigEditor(
      settings({
        jsonData: { bootstrapServers: 'k:9092', saslMechanism: 'PLAIN', tlsEnabled: true },
        secureJsonFields: { tlsClientCert: true, schemaRegistryPassword: true },
      })
    );
    expect(screen.getByText('PLAIN needs a username')).toBeInTheDocument();
    expect(screen.getByText('PLAIN needs a password')).toBeInTheDocument();
    expect(screen.getByText('Mutual TLS needs both the client certificate and its key')).toBeInTheDocument();
    expect(screen.getByText('A registry password needs a username')).toBeInTheDocument();
  });

  it('accepts a stored SASL password, and refuses a timeout above 300 s', async () => {
    renderConfigEditor(
      settings({
        jsonData: { bootstrapServers: 'k:9092', saslMechanism: 'PLAIN', saslUsername: 'u' },
        secureJsonFields: { saslPassword: true },
      })
    );
    expect(screen.queryByText('PLAIN needs a password')).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^Timeout/), '301');
    await userEvent.tab();
    expect(screen.getByText('The timeout is a whole number of seconds from 1 to 300')).toBeInTheDocument();
  });

  it('uses no names outside DESIGN.md', async () => {
    const { changes } = renderConfigEditor(settings());
    await userEvent.type(screen.getByLabelText(/Bootstrap servers/), 'k:9092');
    await userEvent.click(screen.getByRole('radio', { name: 'PLAIN' }));
    await userEvent.type(screen.getByLabelText(/^Username/, { selector: '#pitwall-sasl-username' }), 'u');
    await userEvent.type(screen.getByLabelText(/^Password/, { selector: '#pitwall-sasl-password' }), 'p');
    await userEvent.click(screen.getByLabelText(/^Use TLS/));
    await userEvent.type(screen.getByLabelText(/^CA certificate/), 'c');
    for (const c of changes) {
      for (const k of Object.keys(c.jsonData)) {
        expect(JSON_KEYS).toContain(k);
      }
      for (const k of Object.keys(c.secureJsonData ?? {})) {
        expect(SECURE_KEYS).toContain(k);
      }
    }
  });
});
