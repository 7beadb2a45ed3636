/** Which columns fit the panel's width, and the CSS grid template for them. */

export type Column =
  | 'pos'
  | 'change'
  | 'start'
  | 'bar'
  | 'driver'
  | 'gap'
  | 'interval'
  | 'last'
  | 'best'
  | 'tyre'
  | 'pits'
  | 'drs'
  | 'status'
  | 'avg';

const WIDTHS: Record<Column, string> = {
  pos: '28px',
  change: '34px',
  start: '34px',
  bar: '4px',
  driver: 'minmax(48px, 1.6fr)',
  gap: 'minmax(64px, 1fr)',
  interval: 'minmax(64px, 1fr)',
  last: 'minmax(72px, 1fr)',
  best: 'minmax(72px, 1fr)',
  tyre: '56px',
  pits: '36px',
  drs: '44px',
  status: '64px',
  avg: 'minmax(56px, 0.8fr)',
};

export const TITLES: Record<Column, string> = {
  pos: 'Pos',
  change: 'Δ',
  start: '±',
  bar: '',
  driver: 'Driver',
  gap: 'Gap',
  interval: 'Int',
  last: 'Last lap',
  best: 'Best lap',
  tyre: 'Tyre',
  pits: 'Pit',
  drs: 'DRS',
  status: 'Status',
  avg: 'Avg km/h',
};

export const HINTS: Partial<Record<Column, string>> = {
  change: 'Places gained or lost at the last change of order',
  start: 'Places gained or lost since the start',
  gap: 'Gap to the leader',
  interval: 'Interval to the car ahead',
  pits: 'Pit stops',
  avg: 'Average speed this race',
};

export interface Layout {
  columns: Column[];
  template: string;
  showNames: boolean;
  compact: boolean;
}

const NARROW: Column[] = ['pos', 'change', 'bar', 'driver', 'gap', 'tyre', 'status'];
const MEDIUM: Column[] = [
  'pos',
  'change',
  'start',
  'bar',
  'driver',
  'gap',
  'interval',
  'last',
  'best',
  'tyre',
  'pits',
  'status',
];
const WIDE: Column[] = [
  'pos',
  'change',
  'start',
  'bar',
  'driver',
  'gap',
  'interval',
  'last',
  'best',
  'tyre',
  'pits',
  'drs',
  'status',
  'avg',
];

export function layoutFor(width: number): Layout {
  const columns = width < 560 ? NARROW : width < 980 ? MEDIUM : WIDE;
  return {
    columns,
    template: columns.map((c) => WIDTHS[c]).join(' '),
    showNames: width >= 1100,
    compact: width < 560,
  };
}
