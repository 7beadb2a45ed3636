import { CoreApp, DataFrame, DataQueryRequest, dateTime, FieldType } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { PitwallDataSource } from './datasource';
import { FakeBackend } from './testing/fakeBackend';
import { FixedTemplateSrv, instanceSettings } from './testing/datasources';
import { PitwallQuery, PitwallVariableQuery } from './types';
import { PitwallVariableSupport } from './variables';

let backend: FakeBackend;
let support: PitwallVariableSupport;

function request(target: PitwallVariableQuery): DataQueryRequest<PitwallVariableQuery> {
  const to = dateTime(1_700_000_600_000);
  const from = dateTime(1_700_000_000_000);
  return {
    requestId: 'v',
    interval: '1s',
    intervalMs: 1000,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets: [target],
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: 0,
  };
}

const values = (frames: DataFrame[]) => frames[0].fields.find((f) => f.name === 'text')!.values;

beforeEach(() => {
  backend = new FakeBackend().install();
  const ds = new PitwallDataSource(instanceSettings(), new FixedTemplateSrv({}) as unknown as TemplateSrv);
  support = ds.variables as PitwallVariableSupport;
});

it('lists drivers from the drivers resource', async () => {
  backend.on('GET', '/resources/drivers', { data: [{ code: 'VER', name: 'Max Verstappen' }, { code: 'PER' }] });
  const rsp = await lastValueFrom(support.query(request({ refId: 'V', kind: 'drivers' })));
  expect(values(rsp.data)).toEqual(['VER', 'PER']);
});

it('lists topics from the topics resource', async () => {
  backend.on('GET', '/resources/topics', {
    data: [
      { name: 'f1-telemetry', partitions: 4 },
      { name: 'f1-alerts', partitions: 3 },
    ],
  });
  const rsp = await lastValueFrom(support.query(request({ refId: 'V', kind: 'topics' })));
  expect(values(rsp.data)).toEqual(['f1-alerts', 'f1-telemetry']);
});

it('lists race ids from race-control events in the time range, newest first', async () => {
  backend.on('POST', /\/api\/ds\/query/, (req) => {
    const q = (req.data as { queries: PitwallQuery[] }).queries[0];
    return {
      data: {
        results: {
          [q.refId]: {
            frames: [
              {
                schema: {
                  refId: q.refId,
                  fields: [
                    { name: 'time', type: FieldType.time },
                    { name: 'race_id', type: FieldType.string },
                  ],
                },
                data: {
                  values: [
                    [1, 2, 3, 4],
                    ['monza-1', 'monza-1', 'spa-2', 'spa-2'],
                  ],
                },
              },
            ],
          },
        },
      },
    };
  });
  const rsp = await lastValueFrom(support.query(request({ refId: 'V', kind: 'raceIds', topic: 'rc' })));
  expect(values(rsp.data)).toEqual(['spa-2', 'monza-1']);
  const sent = (backend.requests[0].data as { queries: PitwallQuery[] }).queries[0];
  expect(sent).toMatchObject({ queryType: 'raceControl', topic: 'rc', offset: 'timeRange', stream: false });
});

it('reports a failing resource as an error, not an empty list', async () => {
  backend.on('GET', '/resources/drivers', { status: 500, data: { error: 'telemetry topic missing' } });
  const rsp = await lastValueFrom(support.query(request({ refId: 'V', kind: 'drivers' })));
  expect(rsp.data).toEqual([]);
  expect(rsp.errors?.[0].message).toBe('Listing drivers failed: telemetry topic missing (HTTP 500)');
});
