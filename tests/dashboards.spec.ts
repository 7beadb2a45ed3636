import { paintTimes, panelsData, PanelDataSummary, watchPaint } from './panelData';
import {
  CRASH_TEXTS,
  DashboardPanel,
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

/** The race this spec runs: fast enough that every topic but the rare events gets records every few seconds. */
const RACE_SPEED = 10;
const RACE_LAPS = 40; // 5 minutes at 10×: longer than both tests

/**
 * The text a panel shows when its range holds no rows on purpose (its
 * fieldConfig.defaults.noValue, which internal/stackcheck allows only on
 * panels over event queries: alerts, race control, predictions, anomalies).
 * Any other panel must show data.
 */
const emptyText = (p: DashboardPanel) => p.fieldConfig?.defaults?.noValue;

/**
 * Whether a panel must show newer data 10 s later in a race at 10×. Every
 * topic gets records every second or two then (telemetry and locations at
 * 10 Hz per car, positions and race control at every lap end, 8 s, laps
 * ending all the time across 20 cars; overspeed alerts on every straight;
 * predictions at every lap end) except the detectors' rare events: a gear
 * anomaly or a wheel spin may not happen for minutes.
 */
function advancesEveryFewSeconds(p: DashboardPanel): boolean {
  return !(p.targets ?? []).every(
    (t) =>
      (t.queryType === 'gearAnomalies' && t.view !== 'distribution') ||
      (t.queryType === 'wheelSpin' && (t.view === 'events' || t.view === 'annotations'))
  );
}

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
    // The spec's own race at 10× (a running 1× race, as producer serve --demo's, is replaced): at 1× race
    // control and positions change once a lap (80 s), so "newer data 10 s later" would not hold for them.
    await ensureRace(page, RACE_LAPS, RACE_SPEED);
    // Let the race run long enough for alerts, race control and spins to appear.
    await page.waitForTimeout(5000);
    await page.setViewportSize(TALL);
    const panels = dashboardPanels(file);
    const queried = panels.filter((p) => !NO_QUERY.has(p.type));

    // Paint time: from opening the dashboard until each panel holds data (noted from inside the page,
    // every 50 ms) or, for a panel over events, says its range has none (seen from here), all panels
    // watched at once.
    await watchPaint(page);
    const opened = Date.now();
    const dashboard = await gotoDashboardPage({ uid });
    const paint: Record<string, number> = {};
    const emptyOnPurpose = new Set<string>();
    let first: Record<string, PanelDataSummary> = {};
    // Paint times are printed even when a panel never paints (then as "never"), so a failed run still measures.
    const report = () => {
      const times = Object.fromEntries(
        queried.map((p) => [p.title, `${paint[p.title] ?? 'never'}${emptyOnPurpose.has(p.title) ? ' (empty)' : ''}`])
      );
      console.log(`${file}: paint times (ms from opening the dashboard): ${JSON.stringify(times)}`);
    };
    /** A panel over events that shows exactly its own empty text, with no rows and no error. */
    const showsEmptyText = async (p: DashboardPanel, d?: PanelDataSummary) => {
      const text = emptyText(p);
      if (!text || !d || d.rows > 0 || d.errors.length > 0 || !['Done', 'Streaming'].includes(d.state ?? '')) {
        return false;
      }
      const panel = dashboard.getPanelByTitle(displayTitle(file, p.title));
      return (await panel.locator.getByText(text, { exact: true }).count()) === 1;
    };
    await expect
      .poll(
        async () => {
          first = await panelsData(page, true);
          const rowsAt = await paintTimes(page);
          for (const p of queried) {
            if (paint[p.title] !== undefined && !emptyOnPurpose.has(p.title)) {
              continue;
            }
            if ((first[p.title]?.rows ?? 0) > 0 || rowsAt[p.title] !== undefined) {
              const at = rowsAt[p.title] ?? Date.now();
              paint[p.title] = Math.min(paint[p.title] ?? Infinity, at - opened);
              emptyOnPurpose.delete(p.title);
            } else if (paint[p.title] === undefined && (await showsEmptyText(p, first[p.title]))) {
              paint[p.title] = Date.now() - opened;
              emptyOnPurpose.add(p.title);
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
    // The first full look (newest times, digests): what the panels must have moved past 10 s later.
    first = await panelsData(page);

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
    const mustAdvance = queried.filter(advancesEveryFewSeconds);
    const rare = queried.filter((p) => !advancesEveryFewSeconds(p));
    console.log(
      `${file}: newer data required of ${mustAdvance.length} panels; rare events, only rendered: ${rare.map((p) => p.title).join(', ') || 'none'}`
    );
    await expect
      .poll(
        async () => {
          const now = await panelsData(page);
          const stale = mustAdvance
            .filter((p) => {
              const before = first[p.title];
              const after = now[p.title];
              return !(
                after &&
                after.rows > 0 &&
                (after.digest !== before.digest || (after.newest ?? 0) > (before.newest ?? 0))
              );
            })
            .map((p) => p.title);
          // A panel of rare events need not change, but still shows rows or its empty text.
          for (const p of rare) {
            if (!((now[p.title]?.rows ?? 0) > 0 || (await showsEmptyText(p, now[p.title])))) {
              stale.push(`${p.title} (neither rows nor its empty text)`);
            }
          }
          return stale;
        },
        { timeout: 20_000, message: `panels with no newer data ${NEWER_AFTER_MS} ms later` }
      )
      .toEqual([]);
    expect(consoleErrors, 'console errors while the dashboard ran').toEqual([]);
    expect(slowest, `the slowest panel took ${slowest} ms to show data`).toBeLessThanOrEqual(PAINT_BUDGET_MS);
  });
}
