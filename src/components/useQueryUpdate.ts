import { useCallback, useLayoutEffect, useRef } from 'react';

/** Whether two query values are the same (strings, numbers, lists of them, plain objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The one way an editor changes its query: `update(patch)` applies the patch
 * to the latest query (not the query of the render the caller was created
 * in), calls onChange, then onRunQuery if given, and does nothing at all when
 * the patch changes nothing.
 *
 * Why: Grafana 12.4's Combobox (downshift 9.0) can call a stale onChange
 * again on each later render, with the value already applied. An editor
 * whose handler compares against the query it closed over, and then changes
 * and runs the query, turns that into an update loop: in Explore, switching
 * the query type fired ~50 queries in a second and ended in React error
 * #185 (maximum update depth). With this, a repeated call is a no-op.
 */
export function useQueryUpdate<Q extends object>(
  query: Q,
  onChange: (q: Q) => void,
  onRunQuery?: () => void
): { update: (patch: Partial<Q>) => void; latest: () => Q } {
  const latest = useRef(query);
  // Committed queries replace what update() applied, so an outside change (undo, another editor) wins.
  useLayoutEffect(() => {
    latest.current = query;
  }, [query]);
  const update = useCallback(
    (patch: Partial<Q>) => {
      const cur = latest.current as Record<string, unknown>;
      const changed = Object.entries(patch).some(([k, v]) => !sameValue(cur[k], v));
      if (!changed) {
        return;
      }
      const next = { ...latest.current, ...patch };
      latest.current = next;
      onChange(next);
      onRunQuery?.();
    },
    [onChange, onRunQuery]
  );
  const get = useCallback(() => latest.current, []);
  return { update, latest: get };
}
