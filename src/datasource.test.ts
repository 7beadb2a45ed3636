import { CoreApp, DataFrame, DataQueryResponse, FieldType, createDataFrame, LoadingState } from '@grafana/data';
import { StreamingFrameAction, TemplateSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { pitwallAnnotations } from './annotations';
import { PitwallDataSource } from './datasource';
import { pitwallStreamOptionsProvider } from './streaming';
import { FakeBackend } from './testing/fakeBackend';
import { FixedTemplateSrv, instanceSettings, queryRequest } from './testing/datasources';
import { PitwallQuery } from './types';

function makeDs(vars: Record<string, string | string[]> = {}) {
  return new PitwallDataSource(instanceSettings(), new FixedTemplateSrv(vars) as unknown as TemplateSrv);
}

const request = queryRequest;

describe('applyTemplateVariables', () => {
  it('expands a multi-value driver variable into a list', () => {
    const ds = makeDs({ driver: ['VER', 'LEC'] });
    const out = ds.applyTemplateVariables({ refId: 'A', queryType: 'telemetry', drivers: ['$driver', 'HAM'] }, {});
    expect(out.drivers).toEqual(['VER', 'LEC', 'HAM']);
  });

  it('removes duplicates and keeps the order', () => {
    const ds = makeDs({ driver: ['VER', 'LEC'] });
    const out = ds.applyTemplateVariables({ refId: 'A', drivers: ['LEC', '${driver}'] }, {});
    expect(out.drivers).toEqual(['LEC', 'VER']);
  });

  it('turns an "All" custom value into an empty list (all drivers)', () => {
    const ds = makeDs({ driver: '*' });
    expect(ds.applyTemplateVariables({ refId: 'A', drivers: ['$driver'] }, {}).drivers).toEqual([]);
    const ds2 = makeDs({ driver: '$__all' });
    expect(ds2.applyTemplateVariables({ refId: 'A', drivers: ['$driver', 'VER'] }, {}).drivers).toEqual([]);
  });

  it('drops a variable the dashboard does not have instead of sending "$name"', () => {
    const ds = makeDs({});
    expect(ds.applyTemplateVariables({ refId: 'A', drivers: ['$driver', 'VER'] }, {}).drivers).toEqual(['VER']);
  });

  it('expands the topic and the fields too', () => {
    const ds = makeDs({ topic: 'f1-telemetry-eu', metric: ['speed_kph', 'rpm'] });
    const out = ds.applyTemplateVariables({ refId: 'A', topic: '$topic', fields: ['$metric', 'gear'] }, {});
    expect(out.topic).toBe('f1-telemetry-eu');
    expect(out.fields).toEqual(['speed_kph', 'rpm', 'gear']);
  });
});

describe('filterQuery', () => {
  const ds = makeDs();
  it('skips hidden queries and raw queries with no topic', () => {
    expect(ds.filterQuery({ refId: 'A', queryType: 'telemetry' })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', queryType: 'telemetry', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', queryType: 'raw', topic: '' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', queryType: 'raw', topic: 'orders' })).toBe(true);
  });
});

describe('streamOptionsProvider', () => {
  const frame = (refId: string): DataFrame => ({ ...createDataFrame({ fields: [] }), refId });

  it('replaces leaderboard snapshots', () => {
    const req = request([
      { refId: 'L', queryType: 'leaderboard', stream: true },
      { refId: 'T', queryType: 'telemetry', stream: true },
    ]);
    expect(pitwallStreamOptionsProvider(req, frame('L')).action).toBe(StreamingFrameAction.Replace);
  });

  it('appends other streams within max data points and the visible window', () => {
    const req = request([{ refId: 'T', queryType: 'telemetry', stream: true }], { maxDataPoints: 1200 });
    const opts = pitwallStreamOptionsProvider(req, frame('T'));
    expect(opts.action).toBe(StreamingFrameAction.Append);
    expect(opts.maxLength).toBe(1200);
    expect(opts.maxDelta).toBe(600_000);
  });

  it('keeps max data points per series of a labels-layout stream (all drivers in one frame)', () => {
    const req = request([{ refId: 'T', queryType: 'telemetry', stream: true }], { maxDataPoints: 1000 });
    const grid = Array.from({ length: 22 }, (_, i) => `driver=D${i}`);
    const labelled = {
      ...frame('T'),
      fields: [
        { name: 'labels', type: FieldType.string, config: {}, values: [...grid, ...grid] },
        { name: 'time', type: FieldType.time, config: {}, values: [...grid, ...grid].map((_, i) => i) },
      ],
      length: 44,
    };
    // 22 drivers in the first frame: 22 budgets; a first frame of two drivers still gets a grid's.
    expect(pitwallStreamOptionsProvider(req, labelled).maxLength).toBe(22_000);
    const two = { ...labelled, fields: [{ ...labelled.fields[0], values: ['driver=VER', 'driver=LEC'] }] };
    expect(pitwallStreamOptionsProvider(req, two).maxLength).toBe(20_000);
  });

  it('replaces the latest-predictions table, appends the prediction series', () => {
    const req = request([
      { refId: 'P', queryType: 'predictions', view: 'latest', stream: true },
      { refId: 'S', queryType: 'predictions', stream: true },
    ]);
    expect(pitwallStreamOptionsProvider(req, frame('P')).action).toBe(StreamingFrameAction.Replace);
    expect(pitwallStreamOptionsProvider(req, frame('S')).action).toBe(StreamingFrameAction.Append);
  });

  it('replaces any frame that says it is a snapshot', () => {
    const req = request([{ refId: 'X', queryType: 'raw', stream: true }]);
    const f = { ...frame('X'), meta: { custom: { snapshot: true } } };
    expect(pitwallStreamOptionsProvider(req, f).action).toBe(StreamingFrameAction.Replace);
  });
});

describe('query', () => {
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend().install();
    backend.on('POST', /\/api\/ds\/query/, (req) => {
      const queries = (req.data as { queries: PitwallQuery[] }).queries;
      const results: Record<string, unknown> = {};
      for (const q of queries) {
        results[q.refId] = {
          frames: [
            {
              schema: {
                refId: q.refId,
                fields: [
                  { name: 'time', type: FieldType.time },
                  { name: 'message', type: FieldType.string },
                ],
              },
              // Queries whose refId starts with E answer an empty range: the fields, no rows.
              data: {
                values: q.refId.startsWith('E')
                  ? [[], []]
                  : [[1_700_000_000_000], [`${q.queryType} for ${(q.drivers ?? []).join('+') || 'all'}`]],
              },
            },
          ],
        };
      }
      return { data: { results } };
    });
  });

  it('sends the expanded drivers to the backend', async () => {
    const ds = makeDs({ driver: ['VER', 'PER'] });
    const rsp = await lastValueFrom(ds.query(request([{ refId: 'A', queryType: 'alerts', drivers: ['$driver'] }])));
    const post = backend.requests.find((r) => r.url.startsWith('/api/ds/query?ds_type=pitwall-kafka-datasource'));
    const sent = (post!.data as { queries: PitwallQuery[] }).queries[0];
    expect(sent.drivers).toEqual(['VER', 'PER']);
    expect(rsp.state).not.toBe(LoadingState.Error);
    expect((rsp.data[0] as DataFrame).fields[1].values[0]).toBe('alerts for VER+PER');
  });

  it('asks Explore for the logs view for alerts, race control and raw, not for telemetry', async () => {
    const ds = makeDs();
    const rsp = await lastValueFrom(
      ds.query(
        request(
          [
            { refId: 'A', queryType: 'alerts' },
            { refId: 'R', queryType: 'raw', topic: 'orders' },
            { refId: 'T', queryType: 'telemetry' },
          ],
          { app: CoreApp.Explore }
        )
      )
    );
    const byRef = Object.fromEntries((rsp.data as DataFrame[]).map((f) => [f.refId, f]));
    expect(byRef.A.meta?.preferredVisualisationType).toBe('logs');
    expect(byRef.R.meta?.preferredVisualisationType).toBe('logs');
    expect(byRef.T.meta?.preferredVisualisationType).toBeUndefined();
  });

  it('leaves out of a dashboard the frames without rows, so the panel says its noValue', async () => {
    const ds = makeDs();
    const targets: PitwallQuery[] = [
      { refId: 'E1', queryType: 'gearAnomalies', view: 'events' },
      { refId: 'A', queryType: 'alerts' },
    ];
    const refs = (rsp: DataQueryResponse) => (rsp.data as DataFrame[]).map((f) => [f.refId, f.length]);
    expect(refs(await lastValueFrom(ds.query(request(targets))))).toEqual([['A', 1]]);
    // Explore shows the empty table's columns.
    expect(refs(await lastValueFrom(ds.query(request(targets, { app: CoreApp.Explore }))))).toEqual([
      ['E1', 0],
      ['A', 1],
    ]);
    // The leaderboard panel draws its own waiting state from its (empty) frames.
    const board = await lastValueFrom(ds.query(request([{ refId: 'E2', queryType: 'leaderboard' }, ...targets])));
    expect(refs(board)).toEqual([
      ['E2', 0],
      ['E1', 0],
      ['A', 1],
    ]);
  });

  it('does not ask dashboards for the logs view', async () => {
    const ds = makeDs();
    const rsp = await lastValueFrom(ds.query(request([{ refId: 'A', queryType: 'alerts' }])));
    expect((rsp.data[0] as DataFrame).meta?.preferredVisualisationType).toBeUndefined();
  });
});

