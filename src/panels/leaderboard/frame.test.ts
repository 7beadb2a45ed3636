import { createDataFrame, FieldType } from '@grafana/data';

import { normaliseFlag, parseLeaderboard, sortRows, DriverRow } from './frame';
import { leaderboardFrame, MONZA } from './testing/fixtures';

function rowsOf(frames: Parameters<typeof parseLeaderboard>[0]): DriverRow[] {
  const board = parseLeaderboard(frames);
  if (board.kind !== 'ok') {
    throw new Error(`not a leaderboard: ${JSON.stringify(board)}`);
  }
  return board.rows;
}

describe('parseLeaderboard', () => {
  it('is empty without frames, or with frames without rows', () => {
    expect(parseLeaderboard([])).toEqual({ kind: 'empty' });
    expect(parseLeaderboard([leaderboardFrame([])])).toEqual({ kind: 'empty' });
    expect(parseLeaderboard([createDataFrame({ name: 'race', fields: [] })])).toEqual({ kind: 'empty' });
  });

  it('says which fields it needs and which it found when the frame is something else', () => {
    const other = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1] },
        { name: 'speed_kph', type: FieldType.number, values: [300] },
      ],
    });
    const board = parseLeaderboard([other]);
    expect(board.kind).toBe('invalid');
    expect(board.kind === 'invalid' && board.message).toMatch(
      /needs the fields position and driver, and has time, speed_kph/
    );
  });

  it('reads every field of the contract, in snake_case', () => {
    const [leader] = rowsOf([leaderboardFrame(MONZA)]);
    expect(leader).toMatchObject({
      position: 1,
      driver: 'LEC',
      name: 'Charles Leclerc',
      team: 'Ferrari',
      teamColour: '#E80020',
      gapToLeaderS: 0,
      lap: 12,
      lastLapS: 84.912,
      bestLapS: 84.501,
      tyre: 'HARD',
      tyreAgeLaps: 12,
      pitStops: 0,
      status: 'RUNNING',
      avgSpeedKph: 244.3,
      positionsGained: 3,
    });
  });

  it('fills a missing name and colour from the grid, and upper-cases the status', () => {
    const [row] = rowsOf([leaderboardFrame([{ position: 1, driver: 'VER', status: 'pit' }])]);
    expect(row.name).toBe('Max Verstappen');
    expect(row.teamColour).toBe('#3671C6');
    expect(row.status).toBe('PIT');
  });

  it('accepts numbers sent as strings and booleans sent as 1', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'position', type: FieldType.string, values: ['2', '1'] },
        { name: 'driver', type: FieldType.string, values: ['HAM', 'RUS'] },
        { name: 'drs_open', type: FieldType.number, values: [1, 0] },
      ],
    });
    const rows = rowsOf([frame]);
    expect(rows.map((r) => [r.driver, r.position, r.drsOpen])).toEqual([
      ['RUS', 1, false],
      ['HAM', 2, true],
    ]);
  });

  it('skips rows without a driver code', () => {
    const rows = rowsOf([
      leaderboardFrame([
        { position: 1, driver: '' },
        { position: 2, driver: 'NOR' },
      ]),
    ]);
    expect(rows.map((r) => r.driver)).toEqual(['NOR']);
  });

  it('marks the lowest best lap as fastest when the frame does not say, and last = best as a personal best', () => {
    const rows = rowsOf([
      leaderboardFrame([
        { position: 1, driver: 'VER', best_lap_s: 81.2, last_lap_s: 81.9 },
        { position: 2, driver: 'NOR', best_lap_s: 80.9, last_lap_s: 80.9 },
        { position: 3, driver: 'LEC', best_lap_s: 0 },
      ]),
    ]);
    expect(rows.filter((r) => r.fastestLap).map((r) => r.driver)).toEqual(['NOR']);
    expect(rows.filter((r) => r.personalBest).map((r) => r.driver)).toEqual(['NOR']);
  });

  it('works out places gained from the start position when the frame does not give them', () => {
    const [row] = rowsOf([leaderboardFrame([{ position: 4, driver: 'ALO', start_position: 9 }])]);
    expect(row.positionsGained).toBe(5);
  });
});

