import { ComboboxOption } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';

/** The dashboard's template variables as options (`$name`); none outside a dashboard. */
export function variableOptions(): Array<ComboboxOption<string>> {
  let vars: Array<{ name: string }> = [];
  try {
    vars = getTemplateSrv()?.getVariables() ?? [];
  } catch {
    vars = [];
  }
  return vars.map((v) => ({ value: `$${v.name}`, label: `$${v.name}`, description: 'Template variable' }));
}
