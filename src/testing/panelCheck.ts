/**
 * Checks a dashboard panel against the frames its query returns: what Grafana
 * would show as "No data", "Err" or a wrong axis. Each problem is a sentence
 * saying what to fix. See src/dashboards.test.ts.
 */
import { DataFrame, DataFrameJSON, Field, FieldType, getFieldDisplayName } from '@grafana/data';

import { DashboardPanel, FieldMatcherID, matching, renderFrames, toPanelFrames } from './panelRender';

/** Units that say the values are numbers of some kind; a string field must not get one. */
const NUMERIC_UNITS = /^(percent|percentunit|velocity|rot|short|none$|bytes|ms$|s$|lengthm|celsius|decbytes)/;

function numbers(f: Field): number[] {
  return f.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function names(frames: DataFrame[]): string {
  return frames.flatMap((fr) => fr.fields.map((f) => `${f.name} (${getFieldDisplayName(f, fr, frames)})`)).join(', ');
}

/** Units whose values have a known range, and that range. */
const UNIT_RANGES: Record<string, [number, number]> = {
  percentunit: [0, 1],
  percent: [0, 100],
  velocitykmh: [0, 400],
  rotrpm: [0, 20000],
};

function checkUnits(frames: DataFrame[], problems: string[]) {
  for (const frame of frames) {
    for (const f of frame.fields) {
      const unit = f.config.unit;
      if (!unit) {
        continue;
      }
      const name = getFieldDisplayName(f, frame, frames);
      // Grafana formats a string that reads as a number in the field's unit: a gear "3" in percentunit is 300%.
      const numeric = f.values.find((v) => typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
      if (f.type === FieldType.string && unit !== 'string' && NUMERIC_UNITS.test(unit) && numeric !== undefined) {
        problems.push(
          `field ${name} holds strings (e.g. ${JSON.stringify(numeric)}) but gets the unit ${unit}: Grafana formats them as numbers in it`
        );
      }
      const range = UNIT_RANGES[unit];
      const vals = numbers(f);
      if (range && f.type === FieldType.number && vals.length > 0) {
        const [lo, hi] = range;
        const out = vals.filter((v) => v < lo || v > hi);
        if (out.length > 0) {
          problems.push(`field ${name} has unit ${unit} but values outside ${lo}–${hi}, e.g. ${out[0]}`);
        }
      }
    }
  }
}

function numericFields(frames: DataFrame[]): Field[] {
  return frames.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number));
}

/** Field names a panel's overrides name, which must match something. */
function checkOverrides(panel: DashboardPanel, frames: DataFrame[], problems: string[]) {
  for (const o of panel.fieldConfig?.overrides ?? []) {
    const { id, options } = o.matcher;
    if (id !== FieldMatcherID.byName && id !== FieldMatcherID.byRegexp) {
      continue;
    }
    if (matching(frames, id, options).length === 0) {
      problems.push(`the override ${id} ${JSON.stringify(options)} matches no field; the fields are ${names(frames)}`);
    }
  }
}

