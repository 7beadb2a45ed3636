/**
 * Every panel of every dashboard in dashboards/, checked against the frames its
 * query returns on the real plugin (internal/stackcheck/testdata/panel_frames.json,
 * written by the stack check that runs each query on an in-process Kafka), with
 * Grafana's own display names, matchers, transformations and field config.
 */
import { DataFrameJSON, FieldType } from '@grafana/data';
import fs from 'fs';
import path from 'path';

import { checkAnnotationFrames, checkPanel } from './testing/panelCheck';
import { DashboardPanel, renderFrames, toPanelFrames } from './testing/panelRender';

const ROOT = path.join(__dirname, '..');
const FRAMES: Record<string, DataFrameJSON[]> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'internal/stackcheck/testdata/panel_frames.json'), 'utf8')
);

interface Dashboard {
  uid: string;
  panels: DashboardPanel[];
  annotations: { list: Array<{ name: string; builtIn?: number; target?: Record<string, unknown> }> };
}

const FILES = fs.readdirSync(path.join(ROOT, 'dashboards')).filter((f) => f.endsWith('.json'));

function load(file: string): Dashboard {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'dashboards', file), 'utf8'));
}

function allPanels(ps: DashboardPanel[]): DashboardPanel[] {
  return ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** The "-- Dashboard --" datasource: a panel that draws another panel's answer (its query names the panel). */
const DASHBOARD_DS = '-- Dashboard --';

/**
 * The frames of a panel's first query, under the stack check's key; for a panel that shares another's
 * answer, the source panel's (Grafana hands it those frames, before the source's transformations).
 */
function framesOf(file: string, p: DashboardPanel): DataFrameJSON[] | undefined {
  const target = p.targets?.[0];
  const ds = target?.datasource as { uid?: string } | undefined;
  if (ds?.uid === DASHBOARD_DS) {
    return FRAMES[`${file}#${Number(target?.panelId)}/A`];
  }
  return FRAMES[`${file}#${p.id}/${String(target?.refId ?? 'A')}`];
}

it('finds the dashboards', () => {
  expect(FILES).toEqual(expect.arrayContaining(['f1-live.json', 'explore-raw.json']));
});

describe.each(FILES)('%s', (file) => {
  const dash = load(file);
  const panels = allPanels(dash.panels).filter((p) => p.type !== 'row');

  it.each(panels.map((p) => [p.title, p] as const))('panel %s shows what its query returns', async (_, panel) => {
    expect(await checkPanel(panel, framesOf(file, panel))).toEqual([]);
  });

  const annos = dash.annotations.list.filter((a) => a.builtIn !== 1 && a.target);
  for (const a of annos.filter((x) => x.target?.queryType === 'alerts')) {
    it(`annotation ${a.name} shows alerts of severity ${String(a.target?.minSeverity ?? 'any')} or higher`, () => {
      const stored = FRAMES[`${file}#annotation/${a.name}`]?.[0];
      const at = stored?.schema?.fields.findIndex((f) => f.name === 'tags') ?? -1;
      const tags = (stored?.data?.values?.[at] ?? []) as string[][];
      expect(tags.length).toBeGreaterThan(0);
      const order = ['low', 'medium', 'high'];
      const min = order.indexOf(String(a.target?.minSeverity ?? 'low'));
      expect(tags.filter((t) => order.indexOf(t[2]) < min)).toEqual([]);
    });
  }
  if (annos.length > 0) {
    it.each(annos.map((a) => [a.name] as const))('annotation %s has time, timeEnd, title, text and tags', (name) => {
      expect(checkAnnotationFrames(FRAMES[`${file}#annotation/${name}`])).toEqual([]);
    });
  }
});

describe('the telemetry panels that share the Speed query', () => {
  const dash = load('f1-live.json');
  const own: Record<string, string> = {
    Speed: 'speed_kph',
    RPM: 'rpm',
    Gear: 'gear',
    Throttle: 'throttle_pct',
    Brake: 'brake',
  };
  it.each(Object.entries(own))('%s draws its own field (%s) and no other', async (title, field) => {
    const p = dash.panels.find((x) => x.title === title)!;
    const drawn = await renderFrames(p, toPanelFrames(framesOf('f1-live.json', p)!));
    const numbers = drawn.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number));
    expect(numbers.length).toBeGreaterThan(0);
    expect([...new Set(numbers.map((x) => x.name))]).toEqual([field]);
  });

  it('a filter pattern without slashes matches whole display names only, as in Grafana ("Data is missing a number field")', async () => {
    // Grafana reads "time|rpm" as /^time|rpm$/; the display names are "rpm VER", so only time is kept.
    const rpm = dash.panels.find((x) => x.title === 'RPM')!;
    const broken: DashboardPanel = {
      ...rpm,
      transformations: [{ id: 'filterFieldsByName', options: { include: { pattern: 'time|rpm' } } }],
    };
    expect(await checkPanel(broken, framesOf('f1-live.json', rpm))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^a time series needs a time field and a number field/)])
    );
  });
});

