import { HINTS, layoutFor, minWidth, TITLES } from './layout';

describe('layoutFor', () => {
  it('keeps position, driver, gap, tyre and status at every width', () => {
    for (const width of [200, 559, 560, 979, 980, 1099, 1100, 2000]) {
      const { columns } = layoutFor(width);
      for (const c of ['pos', 'driver', 'gap', 'tyre', 'status'] as const) {
        expect(columns).toContain(c);
      }
    }
  });

  it('adds columns as the panel widens, never dropping one', () => {
    const narrow = layoutFor(500).columns;
    const medium = layoutFor(700).columns;
    const wide = layoutFor(1200).columns;
    expect(narrow.length).toBeLessThan(medium.length);
    expect(medium.length).toBeLessThan(wide.length);
    expect(medium).toEqual(expect.arrayContaining(narrow));
    expect(wide).toEqual(expect.arrayContaining(medium));
    expect(narrow).not.toContain('last');
    expect(medium).toContain('last');
    expect(medium).not.toContain('avg');
    expect(wide).toContain('avg');
  });

  it('switches at 560 and 980 pixels', () => {
    expect(layoutFor(559).compact).toBe(true);
    expect(layoutFor(560).compact).toBe(false);
    expect(layoutFor(979).columns).not.toContain('drs');
    expect(layoutFor(980).columns).toContain('drs');
  });

  it('never lays out more columns than fit, so no header is cut at the right edge', () => {
    // The F1 dashboard's leaderboard is about 640 px wide: its last header read "Statu".
    for (let width = minWidth(layoutFor(0).columns); width <= 2000; width++) {
      const { columns } = layoutFor(width);
      expect([width, minWidth(columns) <= width]).toEqual([width, true]);
    }
    const half = layoutFor(641).columns;
    expect(half).toEqual(expect.arrayContaining(['last', 'best', 'status']));
    expect(minWidth(half)).toBeLessThanOrEqual(641);
  });

  it('shows full names only on wide panels', () => {
    expect(layoutFor(1099).showNames).toBe(false);
    expect(layoutFor(1100).showNames).toBe(true);
  });

  it('gives one grid track per column', () => {
    for (const width of [400, 800, 1200]) {
      const { columns, template } = layoutFor(width);
      // Tracks are separated by spaces outside minmax(…).
      const tracks = template.match(/minmax\([^)]*\)|\S+/g) ?? [];
      expect(tracks).toHaveLength(columns.length);
    }
  });

  it('has a title for every column and hints only for known columns', () => {
    for (const c of layoutFor(2000).columns) {
      expect(TITLES[c]).toBeDefined();
    }
    for (const c of Object.keys(HINTS)) {
      expect(Object.keys(TITLES)).toContain(c);
    }
  });
});
