import { panelsData, PanelDataSummary } from './panelData';
import {
  CRASH_TEXTS,
  dashboardPanels,
  displayTitle,
  ensureRace,
  expect,
  F1_DASHBOARD,
  RAW_DASHBOARD,
  skipWithoutGrafana,
  test,
} from './pitwall';

skipWithoutGrafana();

/** How long a panel may take to show data once the dashboard opens (issue 11's target: 3 s). */
const PAINT_BUDGET_MS = Number(process.env.PITWALL_PAINT_BUDGET_MS ?? 3000);
/** How long after the first look a panel must show newer data. */
const NEWER_AFTER_MS = 10_000;

/** Panels that show text, not data. */
const NO_QUERY = new Set(['text']);

/** Tall enough that every panel of both dashboards is on screen at once, so none waits for a scroll to load. */
const TALL = { width: 1920, height: 4200 };

for (const [file, uid] of [
  ['f1-live.json', F1_DASHBOARD],
  ['explore-raw.json', RAW_DASHBOARD],
] as const) {
  test(`every panel of ${file} shows data during a race, and newer data 10 s later`, async ({
    gotoDashboardPage,
    page,
    consoleErrors,
  }) => {
    test.setTimeout(180_000);
    await ensureRace(page);
    // Let the race run long enough for alerts, race control and spins to appear.
    await page.waitForTimeout(5000);
    await page.setViewportSize(TALL);
    const panels = dashboardPanels(file);
    const queried = panels.filter((p) => !NO_QUERY.has(p.type));

    // Paint time: from opening the dashboard until each panel holds data, all panels watched at once.
    const opened = Date.now();
    const dashboard = await gotoDashboardPage({ uid });
    const paint: Record<string, number> = {};
    let first: Record<string, PanelDataSummary> = {};
    // Paint times are printed even when a panel never paints (then as "never"), so a failed run still measures.
    const report = () => {
      const times = Object.fromEntries(queried.map((p) => [p.title, paint[p.title] ?? 'never']));
      console.log(`${file}: paint times (ms from opening the dashboard): ${JSON.stringify(times)}`);
    };
    await expect
      .poll(
        async () => {
          first = await panelsData(page);
          for (const p of queried) {
            if (paint[p.title] === undefined && (first[p.title]?.rows ?? 0) > 0) {
              paint[p.title] = Date.now() - opened;
            }
          }
          return queried
            .filter((p) => paint[p.title] === undefined)
            .map(
              (p) =>
                `${p.title} (${first[p.title]?.state ?? 'not loaded'}${first[p.title]?.errors.length ? `: ${first[p.title].errors.join('; ')}` : ''})`
            );
        },
        { timeout: 60_000, intervals: [100], message: 'panels without data 60 s after opening the dashboard' }
      )
      .toEqual([])
      .finally(report);
    const slowest = Math.max(...Object.values(paint));
    console.log(`${file}: slowest panel ${slowest} ms`);

    for (const p of panels) {
      const panel = dashboard.getPanelByTitle(displayTitle(file, p.title));
      await expect(panel.locator, `panel "${p.title}"`).toBeVisible();
      if (NO_QUERY.has(p.type)) {
        continue;
      }
      expect(first[p.title].errors, `panel "${p.title}" has query errors`).toEqual([]);
      await expect(panel.getErrorIcon(), `panel "${p.title}" shows an error`).toHaveCount(0);
      await expect(panel.locator.getByText('No data', { exact: true }), `panel "${p.title}" says No data`).toHaveCount(
        0
      );
      for (const crash of CRASH_TEXTS) {
        await expect(panel.locator.getByText(crash)).toHaveCount(0);
      }
    }

    // Streaming panels update by themselves; the others when the dashboard refreshes.
    await page.waitForTimeout(NEWER_AFTER_MS);
    if (queried.some((p) => !p.targets?.every((t) => t.stream))) {
      await dashboard.refreshDashboard();
    }
    await expect
      .poll(
        async () => {
          const now = await panelsData(page);
          return queried
            .filter((p) => {
              const before = first[p.title];
              const after = now[p.title];
              return !(after && (after.digest !== before.digest || (after.newest ?? 0) > (before.newest ?? 0)));
            })
            .map((p) => p.title);
        },
        { timeout: 20_000, message: `panels with no newer data ${NEWER_AFTER_MS} ms later` }
      )
      .toEqual([]);
    expect(consoleErrors, 'console errors while the dashboard ran').toEqual([]);
    expect(slowest, `the slowest panel took ${slowest} ms to show data`).toBeLessThanOrEqual(PAINT_BUDGET_MS);
  });
}
