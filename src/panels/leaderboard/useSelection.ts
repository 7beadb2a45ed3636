import { InterpolateFunction } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { useCallback, useState } from 'react';

import { DRIVER_VARIABLE } from './types';

const ALL_TOKENS = new Set(['*', '.*', 'all', '$__all', '__all']);

/** The codes the dashboard's `driver` variable holds, or [] when it is absent, empty or "All". */
export function driversFromVariable(replaceVariables: InterpolateFunction, known: string[]): string[] {
  const expr = `\${${DRIVER_VARIABLE}:csv}`;
  const text = replaceVariables(expr);
  if (!text || text === expr) {
    return [];
  }
  const values = text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '' && !v.startsWith('$'));
  if (values.some((v) => ALL_TOKENS.has(v.toLowerCase()))) {
    return [];
  }
  // "All" without a custom value expands to every driver: that is no selection.
  if (known.length > 1 && known.every((k) => values.includes(k))) {
    return [];
  }
  return values;
}

export interface Selection {
  selected: Set<string>;
  select: (driver: string) => void;
}

/**
 * The highlighted drivers: the dashboard's `driver` variable when it picks some,
 * else the last row clicked, else the panel option. Clicking a row sets the
 * variable through the URL (var-driver), so the other panels follow.
 */
export function useSelection(option: string, replaceVariables: InterpolateFunction, known: string[]): Selection {
  const [clicked, setClicked] = useState<string | undefined>();
  const fromVariable = driversFromVariable(replaceVariables, known);
  const chosen = fromVariable.length ? fromVariable : clicked ? [clicked] : option ? [option.trim().toUpperCase()] : [];

  const select = useCallback((driver: string) => {
    setClicked(driver);
    locationService.partial({ [`var-${DRIVER_VARIABLE}`]: driver }, true);
  }, []);

  return { selected: new Set(chosen), select };
}
