import {
  DataFrame,
  DataQueryResponse,
  FieldType,
  LiveChannelAddress,
  LoadingState,
  toLiveChannelId,
} from '@grafana/data';
import { GrafanaLiveSrv, LiveDataStreamOptions, setGrafanaLiveSrv, TemplateSrv } from '@grafana/runtime';
import { Observable, Subject } from 'rxjs';

import { PitwallDataSource } from './datasource';
import { FirstPaint } from './firstPaint';
import { FakeBackend } from './testing/fakeBackend';
import { FixedTemplateSrv, instanceSettings, queryRequest } from './testing/datasources';
import { PitwallQuery } from './types';

const CHANNEL = 'ds/pitwall/1/tel/f1-telemetry/s=speed_kph/v=300';

const request = (targets: PitwallQuery[]) => queryRequest(targets, { requestId: 'q1', maxDataPoints: 100 });

/** What a panel draws from a query's packets: Grafana's runRequest keeps the latest packet per key. */
function panelFrames(packets: DataQueryResponse[]): DataFrame[] {
  const byKey = new Map<string, DataQueryResponse>();
  for (const p of packets) {
    byKey.set(p.key ?? (p.data?.[0] as DataFrame | undefined)?.refId ?? 'A', p);
  }
  return [...byKey.values()].flatMap((p) => p.data as DataFrame[]);
}

/**
 * Grafana Live as the datasource sees it (getDataStream per channel frame). The
 * gate stands for the live timer: while closed, a stream emits nothing.
 */
class Live {
  readonly streams: Array<{
    addr: LiveChannelAddress;
    options: LiveDataStreamOptions;
    out: Subject<DataQueryResponse>;
  }> = [];
  constructor(private readonly open: boolean) {}

  getDataStream(options: LiveDataStreamOptions): Observable<DataQueryResponse> {
    const out = new Subject<DataQueryResponse>();
    const key = `xstr/${this.streams.length}`;
    this.streams.push({ addr: options.addr, options, out });
    return new Observable<DataQueryResponse>((subscriber) => {
      const sub = out.subscribe(subscriber);
      if (this.open) {
        this.emitFirst(this.streams.length - 1, key);
      }
      return sub;
    });
  }

  /** The stream's first packet: its buffer, started from the answered frame (its meta names the channel). */
  emitFirst(i: number, key = `xstr/${i}`, meta: 'keep' | 'drop' = 'keep') {
    const s = this.streams[i];
    const frame = s.options.frame!;
    s.out.next({
      key,
      state: LoadingState.Streaming,
      data: [
        {
          refId: frame.schema?.refId,
          name: 'from live',
          meta: meta === 'keep' ? frame.schema?.meta : {},
          // A stream's first packet holds the answered rows (a dashboard's answer drops frames without rows).
          fields: [{ name: 'time', type: FieldType.time, config: {}, values: [1_700_000_000_000] }],
          length: 1,
        },
      ],
    });
  }
}

function install(open: boolean): Live {
  const live = new Live(open);
  setGrafanaLiveSrv(live as unknown as GrafanaLiveSrv);
  return live;
}

function answer(backend: FakeBackend, channels: Record<string, string | undefined>) {
  backend.on('POST', /\/api\/ds\/query/, () => {
    const results: Record<string, unknown> = {};
    for (const [refId, channel] of Object.entries(channels)) {
      results[refId] = {
        frames: [
          {
            schema: {
              refId,
              name: `answer ${refId}`,
              meta: channel ? { channel } : {},
              fields: [
                { name: 'time', type: FieldType.time },
                { name: 'speed_kph', type: FieldType.number },
              ],
            },
            data: { values: [[1_700_000_000_000], [312]] },
          },
        ],
      };
    }
    return { data: { results } };
  });
}

function run(targets: PitwallQuery[]) {
  const ds = new PitwallDataSource(instanceSettings(), new FixedTemplateSrv({}) as unknown as TemplateSrv);
  const packets: DataQueryResponse[] = [];
  const sub = ds.query(request(targets)).subscribe((p) => packets.push(p));
  return { packets, sub };
}

// Long enough for the fake answer to arrive and for a hold of 0 ms to end.
const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(() => {
  FirstPaint.holdMs = 0; // the answer is shown as soon as the request is answered
});

describe('FirstPaint', () => {
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend().install();
  });

  it('paints a streaming answer at once while Live holds its stream back', async () => {
    const live = install(false);
    answer(backend, { A: CHANNEL });
    const { packets, sub } = run([{ refId: 'A', queryType: 'telemetry', stream: true }]);
    await flush();
    expect(live.streams.map((s) => toLiveChannelId(s.addr))).toEqual([CHANNEL]);
    expect(packets).toHaveLength(1);
    expect(packets[0].state).toBe(LoadingState.Streaming);
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['answer A']);
    expect(panelFrames(packets)[0].fields[1].values).toEqual([312]);
    sub.unsubscribe();
  });

  it('withdraws the answer when its stream emits, so the panel never draws both', async () => {
    const live = install(false);
    answer(backend, { A: CHANNEL, B: `${CHANNEL}x` });
    const { packets, sub } = run([
      { refId: 'A', queryType: 'telemetry', stream: true },
      { refId: 'B', queryType: 'telemetry', stream: true },
    ]);
    await flush();
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['answer A', 'answer B']);
    live.emitFirst(1);
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['answer A', 'from live']);
    live.emitFirst(0);
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['from live', 'from live']);
    expect(panelFrames(packets).map((f) => f.refId)).toEqual(['B', 'A']);
    sub.unsubscribe();
  });

  it('adds nothing when the streams emit at once (an idle browser)', async () => {
    install(true);
    answer(backend, { A: CHANNEL });
    const { packets, sub } = run([{ refId: 'A', queryType: 'telemetry', stream: true }]);
    await flush();
    expect(packets.map((p) => p.key)).toEqual(['xstr/0']);
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['from live']);
    sub.unsubscribe();
  });

  it('withdraws everything once every stream emitted, when a stream no longer names its channel', async () => {
    const live = install(false);
    answer(backend, { A: CHANNEL });
    const { packets, sub } = run([{ refId: 'A', queryType: 'telemetry', stream: true }]);
    await flush();
    live.emitFirst(0, 'xstr/0', 'drop');
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['from live']);
    sub.unsubscribe();
  });

  it('waits holdMs for the stream before showing the answer on its own', async () => {
    FirstPaint.holdMs = 80;
    const live = install(false);
    answer(backend, { A: CHANNEL });
    const { packets, sub } = run([{ refId: 'A', queryType: 'telemetry', stream: true }]);
    await flush();
    expect(live.streams).toHaveLength(1);
    expect(packets).toEqual([]); // answered, but its stream may still come in time
    await new Promise((resolve) => setTimeout(resolve, 400)); // well past the hold, even on a loaded machine
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['answer A']);
    live.emitFirst(0);
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['from live']);
    sub.unsubscribe();
  });

  it('leaves answers without a channel alone', async () => {
    install(false);
    answer(backend, { A: undefined });
    const { packets, sub } = run([{ refId: 'A', queryType: 'telemetry' }]);
    await flush();
    expect(packets).toHaveLength(1);
    expect(packets[0].key).toBeUndefined();
    expect(panelFrames(packets).map((f) => f.name)).toEqual(['answer A']);
    sub.unsubscribe();
  });
});
