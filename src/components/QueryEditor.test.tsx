import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PitwallDataSource } from '../datasource';
import { FakeBackend } from '../testing/fakeBackend';
import { FixedTemplateSrv, instanceSettings } from '../testing/datasources';
import { renderQueryEditor } from '../testing/editorHarness';
import { QueryType } from '../types';

let backend: FakeBackend;
let ds: PitwallDataSource;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend
    .on('GET', '/resources/topics', {
      data: [
        { name: 'f1-telemetry', partitions: 4 },
        { name: 'orders', partitions: 2 },
      ],
    })
    .on('GET', '/resources/drivers', { data: ['VER', 'LEC', 'HAM'] })
    .on('GET', /\/resources\/topics\/[^/]+\/partitions$/, { data: [0, 1, 2, 3] });
  const templates = new FixedTemplateSrv({ driver: 'VER' }) as unknown as TemplateSrv;
  setTemplateSrv(templates);
  ds = new PitwallDataSource(instanceSettings(), templates);
});

/** Which optional controls each query type shows (labels of the editor's fields). */
const EXPECTED: Record<QueryType, string[]> = {
  raw: ['Partition', 'Fields', 'Kafka columns', 'Time field', 'Key format', 'Series by'],
  telemetry: ['Partition', 'Drivers', 'Fields'],
  wheelSpin: ['Drivers', 'Spin threshold', 'Show'],
  gearAnomalies: ['Drivers', 'Show'],
  alerts: ['Drivers', 'Overspeed', 'Severity'],
  leaderboard: ['Drivers', 'Show'],
  averageSpeed: ['Drivers', 'Show'],
  raceControl: [],
  predictions: ['Drivers', 'Show', 'Model', 'Within'],
};
const OPTIONAL = [
  'Partition',
  'Drivers',
  'Fields',
  'Kafka columns',
  'Time field',
  'Key format',
  'Series by',
  'Spin threshold',
  'Overspeed',
];
/** Labels without a single control (radio groups): found as text. */
const GROUPS = ['Show', 'Severity', 'Model', 'Within'];

describe('QueryEditor fields per query type', () => {
  it.each(Object.keys(EXPECTED) as QueryType[])('%s shows only what matters', async (queryType) => {
    renderQueryEditor(ds, { refId: 'A', queryType });
    // Every type has these.
    for (const label of ['Query type', /^Topic/, 'Stream']) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Format')).toBeInTheDocument();
    expect(screen.getByText('Offset')).toBeInTheDocument();
    expect(screen.getByText('Transactions')).toBeInTheDocument();
    for (const label of OPTIONAL) {
      if (EXPECTED[queryType].includes(label)) {
        expect(screen.getByLabelText(label)).toBeInTheDocument();
      } else {
        expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
      }
    }
    for (const label of GROUPS) {
      expect(screen.queryByText(label) !== null).toBe(EXPECTED[queryType].includes(label));
    }
    // Wait for the resource calls to settle so no update happens after the test.
    await waitFor(() => expect(backend.to('GET', '/resources/topics').length).toBeGreaterThan(0));
  });

  it('describes the chosen query type', async () => {
    renderQueryEditor(ds, { refId: 'A', queryType: 'wheelSpin' });
    expect(screen.getByText(/Slip % per driver/)).toBeInTheDocument();
    await screen.findByLabelText(/^Topic/);
  });

  it('asks for a topic on raw queries', async () => {
    renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: '' });
    expect(await screen.findByText('A raw query needs a topic')).toBeInTheDocument();
  });
});