describe('the race header data', () => {
  it('reads the race columns of row 0', () => {
    const board = parseLeaderboard([
      leaderboardFrame(MONZA, {
        race_id: 'monza-7',
        circuit: 'monza',
        race_lap: 12,
        total_laps: 53,
        elapsed_s: 1030,
        flag: 'SAFETY_CAR',
      }),
    ]);
    expect(board.kind === 'ok' && board.race).toEqual({
      raceId: 'monza-7',
      circuit: 'monza',
      circuitName: 'Monza',
      lap: 12,
      totalLaps: 53,
      elapsedS: 1030,
      flag: 'SC',
    });
  });

  it('takes what the columns lack from a separate race frame, and the lap from the drivers', () => {
    const race = createDataFrame({
      name: 'race',
      fields: [
        { name: 'total_laps', type: FieldType.number, values: [40, 44] },
        { name: 'flag', type: FieldType.string, values: ['GREEN', 'CHEQUERED'] },
      ],
    });
    const board = parseLeaderboard([leaderboardFrame(MONZA, { race_id: 'spa-1' }), race]);
    expect(board.kind === 'ok' && board.race).toMatchObject({
      raceId: 'spa-1',
      totalLaps: 44,
      flag: 'CHEQUERED',
      lap: 12,
    });
  });

  it('reads meta.custom.race under the columns', () => {
    const frame = leaderboardFrame(MONZA, { flag: 'YELLOW' });
    frame.meta = { custom: { race: { flag: 'RED', circuit: 'spa', total_laps: 44 } } };
    const board = parseLeaderboard([frame]);
    expect(board.kind === 'ok' && board.race).toMatchObject({ flag: 'YELLOW', circuit: 'spa', totalLaps: 44 });
  });
});

describe('normaliseFlag', () => {
  it.each([
    ['green', 'GREEN'],
    ['LIGHTS_OUT', 'GREEN'],
    ['double yellow', 'YELLOW'],
    ['Safety Car', 'SC'],
    ['virtual-safety-car', 'VSC'],
    ['ABORTED', 'RED'],
    ['checkered', 'CHEQUERED'],
    ['FINISH', 'CHEQUERED'],
  ])('%s → %s', (word, flag) => {
    expect(normaliseFlag(word)).toBe(flag);
  });

  it.each([undefined, '', 'PURPLE', 3])('%p is no flag', (v) => {
    expect(normaliseFlag(v)).toBeUndefined();
  });
});

describe('sortRows', () => {
  it('orders by position, rows without one last by code, and leaves its input alone', () => {
    const input = [
      { position: 0, driver: 'ZHO' },
      { position: 2, driver: 'HAM' },
      { position: 0, driver: 'ALB' },
      { position: 1, driver: 'VER' },
    ] as DriverRow[];
    expect(sortRows(input).map((r) => r.driver)).toEqual(['VER', 'HAM', 'ALB', 'ZHO']);
    expect(input[0].driver).toBe('ZHO');
  });
});

describe('pit-window predictions beside the leaderboard', () => {
  it("takes each driver's pit window within 3 laps from a predictions frame, the last row winning", () => {
    const predictions = createDataFrame({
      name: 'predictions',
      fields: [
        { name: 'driver', type: FieldType.string, values: ['LEC', 'PIA', 'LEC', 'XXX'] },
        { name: 'pit_window_1', type: FieldType.number, values: [0.1, 0.05, 0.2, 0.9] },
        { name: 'pit_window_3', type: FieldType.number, values: [0.3, null, 0.62, 0.9] },
      ],
    });
    const rows = rowsOf([leaderboardFrame(MONZA), predictions]);
    expect(rows.find((r) => r.driver === 'LEC')?.pitWindow).toBe(0.62);
    expect(rows.find((r) => r.driver === 'PIA')?.pitWindow).toBeUndefined();
    // A predictions frame alone is no leaderboard, and no error either.
    expect(parseLeaderboard([predictions])).toEqual({ kind: 'empty' });
  });

  it('leaves rows alone without a predictions frame', () => {
    expect(rowsOf([leaderboardFrame(MONZA)]).every((r) => r.pitWindow === undefined)).toBe(true);
  });
});
