import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/** Values that mean "no filter" when a variable expands to them (custom "All" values). */
const ALL_TOKENS = new Set(['*', '.*', 'all', '$__all', '__all']);

/**
 * Expands template variables in a list such as `drivers: ["$driver", "HAM"]`.
 * A multi-value variable becomes several entries; an "All" value (a custom
 * all value such as `*`, or `$__all`) makes the whole list empty, which means
 * all. A variable that does not exist on the dashboard is dropped rather than
 * sent as a literal `$name`. The result has no duplicates and keeps the order.
 */
export function expandList(values: string[] | undefined, scopedVars: ScopedVars, templateSrv: TemplateSrv): string[] {
  if (!values || values.length === 0) {
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of values) {
    const expanded = templateSrv.replace(raw, scopedVars, 'csv');
    for (const part of expanded.split(',')) {
      const v = part.trim();
      if (v === '') {
        continue;
      }
      if (ALL_TOKENS.has(v.toLowerCase())) {
        return [];
      }
      if (v.startsWith('$') || v.startsWith('[[')) {
        continue;
      }
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
  }
  return out;
}

/** True when a value refers to a template variable ($name, ${name}, [[name]]). */
export function isVariable(v: string): boolean {
  return /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/.test(v);
}
