/**
 * What a Grafana panel makes of a query's frames, with Grafana's own code from
 * @grafana/data: Live frames become StreamingDataFrames (which unpack the
 * "labels" column of a packed stream), the panel's transformations run, its
 * field config and overrides apply (display names, units), and field matchers
 * are Grafana's. Two pieces of Grafana core are not in @grafana/data and are
 * ported here, each marked: the standard field config items the checks need
 * (app/core/components/OptionsUI/registry.tsx) and the partitionByValues
 * transformation (app/features/transformers/partitionByValues).
 */
import {
  applyFieldOverrides,
  createTheme,
  DataFrame,
  DataFrameJSON,
  dataFrameFromJSON,
  DataTransformerConfig,
  displayNameOverrideProcessor,
  Field,
  FieldConfigOptionsRegistry,
  FieldConfigPropertyItem,
  FieldConfigSource,
  FieldMatcherID,
  getFieldMatcher,
  InterpolateFunction,
  numberOverrideProcessor,
  ScopedVars,
  standardTransformers,
  standardTransformersRegistry,
  StreamingDataFrame,
  StreamingFrameAction,
  stringOverrideProcessor,
  transformDataFrame,
} from '@grafana/data';
import { firstValueFrom } from 'rxjs';

/** The part of a dashboard panel these checks read. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  pluginVersion?: string;
  targets?: Array<Record<string, unknown>>;
  fieldConfig?: FieldConfigSource;
  options?: Record<string, unknown>;
  transformations?: DataTransformerConfig[] | null;
  panels?: DashboardPanel[];
}

let registered = false;

/** Grafana's standard transformations (those @grafana/data holds). */
function registerTransformers() {
  if (registered) {
    return;
  }
  registered = true;
  // @grafana/data lists some transformations twice (under an old name too): one entry per id.
  const unique = [...new Map(Object.values(standardTransformers).map((t) => [t.id, t])).values()];
  standardTransformersRegistry.setInit(() =>
    unique.map((t) => ({
      id: t.id,
      aliasIds: t.aliasIds,
      name: t.name,
      description: t.description,
      transformation: t,
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }))
  );
}

interface PartitionOptions {
  fields: string[];
  keepFields?: boolean;
  naming?: { asLabels?: boolean };
}

/**
 * Port of Grafana core's partitionByValues (labels naming only, which is what
 * the dashboards use): one frame per distinct value of the fields, those
 * values as field labels, the fields themselves dropped unless kept.
 */
