/**
 * Reads what a dashboard panel holds from Grafana's own scene graph
 * (window.__grafanaSceneContext, the active DashboardScene in Grafana 12):
 * the panel's data state, its frames and rows, the newest time in them, and a
 * digest of its values, so a spec can tell "has data" and "has newer data"
 * from the data itself, not from pixels.
 */
import type { Page } from '@playwright/test';

export interface PanelDataSummary {
  found: boolean;
  state?: string;
  frames: number;
  rows: number;
  /** The newest value of any time field, in ms. */
  newest?: number;
  /** A digest of the last rows' values: changes when the data does. */
  digest: string;
  errors: string[];
}

/**
 * What every panel of the open dashboard holds, by its (raw, uninterpolated) title: one look at them all.
 * rowsOnly leaves out newest and digest, which copy every value of every frame: on a page whose main
 * thread is saturated (the F1 dashboard opening on two cores) that copy took seconds a look and held
 * the page back, so a spec that times the panels looks with rowsOnly.
 */
export async function panelsData(page: Page, rowsOnly = false): Promise<Record<string, PanelDataSummary>> {
  return page.evaluate((rowsOnly) => {
    type Obj = { state?: Record<string, unknown>; forEachChild?: (cb: (c: Obj) => void) => void };
    const root = (window as unknown as { __grafanaSceneContext?: Obj }).__grafanaSceneContext;
    const out: Record<string, PanelDataSummaryInPage> = {};
    const visit = (o: Obj) => {
      if (!o) {
        return;
      }
      const title = o.state?.title;
      if (typeof title === 'string' && typeof o.state?.pluginId === 'string') {
        out[title] = summarize(o);
      }
      o.forEachChild?.(visit);
    };
    interface PanelDataSummaryInPage {
      found: boolean;
      state?: string;
      frames: number;
      rows: number;
      newest?: number;
      digest: string;
      errors: string[];
    }
    function summarize(panel: Obj): PanelDataSummaryInPage {
      const dataObj = panel.state?.$data as Obj | undefined;
      const data = dataObj?.state?.data as
        | {
            state?: string;
            series?: Array<{ length?: number; fields: Array<{ type: string; values: unknown[] }> }>;
            errors?: Array<{ message?: string }>;
          }
        | undefined;
      if (!data) {
        return { found: true, frames: 0, rows: 0, digest: '', errors: [] };
      }
      let rows = 0;
      let newest: number | undefined;
      const tail: unknown[] = [];
      for (const frame of data.series ?? []) {
        const n = frame.length ?? frame.fields[0]?.values.length ?? 0;
        rows += n;
        if (rowsOnly) {
          continue;
        }
        for (const f of frame.fields) {
          const vals = Array.from(f.values ?? []);
          if (f.type === 'time') {
            for (const v of vals) {
              if (typeof v === 'number' && (newest === undefined || v > newest)) {
                newest = v;
              }
            }
          }
          tail.push(vals.slice(-3));
        }
      }
      return {
        found: true,
        state: data.state,
        frames: data.series?.length ?? 0,
        rows,
        newest,
        digest: JSON.stringify(tail),
        errors: (data.errors ?? []).map((e) => e.message ?? 'error'),
      };
    }
    if (root) {
      visit(root);
    }
    return out;
  }, rowsOnly);
}

export async function panelData(page: Page, title: string): Promise<PanelDataSummary> {
  const all = await panelsData(page);
  return all[title] ?? { found: false, frames: 0, rows: 0, digest: '', errors: [] };
}

/**
 * Has the page note, from its next navigation on, when each panel first holds rows (epoch ms, by raw
 * title), looking every 50 ms from inside the page; paintTimes reads the notes. A spec that looked from
 * outside saw a panel only once gotoDashboardPage had returned and its own look had come back, seconds
 * late on a saturated page.
 */
export async function watchPaint(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Obj = { state?: Record<string, unknown>; forEachChild?: (cb: (c: Obj) => void) => void };
    const w = window as unknown as { __grafanaSceneContext?: Obj; __pitwallPaint?: Record<string, number> };
    const seen: Record<string, number> = {};
    w.__pitwallPaint = seen;
    const visit = (o: Obj) => {
      if (!o) {
        return;
      }
      const title = o.state?.title;
      if (typeof title === 'string' && typeof o.state?.pluginId === 'string' && seen[title] === undefined) {
        const data = (o.state?.$data as Obj | undefined)?.state?.data as
          { series?: Array<{ length?: number; fields: Array<{ values: unknown[] }> }> } | undefined;
        const rows = (data?.series ?? []).reduce((n, f) => n + (f.length ?? f.fields[0]?.values.length ?? 0), 0);
        if (rows > 0) {
          seen[title] = Date.now();
        }
      }
      o.forEachChild?.(visit);
    };
    setInterval(() => {
      if (w.__grafanaSceneContext) {
        visit(w.__grafanaSceneContext);
      }
    }, 50);
  });
}

/** When each panel first held rows (epoch ms, by raw title), as noted since watchPaint. */
export async function paintTimes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => (window as unknown as { __pitwallPaint?: Record<string, number> }).__pitwallPaint ?? {});
}
