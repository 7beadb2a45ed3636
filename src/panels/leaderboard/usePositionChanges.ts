import { useState } from 'react';

import { DriverRow } from './frame';

interface Memory {
  raceId?: string;
  signature: string;
  current: Map<string, number>;
  previous?: Map<string, number>;
  first: Map<string, number>;
}

export interface PositionChanges {
  /** Places gained (+) or lost (−) at the last change of order. */
  sinceLast: (driver: string) => number;
  /** Places gained since the start: the frame's positions_gained, else since the first order seen. */
  sinceStart: (row: DriverRow) => number | undefined;
}

const positions = (rows: DriverRow[]) => new Map(rows.filter((r) => r.position > 0).map((r) => [r.driver, r.position]));

const signatureOf = (rows: DriverRow[]) => rows.map((r) => `${r.driver}:${r.position}`).join(',');

function fresh(rows: DriverRow[], raceId: string | undefined): Memory {
  const now = positions(rows);
  return { raceId, signature: signatureOf(rows), current: now, first: new Map(now) };
}

/** The memory after a snapshot whose order differs from the current one. */
export function advance(m: Memory, rows: DriverRow[]): Memory {
  const now = positions(rows);
  const first = new Map(m.first);
  for (const [d, p] of now) {
    if (!first.has(d)) {
      first.set(d, p);
    }
  }
  return { raceId: m.raceId, signature: signatureOf(rows), current: now, previous: m.current, first };
}

/**
 * Remembers the order across snapshots. Snapshots arrive many times a second and
 * most do not change the order, so "the last update" is the last snapshot whose
 * order differed: its arrows stay until the order changes again. A new race id
 * starts over.
 */
export function usePositionChanges(rows: DriverRow[], raceId?: string): PositionChanges {
  const [memory, setMemory] = useState<Memory>(() => fresh(rows, raceId));
  let m = memory;
  // Derived state, updated during render (React's pattern for "state from the previous props").
  if (m.raceId !== raceId) {
    m = fresh(rows, raceId);
    setMemory(m);
  } else if (m.signature !== signatureOf(rows)) {
    m = advance(m, rows);
    setMemory(m);
  }

  const { previous, current, first } = m;
  return {
    sinceLast: (driver) => {
      const before = previous?.get(driver);
      const now = current.get(driver);
      return before !== undefined && now !== undefined ? before - now : 0;
    },
    sinceStart: (row) => {
      if (row.positionsGained !== undefined) {
        return row.positionsGained;
      }
      const start = first.get(row.driver);
      return start !== undefined && row.position > 0 ? start - row.position : undefined;
    },
  };
}
