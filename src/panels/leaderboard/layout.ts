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

/** The grid's column gap, its row padding (both sides) and a scrollbar, in pixels (styles.ts: spacing(1), spacing(0, 1)). */
const GAP = 8;
const PADDING = 16;
const SCROLLBAR = 16;

/** MEDIUM without the start and pit-stop columns: what a half-width panel (about 640 px) holds without clipping. */
const MEDIUM_TIGHT = MEDIUM.filter((c) => c !== 'start' && c !== 'pits');

/** The layouts, widest first, each from the panel width where it may start. */
const LAYOUTS: Array<[number, Column[]]> = [
  [980, WIDE],
  [560, MEDIUM],
  [560, MEDIUM_TIGHT],
  [0, NARROW],
];

/** The narrowest a row of these columns can be: every track at its minimum, the gaps, padding and a scrollbar. */
export function minWidth(columns: Column[]): number {
  const tracks = columns.reduce((sum, c) => sum + Number(/(\d+)px/.exec(WIDTHS[c])?.[1] ?? 0), 0);
  return tracks + GAP * (columns.length - 1) + PADDING + SCROLLBAR;
}

/**
 * The widest layout whose columns fit: a grid wider than the panel is cut at
 * the right edge (the last header read "Statu" at the F1 dashboard's width).
 */
export function layoutFor(width: number): Layout {
  const columns = (LAYOUTS.find(([from, cols]) => width >= from && width >= minWidth(cols)) ?? LAYOUTS[3])[1];
  return {
    columns,
    template: columns.map((c) => WIDTHS[c]).join(' '),
    showNames: width >= 1100,
    compact: width < 560,
  };
}