function checkByType(panel: DashboardPanel, frames: DataFrame[], problems: string[]) {
  const opts = panel.options ?? {};
  switch (panel.type) {
    case 'bargauge':
    case 'stat':
    case 'gauge': {
      const reduce = (opts.reduceOptions ?? {}) as { fields?: string };
      const picked = reduce.fields
        ? matching(frames, FieldMatcherID.byRegexp, reduce.fields)
        : matching(frames, FieldMatcherID.numeric, undefined);
      if (picked.length === 0) {
        problems.push(
          `"No data": reduceOptions.fields ${JSON.stringify(reduce.fields ?? 'numeric')} matches no field by display name; the fields are ${names(frames)}`
        );
      } else if (picked.some((f) => f.type !== FieldType.number)) {
        problems.push(`reduceOptions.fields ${JSON.stringify(reduce.fields)} picks a field that is not a number`);
      }
      break;
    }
    case 'xychart': {
      const series = (opts.series ?? []) as Array<Record<'x' | 'y', { matcher?: { id: string; options: unknown } }>>;
      if (opts.mapping !== 'manual' && series.length === 0) {
        problems.push('an xychart without series draws nothing');
      }
      for (const s of series) {
        for (const axis of ['x', 'y'] as const) {
          const m = s[axis]?.matcher;
          const got = m ? matching(frames, m.id, m.options) : [];
          if (!got.some((f) => f.type === FieldType.number)) {
            problems.push(
              `xychart ${axis} ${JSON.stringify(m)} matches no numeric field; the fields are ${names(frames)}`
            );
          }
        }
      }
      break;
    }
    case 'barchart': {
      const x = opts.xField as string | undefined;
      const xs = x ? matching(frames, FieldMatcherID.byName, x) : [];
      if (x && xs.length === 0) {
        problems.push(`barchart xField ${x} matches no field; the fields are ${names(frames)}`);
      }
      if (numericFields(frames).filter((f) => !xs.includes(f)).length === 0) {
        problems.push('a barchart needs a number field besides its x field');
      }
      xs.filter((f) => f.config.unit?.startsWith('percent')).forEach(() =>
        problems.push(`the barchart's x field ${x} is formatted as percent`)
      );
      break;
    }
    case 'timeseries': {
      const ok = frames.some(
        (fr) => fr.fields.some((f) => f.type === FieldType.time) && fr.fields.some((f) => f.type === FieldType.number)
      );
      if (!ok) {
        problems.push(`a time series needs a time field and a number field; the fields are ${names(frames)}`);
      }
      break;
    }
    case 'logs': {
      for (const fr of frames) {
        // Grafana's rule: a data-plane logs frame shows its body field, any other frame its first string field.
        const body =
          fr.meta?.type === 'log-lines'
            ? fr.fields.find((f) => f.name === 'body' && f.type === FieldType.string)
            : fr.fields.find((f) => f.type === FieldType.string);
        if (!fr.fields.some((f) => f.type === FieldType.time) || !body) {
          problems.push(`a logs panel needs a time field and a string body; the fields are ${names([fr])}`);
        } else if (!/^(body|message|msg|line|text)$/i.test(body.name)) {
          problems.push(
            `the logs panel shows the field ${body.name} as each line, not the message; put the message first`
          );
        }
      }
      break;
    }
    case 'table': {
      for (const s of (opts.sortBy ?? []) as Array<{ displayName: string }>) {
        if (matching(frames, FieldMatcherID.byName, s.displayName).length === 0) {
          problems.push(`the table sorts by ${s.displayName}, which is no column; the fields are ${names(frames)}`);
        }
      }
      break;
    }
    case 'pitwall-leaderboard-panel': {
      for (const need of ['position', 'driver']) {
        if (matching(frames, FieldMatcherID.byName, need).length === 0) {
          problems.push(`the leaderboard needs a ${need} field`);
        }
      }
      break;
    }
  }
}

/** Everything wrong with a panel given its query's frames (as stored by the stack check). */
export async function checkPanel(panel: DashboardPanel, stored: DataFrameJSON[] | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (panel.type !== 'row' && !panel.pluginVersion) {
    problems.push(
      `no pluginVersion: Grafana runs every old options migration of ${panel.type} on it (an xychart loses its series and shows "Err")`
    );
  }
  if (!panel.targets?.length || panel.type === 'text') {
    return problems;
  }
  if (!stored) {
    return [...problems, 'no frames recorded for this panel: run the stack check with -update-panel-frames'];
  }
  const frames = await renderFrames(panel, toPanelFrames(stored), problems);
  if (frames.every((f) => f.length === 0)) {
    problems.push('the query returns no rows');
  }
  checkByType(panel, frames, problems);
  checkOverrides(panel, frames, problems);
  checkUnits(frames, problems);
  return problems;
}

/** An annotation query's frame must carry what Grafana reads from it. */
export function checkAnnotationFrames(stored: DataFrameJSON[] | undefined): string[] {
  if (!stored?.length) {
    return ['no frames recorded for this annotation'];
  }
  const problems: string[] = [];
  const frame = toPanelFrames(stored)[0];
  for (const need of ['time', 'timeEnd', 'title', 'text', 'tags']) {
    if (!frame.fields.some((f) => f.name === need)) {
      problems.push(`the annotation frame lacks ${need}`);
    }
  }
  return problems;
}
