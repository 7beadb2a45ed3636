import { act, renderHook } from '@testing-library/react';

import { PitwallQuery } from '../types';
import { sameValue, useQueryUpdate } from './useQueryUpdate';

/**
 * Grafana 12.4's Combobox can call the onChange of an earlier render again on
 * later renders, with the value already applied (seen in Explore: the query
 * type picker re-sent "wheelSpin" with the alerts query it closed over, ~50
 * times, each running the query). These tests play that back.
 */
describe('useQueryUpdate', () => {
  function setup(initial: PitwallQuery) {
    const changes: PitwallQuery[] = [];
    let runs = 0;
    const hook = renderHook(
      ({ query }) =>
        useQueryUpdate(
          query,
          (q) => changes.push(q),
          () => runs++
        ),
      {
        initialProps: { query: initial },
      }
    );
    return { hook, changes, runs: () => runs };
  }

  it('changes and runs the query once for a change', () => {
    const { hook, changes, runs } = setup({ refId: 'A', queryType: 'alerts' });
    act(() => hook.result.current.update({ queryType: 'wheelSpin', topic: '' }));
    expect(changes).toEqual([{ refId: 'A', queryType: 'wheelSpin', topic: '' }]);
    expect(runs()).toBe(1);
  });

  it('ignores a stale handler repeating a change already applied, before and after the new query arrives', () => {
    const { hook, changes, runs } = setup({ refId: 'A', queryType: 'alerts' });
    const stale = hook.result.current.update;
    act(() => stale({ queryType: 'wheelSpin', topic: '', view: '' }));
    // Again before the parent re-rendered with the new query...
    act(() => stale({ queryType: 'wheelSpin', topic: '', view: '' }));
    // ...and after, many times.
    hook.rerender({ query: changes[0] });
    for (let i = 0; i < 50; i++) {
      act(() => stale({ queryType: 'wheelSpin', topic: '', view: '' }));
    }
    expect(changes).toHaveLength(1);
    expect(runs()).toBe(1);
  });

  it('applies a patch to the latest query, not to the one the handler saw', () => {
    const { hook, changes } = setup({ refId: 'A', queryType: 'telemetry' });
    const stale = hook.result.current.update;
    act(() => stale({ drivers: ['VER'] }));
    hook.rerender({ query: changes[0] });
    act(() => stale({ fields: ['rpm'] }));
    expect(changes[1]).toEqual({ refId: 'A', queryType: 'telemetry', drivers: ['VER'], fields: ['rpm'] });
  });

  it('lets an outside change of the query win', () => {
    const { hook, changes } = setup({ refId: 'A', queryType: 'telemetry', drivers: ['VER'] });
    hook.rerender({ query: { refId: 'A', queryType: 'telemetry', drivers: [] } });
    act(() => hook.result.current.update({ drivers: ['VER'] }));
    expect(changes).toEqual([{ refId: 'A', queryType: 'telemetry', drivers: ['VER'] }]);
  });
});

describe('sameValue', () => {
  it('compares primitives, lists and objects by value', () => {
    expect(sameValue('a', 'a')).toBe(true);
    expect(sameValue(['VER', 'LEC'], ['VER', 'LEC'])).toBe(true);
    expect(sameValue(['VER'], ['LEC'])).toBe(false);
    expect(sameValue(undefined, '')).toBe(false);
    expect(sameValue(null, undefined)).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1 })).toBe(true);
  });
});
