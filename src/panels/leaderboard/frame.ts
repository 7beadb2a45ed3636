import { DataFrame, Field } from '@grafana/data';

import { circuitName, gridDriver, normaliseColour, teamColour } from './grid';

/** One driver's row, read from the leaderboard frame (field names in FIELDS.md). */
export interface DriverRow {
  position: number;
  driver: string;
  name?: string;
  team?: string;
  /** `#rrggbb`. */
  teamColour?: string;
  gapToLeaderS?: number;
  intervalS?: number;
  lapsDown?: number;
  lap?: number;
  lastLapS?: number;
  bestLapS?: number;
  /** This driver holds the overall fastest lap. */
  fastestLap: boolean;
  /** The last lap was this driver's best so far. */
  personalBest: boolean;
  tyre?: string;
  tyreAgeLaps?: number;
  pitStops?: number;
  status?: string;
  /** With status `OUT`: the lap the car stopped on. */
  retiredLap?: number;
  drsOpen: boolean;
  avgSpeedKph?: number;
  /** Places gained since the start (grid minus current position); negative when lost. */
  positionsGained?: number;
  /** Time penalties in seconds. */
  penaltyS?: number;
  /** Pit window: the chance (0-1) of a stop within 3 laps, from a `predictions` frame (FIELDS.md). */
  pitWindow?: number;
}

export type Flag = 'GREEN' | 'YELLOW' | 'SC' | 'VSC' | 'RED' | 'CHEQUERED';

export interface RaceInfo {
  raceId?: string;
  circuit?: string;
  circuitName?: string;
  lap?: number;
  totalLaps?: number;
  elapsedS?: number;
  flag?: Flag;
}

export type Leaderboard =
  { kind: 'empty' } | { kind: 'invalid'; message: string } | { kind: 'ok'; rows: DriverRow[]; race: RaceInfo };

/** Fields a frame needs to be read as a leaderboard. */
export const REQUIRED_FIELDS = ['position', 'driver'];

type Getter = (row: number) => unknown;

function getter(frame: DataFrame, name: string): Getter | undefined {
  const field: Field | undefined = frame.fields.find((f) => f.name === name);
  if (!field) {
    return undefined;
  }
  return (row: number) => field.values[row];
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') {
    return v;
  }
  return typeof v === 'number' ? String(v) : undefined;
}

function bool(v: unknown): boolean {
  return v === true || v === 1 || v === 'true';
}

/** Maps flag words from frames and race-control events to the header's flag states. */
export function normaliseFlag(v: unknown): Flag | undefined {
  const s = str(v)
    ?.trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (!s) {
    return undefined;
  }
  switch (s) {
    case 'GREEN':
    case 'CLEAR':
    case 'LIGHTS_OUT':
      return 'GREEN';
    case 'YELLOW':
    case 'DOUBLE_YELLOW':
      return 'YELLOW';
    case 'SC':
    case 'SAFETY_CAR':
      return 'SC';
    case 'VSC':
    case 'VIRTUAL_SAFETY_CAR':
      return 'VSC';
    case 'RED':
    case 'ABORTED':
      return 'RED';
    case 'CHEQUERED':
    case 'CHECKERED':
    case 'FINISH':
      return 'CHEQUERED';
    default:
      return undefined;
  }
}

function isLeaderboardFrame(frame: DataFrame): boolean {
  return REQUIRED_FIELDS.every((n) => frame.fields.some((f) => f.name === n));
}

function isRaceFrame(frame: DataFrame): boolean {
  return (
    frame.name === 'race' ||
    (frame.fields.some((f) => f.name === 'total_laps') && !frame.fields.some((f) => f.name === 'driver'))
  );
}

function readRows(frame: DataFrame): DriverRow[] {
  const g = (name: string) => getter(frame, name);
  const position = g('position')!;
  const driver = g('driver')!;
  const [name, team, colour, gap, interval, lapsDown, lap, last, best] = [
    'name',
    'team',
    'team_colour',
    'gap_to_leader_s',
    'interval_s',
    'laps_down',
    'lap',
    'last_lap_s',
    'best_lap_s',
  ].map(g);
  const [fastest, pb, tyre, tyreAge, pits, status, drs, avg, gained, start, penalty, retired] = [
    'fastest_lap',
    'personal_best',
    'tyre',
    'tyre_age_laps',
    'pit_stops',
    'status',
    'drs_open',
    'avg_speed_kph',
    'positions_gained',
    'start_position',
    'penalty_s',
    'retired_lap',
  ].map(g);

  const rows: DriverRow[] = [];
  for (let i = 0; i < frame.length; i++) {
    const code = str(driver(i));
    if (!code) {
      continue;
    }
    const lastLapS = num(last?.(i));
    const bestLapS = num(best?.(i));
    const teamName = str(team?.(i));
    const pos = num(position(i)) ?? 0;
    const startPos = num(start?.(i));
    rows.push({
      position: pos,
      driver: code,
      name: str(name?.(i)) ?? gridDriver(code)?.name,
      team: teamName,
      teamColour: normaliseColour(str(colour?.(i))) ?? teamColour(teamName ?? gridDriver(code)?.team),
      gapToLeaderS: num(gap?.(i)),
      intervalS: num(interval?.(i)),
      lapsDown: num(lapsDown?.(i)),
      lap: num(lap?.(i)),
      lastLapS,
      bestLapS,
      fastestLap: bool(fastest?.(i)),
      // Without the field, a last lap equal to the best lap is a personal best.
      personalBest: pb ? bool(pb(i)) : lastLapS !== undefined && lastLapS > 0 && lastLapS === bestLapS,
      tyre: str(tyre?.(i)),
      tyreAgeLaps: num(tyreAge?.(i)),
      pitStops: num(pits?.(i)),
      status: str(status?.(i))?.toUpperCase(),
      retiredLap: num(retired?.(i)),
      drsOpen: bool(drs?.(i)),
      avgSpeedKph: num(avg?.(i)),
      positionsGained: num(gained?.(i)) ?? (startPos !== undefined && pos > 0 ? startPos - pos : undefined),
      penaltyS: num(penalty?.(i)),
    });
  }

  // Without a fastest_lap field, the lowest best lap is the overall fastest.
  if (!fastest) {
    let min: DriverRow | undefined;
    for (const r of rows) {
      if (r.bestLapS !== undefined && r.bestLapS > 0 && (!min || r.bestLapS < min.bestLapS!)) {
        min = r;
      }
    }
    if (min) {
      min.fastestLap = true;
    }
  }
  return sortRows(rows);
}