describe('QueryEditor changes apply at once', () => {
  it('switching the query type resets the topic to the new default and runs the query', async () => {
    const { calls, last } = renderQueryEditor(ds, { refId: 'A', queryType: 'telemetry', topic: 'f1-telemetry' });
    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(await screen.findByRole('option', { name: /Alerts/ }));
    expect(last()).toMatchObject({ queryType: 'alerts', topic: '' });
    expect(calls.runs).toBe(1);
    // The alerts-only control is now shown, the telemetry-only one is gone.
    expect(screen.getByLabelText('Overspeed')).toBeInTheDocument();
    expect(screen.queryByLabelText('Partition')).not.toBeInTheDocument();
  });

  it('autocompletes topics from the topics resource', async () => {
    const { last, calls } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: '' });
    await userEvent.click(screen.getByLabelText(/^Topic/));
    expect(await screen.findByRole('option', { name: /f1-telemetry/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /orders/ }));
    expect(last().topic).toBe('orders');
    expect(calls.runs).toBe(1);
  });

  it('accepts a topic the cluster does not list yet', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: '' });
    await userEvent.type(screen.getByLabelText(/^Topic/), 'payments{Enter}');
    expect(last().topic).toBe('payments');
  });

  it('offers drivers from the drivers resource and the dashboard variables', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'telemetry', drivers: [] });
    await userEvent.click(screen.getByLabelText('Drivers'));
    expect(await screen.findByRole('option', { name: /LEC/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: /\$driver/ }));
    expect(last().drivers).toEqual(['$driver']);
  });

  it('writes a typed driver code upper-case, and a code given twice once', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'telemetry', drivers: ['HAM'] });
    await userEvent.type(screen.getByLabelText('Drivers'), ' nor');
    await userEvent.click(await screen.findByRole('option', { name: /nor/ }));
    expect(last().drivers).toEqual(['HAM', 'NOR']);
    await userEvent.clear(screen.getByLabelText('Drivers')); // the search keeps "nor"
    await userEvent.type(screen.getByLabelText('Drivers'), 'ham ');
    await userEvent.click(await screen.findByRole('option', { name: /ham/ }));
    expect(last().drivers).toEqual(['HAM', 'NOR']);
  });

  it('shows N only for the last-N offset, and commits it on blur', async () => {
    const { last, calls } = renderQueryEditor(ds, { refId: 'A', queryType: 'telemetry', offset: 'timeRange' });
    expect(screen.queryByLabelText('N')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Last N' }));
    expect(last().offset).toBe('lastN');
    const n = screen.getByLabelText('N');
    await userEvent.clear(n);
    await userEvent.type(n, '250');
    const runsBefore = calls.runs;
    await userEvent.tab();
    expect(last().lastN).toBe(250);
    expect(calls.runs).toBe(runsBefore + 1);
  });

  it('toggles streaming, and then offers the flush interval', async () => {
    const { last, calls } = renderQueryEditor(ds, { refId: 'A', queryType: 'leaderboard', stream: false });
    expect(screen.queryByLabelText('Flush every')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Stream'));
    expect(last().stream).toBe(true);
    expect(calls.runs).toBe(1);
    await userEvent.type(screen.getByLabelText('Flush every'), '250');
    await userEvent.tab();
    expect(last().flushMs).toBe(250);
  });

  it('chooses which frames a query returns', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'gearAnomalies' });
    expect(screen.getByRole('radio', { name: 'All' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Gear distribution' }));
    expect(last().view).toBe('distribution');
    await screen.findByLabelText('Drivers');
  });

  it('chooses the prediction model and horizon', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'predictions' });
    expect(screen.getByRole('radio', { name: 'Pit window' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '3 laps' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: '5 laps' }));
    expect(last().horizonLaps).toBe(5);
    await userEvent.click(screen.getByRole('radio', { name: 'Tyre cliff' }));
    expect(last()).toMatchObject({ model: 'tyre_cliff', horizonLaps: undefined });
    // The tyre cliff has no horizon.
    expect(screen.queryByText('Within')).not.toBeInTheDocument();
    await screen.findByLabelText('Drivers');
  });

  it('sets raw Kafka columns and the time field', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: 'orders' });
    await userEvent.click(screen.getByLabelText('Kafka columns'));
    await userEvent.click(await screen.findByRole('option', { name: 'Key' }));
    expect(last().columns).toEqual(['key']);
    await userEvent.type(screen.getByLabelText('Time field'), 'event.ts{Enter}');
    expect(last().timeField).toBe('event.ts');
  });

  it('lists the partitions of the chosen topic', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: 'orders', partition: -1 });
    await userEvent.click(screen.getByLabelText('Partition'));
    await userEvent.click(await screen.findByRole('option', { name: '3' }));
    expect(last().partition).toBe(3);
    expect(backend.to('GET', '/resources/topics/orders/partitions')).toHaveLength(1);
  });

  it('shows why topics could not be listed', async () => {
    backend.on('GET', '/resources/topics', { status: 502, data: { error: 'broker kafka:9092 unreachable' } });
    renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: '' });
    expect(
      await screen.findByLabelText('Could not list topics: broker kafka:9092 unreachable (HTTP 502)')
    ).toBeInTheDocument();
  });

  it('offers every payload format', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: 'orders' });
    expect(screen.queryByLabelText('Precision')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Format'));
    for (const name of ['Auto', 'JSON', 'Avro', 'Protobuf', 'JSON Schema', 'Text', 'Line protocol']) {
      expect(await screen.findByRole('option', { name: new RegExp('^' + name + '(?! Schema)') })).toBeInTheDocument();
    }
    await userEvent.click(screen.getByRole('option', { name: /^Protobuf/ }));
    expect(last().format).toBe('protobuf');
  });

  it('asks for the timestamp precision of line protocol', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: 'telegraf', format: 'influx' });
    await userEvent.click(screen.getByLabelText('Precision'));
    await userEvent.click(await screen.findByRole('option', { name: 'ms' }));
    expect(last().precision).toBe('ms');
  });

  it('sets the key format, the headers column and the series of a raw query', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'raw', topic: 'orders' });
    await userEvent.click(screen.getByLabelText('Key format'));
    await userEvent.click(await screen.findByRole('option', { name: /^Avro/ }));
    expect(last().keyFormat).toBe('avro');
    await userEvent.click(screen.getByLabelText('Kafka columns'));
    await userEvent.click(await screen.findByRole('option', { name: 'Headers' }));
    expect(last().columns).toEqual(['headers']);
    await userEvent.type(screen.getByLabelText('Series by'), 'kafka.header.region');
    await userEvent.click(await screen.findByRole('option', { name: /kafka\.header\.region/ }));
    expect(last().seriesBy).toEqual(['kafka.header.region']);
  });

  it('splits series by at most four columns', async () => {
    const { calls, last } = renderQueryEditor(ds, {
      refId: 'A',
      queryType: 'raw',
      topic: 'orders',
      seriesBy: ['kafka.key', 'a', 'b'],
    });
    await userEvent.type(screen.getByLabelText('Series by'), 'c');
    await userEvent.click(await screen.findByRole('option', { name: /^c/ }));
    expect(last().seriesBy).toEqual(['kafka.key', 'a', 'b', 'c']);
    await userEvent.type(screen.getByLabelText('Series by'), 'd'); // the search keeps "c": a fifth name, "cd"
    await userEvent.click(await screen.findByRole('option', { name: /^cd/ }));
    expect(calls.changes.map((q) => q.seriesBy?.length)).not.toContain(5);
    expect(last().seriesBy).toEqual(['kafka.key', 'a', 'b', 'c']);
  });

  it('reads uncommitted records when asked', async () => {
    const { last } = renderQueryEditor(ds, { refId: 'A', queryType: 'telemetry' });
    expect(screen.getByRole('radio', { name: 'Committed' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'Uncommitted' }));
    expect(last().isolation).toBe('read_uncommitted');
    await screen.findByLabelText('Drivers');
  });
});