describe('the check finds what a browser showed', () => {
  const dash = load('f1-live.json');
  const panel = (title: string) => dash.panels.find((p) => p.title === title)!;
  const frames = (title: string) => framesOf('f1-live.json', panel(title));

  it('a bar gauge whose field regex misses the display name shows No data', async () => {
    // Average speed as it was: the display name set to the driver, the regex on the field name.
    const old: DashboardPanel = {
      ...panel('Average speed'),
      transformations: [],
      fieldConfig: { defaults: { displayName: '${__data.fields.driver}' }, overrides: [] },
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '/^avg_speed_kph$/', values: true } },
    };
    expect(await checkPanel(old, frames('Average speed'))).toEqual([
      expect.stringMatching(
        /^"No data": reduceOptions.fields "\/\^avg_speed_kph\$\/" matches no field by display name/
      ),
    ]);
  });

  it('a percent unit on the gear axis', async () => {
    const old: DashboardPanel = {
      ...panel('Gear distribution'),
      fieldConfig: { defaults: { unit: 'percentunit', min: 0 }, overrides: [] },
    };
    const problems = await checkPanel(old, frames('Gear distribution'));
    expect(problems).toContainEqual(expect.stringMatching(/^field gear holds strings .* gets the unit percentunit/));
    expect(problems).toContainEqual("the barchart's x field gear is formatted as percent");
  });

  it('an xychart without pluginVersion, or whose series match nothing', async () => {
    const track = panel('Track map');
    expect(await checkPanel({ ...track, pluginVersion: undefined }, frames('Track map'))).toEqual([
      expect.stringMatching(/^no pluginVersion/),
    ]);
    const wrong = {
      ...track,
      options: {
        ...track.options,
        series: [{ x: { matcher: { id: 'byName', options: 'lon' } }, y: { matcher: { id: 'byName', options: 'y' } } }],
      },
    };
    expect(await checkPanel(wrong, frames('Track map'))).toEqual([
      expect.stringMatching(/^xychart x .* matches no numeric field/),
    ]);
  });

  it('a logs panel whose line is the race id', async () => {
    const raw = load('explore-raw.json');
    const rc = raw.panels.find((p) => p.title === 'f1-race-control, live')!;
    expect(await checkPanel({ ...rc, transformations: [] }, framesOf('explore-raw.json', rc))).toEqual([
      'the logs panel shows the field race_id as each line, not the message; put the message first',
    ]);
  });

  it('a transformation that names a field its input lacks', async () => {
    const avg = panel('Average speed');
    const typo = {
      ...avg,
      transformations: [{ id: 'sortBy', options: { fields: {}, sort: [{ field: 'avg_speed', desc: true }] } }],
    };
    expect(await checkPanel(typo, frames('Average speed'))).toContain(
      'the sortBy transformation names avg_speed, which its input lacks'
    );
  });

  it('values outside the range of their unit', async () => {
    const speed = panel('Speed');
    const asPercentUnit = { ...speed, fieldConfig: { defaults: { unit: 'percentunit' }, overrides: [] } };
    expect(await checkPanel(asPercentUnit, frames('Speed'))).toContainEqual(
      expect.stringMatching(/has unit percentunit but values outside 0–1/)
    );
  });
});