describe('resources', () => {
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend().install();
  });

  it('lists topics from objects or plain names, sorted', async () => {
    backend.on('GET', '/resources/topics', {
      data: [
        { name: 'f1-telemetry', partitions: 4 },
        { name: 'f1-alerts', partitions: 3 },
      ],
    });
    expect(await makeDs().getTopics()).toEqual([
      { name: 'f1-alerts', partitions: 3 },
      { name: 'f1-telemetry', partitions: 4 },
    ]);
    backend.on('GET', '/resources/topics', { data: ['b', 'a'] });
    expect((await makeDs().getTopics()).map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('asks for the partitions of an escaped topic name', async () => {
    backend.on('GET', /\/resources\/topics\/.*\/partitions$/, { data: [2, 0, 1] });
    expect(await makeDs().getPartitions('team/a b')).toEqual([0, 1, 2]);
    expect(backend.requests[0].url).toBe('/api/datasources/uid/pitwall-test/resources/topics/team%2Fa%20b/partitions');
  });

  it('hides internal topics', async () => {
    backend.on('GET', '/resources/topics', {
      data: [
        { name: '__consumer_offsets', partitions: 50, internal: true },
        { name: '_schemas', partitions: 1, internal: false },
        { name: 'f1-alerts', partitions: 3, internal: false },
      ],
    });
    expect((await makeDs().getTopics()).map((t) => t.name)).toEqual(['f1-alerts']);
  });

  it('lists drivers', async () => {
    backend.on('GET', '/resources/drivers', { data: ['VER', 'LEC', 'VER'] });
    expect((await makeDs().getDrivers()).map((d) => d.code)).toEqual(['VER', 'LEC']);
  });

  it('posts race commands with the body given and no error toast', async () => {
    backend.on('POST', '/resources/race/start', { data: { race_id: 'r-1' } });
    const body = { circuit: 'monza', laps: 5, drivers: [], speed: 10, selectedDriver: 'VER' };
    await makeDs().startRace(body);
    const [sent] = backend.to('POST', '/resources/race/start');
    expect(sent.data).toEqual(body);
    expect(sent.showErrorAlert).toBe(false);
  });
});

describe('annotations', () => {
  it('always reads annotations by time range, without streaming', () => {
    const q = pitwallAnnotations.prepareQuery!({
      name: 'alerts',
      enable: true,
      iconColor: 'red',
      target: { refId: '', queryType: 'alerts', stream: true, offset: 'latest', drivers: ['VER'] },
    });
    expect(q).toEqual({
      refId: 'Anno',
      queryType: 'alerts',
      stream: false,
      offset: 'timeRange',
      drivers: ['VER'],
      view: 'annotations',
      minSeverity: 'high',
    });
  });

  it('falls back to alerts for a query type that cannot annotate', () => {
    const q = pitwallAnnotations.prepareQuery!({
      name: 'x',
      enable: true,
      iconColor: 'red',
      target: { refId: 'A', queryType: 'telemetry' },
    });
    expect(q?.queryType).toBe('alerts');
  });
});
