/**
 * What the specs share: the provisioned names, the skip without a Grafana,
 * console-error capture, race control through the datasource's resources,
 * and reading the repository's dashboards.
 */
import { expect, test as base } from '@grafana/plugin-e2e';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

export { expect };

/** The provisioned datasource and dashboards (provisioning/, dashboards/). */
export const DS_UID = 'pitwall';
export const DS_TYPE = 'pitwall-kafka-datasource';
export const F1_DASHBOARD = 'pitwall-f1-live';
export const RAW_DASHBOARD = 'pitwall-explore-raw';

export const SKIP_REASON =
  'GRAFANA_URL is not set: the browser suite needs a running Grafana with Pitwall (see tests/README.md)';

/** Grafana's texts for a panel that failed. */
export const CRASH_TEXTS = [/An unexpected error happened/i, /Panel plugin error/i, /Error loading/i];

/**
 * plugin-e2e's test, with every console error and uncaught page error of the
 * test collected (Grafana's own noise about its anonymous usage reporting and
 * the favicon is left out).
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (
        m.type() === 'error' &&
        !/favicon|stats\.grafana\.org|Failed to load resource: the server responded with a status of 404/.test(
          m.text()
        ) &&
        // Grafana's home page news feed (grafana.com), unreachable offline: not Pitwall's.
        !m.location().url.startsWith('https://grafana.com/')
      ) {
        // A failed load names its URL, so the report says what failed.
        errors.push(/^Failed to load resource/.test(m.text()) ? `${m.text()} (${m.location().url})` : m.text());
      }
    });
    page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
    await use(errors);
  },
});

/** Call at the top of every spec file: without a Grafana, its tests are skipped with the reason. */
export function skipWithoutGrafana() {
  test.skip(!process.env.GRAFANA_URL, SKIP_REASON);
}

const resource = (p: string) => `/api/datasources/uid/${DS_UID}/resources/${p}`;

export interface RaceStatus {
  state: string;
  running: boolean;
  race_id?: string;
  lap?: number;
  total_laps?: number;
  /** The race's speed (1 = real time); absent when producer serve does not say. */
  speed?: number;
}

export async function raceStatus(page: Page): Promise<RaceStatus> {
  const r = await page.request.get(resource('race/status'));
  expect(r.ok(), `race/status: ${r.status()} ${await r.text()}`).toBeTruthy();
  return r.json();
}

/**
 * Makes sure a race is on, starting one on Monza (at minSpeed, default 10×)
 * if none is. With minSpeed, a running race slower than that (producer serve
 * --demo's runs at 1×) is stopped and replaced by one at minSpeed: a check
 * that wants records every few seconds on every topic needs it (at 1× race
 * control and positions change once a lap, every 80 s).
 */
export async function ensureRace(page: Page, laps = 15, minSpeed?: number) {
  let st = await raceStatus(page);
  const speed = minSpeed ?? 10;
  if (st.state === 'running' && minSpeed !== undefined && (st.speed ?? 0) < minSpeed) {
    console.log(`race ${st.race_id} runs at ${st.speed ?? 'an unknown speed'}×: stopping it for a race at ${speed}×`);
    await page.request.post(resource('race/stop'), { data: {} });
    await expect
      .poll(async () => (st = await raceStatus(page)).running, { timeout: 60_000, message: 'the race did not stop' })
      .toBe(false);
  }
  if (st.state !== 'running') {
    const r = await page.request.post(resource('race/start'), {
      data: { circuit: 'monza', laps, drivers: [], speed, selectedDriver: '' },
    });
    expect(r.ok(), `race/start: ${r.status()} ${await r.text()}`).toBeTruthy();
  }
  await expect
    .poll(
      async () => {
        st = await raceStatus(page);
        return st.state === 'running' && (minSpeed === undefined || (st.speed ?? 0) >= minSpeed);
      },
      { timeout: 60_000, message: `no race running${minSpeed ? ` at ${minSpeed}× or faster` : ''}` }
    )
    .toBe(true);
  return st;
}

export async function stopRace(page: Page) {
  const st = await raceStatus(page);
  if (st.running) {
    await page.request.post(resource('race/stop'), { data: {} });
  }
}

interface DashboardJSON {
  uid: string;
  templating?: { list?: Array<{ name: string; current?: { text?: string | string[] } }> };
  panels: DashboardPanel[];
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  targets?: Array<{
    stream?: boolean;
    queryType?: string;
    view?: string;
    /** On Grafana's "-- Dashboard --" datasource: the panel whose answer this panel draws. */
    panelId?: number;
    datasource?: { uid?: string };
  }>;
  /** noValue: what the panel says when its range holds no rows; set only where that is true (internal/stackcheck). */
  fieldConfig?: { defaults?: { noValue?: string } };
  panels?: unknown[];
}

/**
 * The panels (not rows) of a dashboard of the repository. A panel that draws another panel's answer
 * (Grafana's "-- Dashboard --" datasource: the F1 telemetry panels draw Speed's) is given its source's
 * queries, which are what it shows: streaming or not, of which type.
 */
export function dashboardPanels(file: string) {
  const d: DashboardJSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'dashboards', file), 'utf8'));
  const panels = d.panels.filter((p) => p.type !== 'row');
  return panels.map((p) => {
    const t = p.targets?.[0];
    const source = t?.datasource?.uid === '-- Dashboard --' ? panels.find((s) => s.id === t.panelId) : undefined;
    return source ? { ...p, targets: source.targets } : p;
  });
}

/**
 * The title Grafana shows for a panel of a repository dashboard: its
 * variables ($topic) replaced by their saved current values, as the panel
 * header (and so plugin-e2e's getPanelByTitle) has it.
 */
export function displayTitle(file: string, title: string): string {
  const d: DashboardJSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'dashboards', file), 'utf8'));
  let out = title;
  for (const v of d.templating?.list ?? []) {
    const text = v.current?.text;
    out = out.replaceAll(`$${v.name}`, Array.isArray(text) ? text.join(' + ') : (text ?? ''));
  }
  return out;
}