/** Position order; rows without a position (0 or missing) go last, by driver code. */
export function sortRows(rows: DriverRow[]): DriverRow[] {
  const key = (r: DriverRow) => (r.position > 0 ? r.position : Number.MAX_SAFE_INTEGER);
  return [...rows].sort((a, b) => key(a) - key(b) || a.driver.localeCompare(b.driver));
}

function raceFrom(get: (name: string) => unknown, lapName: string): RaceInfo {
  const circuit = str(get('circuit'));
  return {
    raceId: str(get('race_id')),
    circuit,
    circuitName: circuitName(circuit),
    lap: num(get(lapName)),
    totalLaps: num(get('total_laps')),
    elapsedS: num(get('elapsed_s')),
    flag: normaliseFlag(get('flag')),
  };
}

function merge(a: RaceInfo, b: RaceInfo): RaceInfo {
  const out: RaceInfo = { ...b };
  for (const [k, v] of Object.entries(a)) {
    if (v !== undefined) {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/**
 * The race header's data. In order of preference: race columns on the
 * leaderboard frame (the contract, since Live data-only messages carry no meta),
 * the frame's meta.custom.race, then a separate `race` frame (its last row).
 */
function readRace(board: DataFrame, frames: DataFrame[], rows: DriverRow[]): RaceInfo {
  let race = raceFrom((n) => (board.length > 0 ? getter(board, n)?.(0) : undefined), 'race_lap');
  const custom = board.meta?.custom as Record<string, unknown> | undefined;
  const metaRace = custom?.race;
  if (metaRace && typeof metaRace === 'object') {
    race = merge(
      race,
      raceFrom((n) => (metaRace as Record<string, unknown>)[n], 'lap')
    );
  }
  const raceFrame = frames.find((f) => f !== board && isRaceFrame(f) && f.length > 0);
  if (raceFrame) {
    race = merge(
      race,
      raceFrom((n) => getter(raceFrame, n)?.(raceFrame.length - 1), 'lap')
    );
  }
  if (race.lap === undefined) {
    const laps = rows.map((r) => r.lap ?? 0);
    race.lap = laps.length ? Math.max(...laps) : undefined;
  }
  return race;
}

/** A latest-predictions frame of the Pitwall datasource: `driver` and `pit_window_3`, no `position`. */
function isPredictionsFrame(frame: DataFrame): boolean {
  const has = (n: string) => frame.fields.some((f) => f.name === n);
  return has('driver') && has('pit_window_3') && !has('position');
}

/** Sets each row's pit window from a predictions frame, if the panel has one (the last row per driver wins). */
function applyPredictions(rows: DriverRow[], frames: DataFrame[]) {
  const f = frames.find(isPredictionsFrame);
  if (!f) {
    return;
  }
  const driver = getter(f, 'driver')!;
  const p3 = getter(f, 'pit_window_3')!;
  const byDriver = new Map<string, number>();
  for (let i = 0; i < f.length; i++) {
    const code = str(driver(i));
    const p = num(p3(i));
    if (code && p !== undefined && p >= 0 && p <= 1) {
      byDriver.set(code, p);
    }
  }
  for (const r of rows) {
    r.pitWindow = byDriver.get(r.driver);
  }
}

/** Reads the panel's frames into a leaderboard, an empty state, or a message saying what is wrong. */
export function parseLeaderboard(frames: DataFrame[]): Leaderboard {
  const board = frames.find(isLeaderboardFrame);
  if (!board) {
    const withRows = frames.filter((f) => f.length > 0 && !isRaceFrame(f) && !isPredictionsFrame(f));
    if (withRows.length === 0) {
      return { kind: 'empty' };
    }
    const found = withRows[0].fields.map((f) => f.name).join(', ');
    return {
      kind: 'invalid',
      message: `The query's frame is not a leaderboard: it needs the fields ${REQUIRED_FIELDS.join(
        ' and '
      )}, and has ${found || 'no fields'}. Use the Pitwall datasource with query type Leaderboard.`,
    };
  }
  const rows = readRows(board);
  if (rows.length === 0) {
    return { kind: 'empty' };
  }
  applyPredictions(rows, frames);
  return { kind: 'ok', rows, race: readRace(board, frames, rows) };
}