export function partitionByValues(frame: DataFrame, options: PartitionOptions): DataFrame[] {
  const keys = frame.fields.filter((f) => options.fields.includes(f.name));
  if (!keys.length) {
    return [frame];
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < frame.length; i++) {
    const k = JSON.stringify(keys.map((f) => f.values[i]));
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  return [...groups.values()].map((idxs) => {
    const labels: Record<string, string> = {};
    keys.forEach((f) => (labels[f.name] = String(f.values[idxs[0]])));
    const kept = options.keepFields ? frame.fields : frame.fields.filter((f) => !options.fields.includes(f.name));
    return {
      name: frame.name,
      refId: frame.refId,
      meta: frame.meta,
      length: idxs.length,
      fields: kept.map((f) => ({
        ...f,
        config: { ...f.config },
        labels: { ...f.labels, ...labels },
        values: idxs.map((i) => f.values[i]),
      })),
    };
  });
}

/** The standard field options the checks need, as Grafana core registers them. */
const fieldConfigRegistry = new FieldConfigOptionsRegistry(() => {
  const item = (id: string, process: FieldConfigPropertyItem['process'], numeric = false): FieldConfigPropertyItem => ({
    id,
    path: id,
    name: id,
    editor: () => null,
    override: () => null,
    process,
    shouldApply: (field: Field) => !numeric || field.type === 'number',
    settings: id === 'displayName' ? { expandTemplateVars: true } : {},
  });
  return [
    item('displayName', displayNameOverrideProcessor),
    item('unit', stringOverrideProcessor),
    item('min', numberOverrideProcessor, true),
    item('max', numberOverrideProcessor, true),
    item('decimals', numberOverrideProcessor, true),
  ];
});

/**
 * Grafana's interpolation of the field macros a display name may use:
 * ${__field.name}, ${__field.labels.X}, ${__series.name}; ${__data.fields.X}
 * needs a row and so stays as it is outside one, as in Grafana
 * (app/features/templating/dataMacros.ts). Dashboard variables are left.
 */
export const replaceVariables: InterpolateFunction = (value: string, scopedVars?: ScopedVars) => {
  const ctx = scopedVars?.__dataContext?.value as { field?: Field; frame?: DataFrame } | undefined;
  return value.replace(/\$\{__(field|series)\.([\w.]+)\}/g, (match, scope: string, path: string) => {
    if (scope === 'series' && path === 'name') {
      return ctx?.frame?.name ?? match;
    }
    if (path === 'name') {
      return ctx?.field?.name ?? match;
    }
    const label = /^labels\.(\w+)$/.exec(path);
    if (label) {
      return ctx?.field?.labels?.[label[1]] ?? '';
    }
    return match;
  });
};

/** Frames of a panel's query as the browser holds them: Live frames in a StreamingDataFrame. */
export function toPanelFrames(stored: DataFrameJSON[]): DataFrame[] {
  return stored.map((json) => {
    const frame = dataFrameFromJSON(json);
    if (!frame.meta?.channel) {
      return frame;
    }
    const custom = frame.meta.custom as Record<string, unknown> | undefined;
    const action = custom?.snapshot === true ? StreamingFrameAction.Replace : StreamingFrameAction.Append;
    return StreamingDataFrame.fromDataFrameJSON(json, { action, maxLength: 1000 });
  });
}

/** The field names a transformation's options name (those of the kinds the dashboards use). */
export function transformationFields(t: DataTransformerConfig): string[] {
  const o = (t.options ?? {}) as Record<string, unknown>;
  switch (t.id) {
    case 'sortBy':
      return ((o.sort ?? []) as Array<{ field?: string }>).map((s) => s.field ?? '').filter(Boolean);
    case 'groupBy':
      return Object.keys((o.fields ?? {}) as object);
    case 'partitionByValues':
      return (o.fields ?? []) as string[];
    case 'organize':
      return Object.keys((o.indexByName ?? {}) as object);
    case 'filterFieldsByName':
      return ((o.include as { names?: string[] } | undefined)?.names ?? []) as string[];
    default:
      return [];
  }
}

/**
 * Runs the panel's transformations (the ported partitionByValues among
 * Grafana's), and says which ones name a field their input lacks: Grafana
 * then quietly does nothing.
 */
export async function transform(
  panel: DashboardPanel,
  frames: DataFrame[],
  problems: string[] = []
): Promise<DataFrame[]> {
  registerTransformers();
  let out = frames;
  for (const t of panel.transformations ?? []) {
    for (const name of transformationFields(t)) {
      if (matching(out, FieldMatcherID.byName, name).length === 0) {
        problems.push(`the ${t.id} transformation names ${name}, which its input lacks`);
      }
    }
    if (t.id === 'partitionByValues') {
      out = out.flatMap((f) => partitionByValues(f, t.options as PartitionOptions));
    } else {
      out = await firstValueFrom(transformDataFrame([t], out));
    }
  }
  return out;
}

/** The frames the panel draws: transformed, with the panel's field config applied. */
export async function renderFrames(
  panel: DashboardPanel,
  frames: DataFrame[],
  problems: string[] = []
): Promise<DataFrame[]> {
  const transformed = await transform(panel, frames, problems);
  return applyFieldOverrides({
    data: transformed,
    fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
    fieldConfigRegistry,
    replaceVariables,
    theme: createTheme(),
  });
}

/** Fields of frames that a Grafana matcher selects. */
export function matching(frames: DataFrame[], id: string, options: unknown): Field[] {
  const m = getFieldMatcher({ id, options });
  return frames.flatMap((frame) => frame.fields.filter((f) => m(f, frame, frames)));
}

export { FieldMatcherID };
