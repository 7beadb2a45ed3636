import type { Page } from '@playwright/test';

import { DS_TYPE, DS_UID, ensureRace, expect, skipWithoutGrafana, test } from './pitwall';

skipWithoutGrafana();

const LABELS = [
  'Raw topic',
  'Telemetry',
  'Wheel spin',
  'Gear anomalies',
  'Alerts',
  'Leaderboard',
  'Average speed',
  'Race control',
];

/** The Explore URL of one Pitwall query over the last five minutes. */
function exploreURL(query: Record<string, unknown>): string {
  const panes = {
    a: {
      datasource: DS_UID,
      queries: [{ refId: 'A', datasource: { type: DS_TYPE, uid: DS_UID }, ...query }],
      range: { from: 'now-5m', to: 'now' },
    },
  };
  return `/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/** Live messages pushed to the page on Pitwall's channels. */
function liveMessages(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      const text = typeof f.payload === 'string' ? f.payload : f.payload.toString();
      if (text.includes(`ds/${DS_UID}/`) && text.includes('"data"')) {
        seen.count++;
      }
    });
  });
  return seen;
}

/** What a @grafana/ui picker shows while it loads. */
const SPINNERS = '[data-testid="icon-spinner"], [data-testid="Spinner"]';

const LOG_ROWS = '[data-testid="logRows"], [data-testid="logRow"], .log-row';

const CASES: Array<{ name: string; query: Record<string, unknown>; shows: 'logs' | 'graph' | 'records' }> = [
  // Raw records show as logs (the datasource prefers the logs view for raw, alerts and race control) or a table.
  // f1-locations: every car once a second, so a live record comes within the wait at any race speed
  // (race control is quiet for a lap at a time: at 1x, 80 s without a record).
  { name: 'raw', query: { queryType: 'raw', topic: 'f1-locations' }, shows: 'records' },
  { name: 'alerts', query: { queryType: 'alerts' }, shows: 'logs' },
  { name: 'wheel spin', query: { queryType: 'wheelSpin', view: 'series' }, shows: 'graph' },
];

for (const c of CASES) {
  for (const stream of [false, true]) {
    test(`Explore runs a ${c.name} query with stream ${stream ? 'on' : 'off'}`, async ({ page, consoleErrors }) => {
      test.setTimeout(120_000);
      await ensureRace(page);
      const live = liveMessages(page);
      const answered = page.waitForResponse((r) => r.url().includes('/api/ds/query'));
      await page.goto(exploreURL({ ...c.query, stream }));
      const response = await answered;
      expect(response.status(), await response.text()).toBe(200);
      const body = await response.json();
      const frames = body.results?.A?.frames ?? [];
      expect(body.results?.A?.error, 'the query failed').toBeUndefined();
      expect(frames.length, 'no frames').toBeGreaterThan(0);
      if (stream) {
        expect(frames[0].schema?.meta?.channel, 'a streaming query names its live channel').toMatch(/^ds\//);
        await expect.poll(() => live.count, { timeout: 30_000, message: 'no live data arrived' }).toBeGreaterThan(0);
      }
      const results = page.getByTestId('data-testid Explore');
      if (c.shows === 'logs') {
        await expect(page.getByText(/Logs/).first()).toBeVisible();
        await expect(page.locator(LOG_ROWS).first()).toBeVisible({ timeout: 30_000 });
      } else if (c.shows === 'graph') {
        await expect(page.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
      } else {
        await expect(page.locator(LOG_ROWS).or(page.getByRole('table')).or(page.getByRole('grid')).first()).toBeVisible(
          { timeout: 30_000 }
        );
      }
      await expect(results.getByText(/An unexpected error happened/)).toHaveCount(0);
      // The editor's pickers have their lists: none keeps spinning while the query streams.
      await expect(page.getByTestId('pitwall-query-editor').locator(SPINNERS)).toHaveCount(0, { timeout: 10_000 });
      expect(consoleErrors).toEqual([]);
    });
  }
}

test('switching through every query type with the mouse leaves no console error and no query storm', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  await ensureRace(page);
  let queries = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/ds/query')) {
      queries++;
    }
  });
  await page.goto(exploreURL({ queryType: 'alerts' }));
  const editor = page.getByTestId('pitwall-query-editor');
  await expect(editor).toBeVisible();
  for (const label of [...LABELS, 'Alerts', 'Wheel spin', 'Alerts']) {
    const before = queries;
    await editor.getByLabel('Query type').click();
    await page.getByRole('option', { name: new RegExp(`^${label}`) }).click();
    await expect(editor.getByLabel('Query type')).toHaveValue(label);
    await page.waitForTimeout(1500);
    // One switch runs the query once (a second run may come from Explore itself); an update loop fires hundreds.
    expect(queries - before, `queries fired by switching to ${label}`).toBeLessThanOrEqual(3);
    await expect(page.getByText(/An unexpected error happened/)).toHaveCount(0);
    // The pickers have finished loading: no spinner left in the editor.
    await expect(editor.locator(SPINNERS)).toHaveCount(0, {
      timeout: 10_000,
    });
  }
  expect(consoleErrors).toEqual([]);
});
