import path from 'node:path';

import { panelData } from './panelData';
import { dashboardPanels, ensureRace, expect, F1_DASHBOARD, skipWithoutGrafana, test } from './pitwall';

skipWithoutGrafana();

/**
 * The screenshots of README.md and plugin.json, taken from a real Grafana
 * during a race: `PITWALL_SCREENSHOTS=1 GRAFANA_URL=... npx playwright test screenshots`.
 * Without PITWALL_SCREENSHOTS this spec does nothing, so the suite never
 * rewrites the images by accident.
 */
const OUT = path.join(__dirname, '..', 'src', 'img', 'screenshots');

test('screenshots of the F1 dashboard during a race', async ({ gotoDashboardPage, page }) => {
  test.skip(!process.env.PITWALL_SCREENSHOTS, 'set PITWALL_SCREENSHOTS=1 to rewrite src/img/screenshots');
  test.setTimeout(240_000);
  await ensureRace(page, 20);
  // Let the race get going: gaps, alerts, spins and a few laps.
  await page.waitForTimeout(Number(process.env.PITWALL_SCREENSHOT_WAIT_MS ?? 45_000));
  await page.setViewportSize({ width: 1920, height: 1080 });
  const dashboard = await gotoDashboardPage({ uid: F1_DASHBOARD });
  for (const p of dashboardPanels('f1-live.json').filter((p) => p.targets?.length)) {
    await dashboard.getPanelByTitle(p.title).scrollIntoView();
    await expect
      .poll(async () => (await panelData(page, p.title)).rows, {
        timeout: 60_000,
        message: `panel "${p.title}" has no data`,
      })
      .toBeGreaterThan(0);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(3000);
  await page.screenshot({ path: path.join(OUT, 'f1-live-dashboard.png') });

  const board = dashboard.getPanelByTitle('Leaderboard').locator;
  await board.screenshot({ path: path.join(OUT, 'leaderboard.png') });

  await dashboard.getPanelByTitle('Speed').scrollIntoView();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: path.join(OUT, 'f1-live-telemetry.png') });

  await dashboard.getPanelByTitle('Average speed').scrollIntoView();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: path.join(OUT, 'f1-live-race.png') });
});
