import {
  createDataFrame,
  DataFrame,
  DataQueryError,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  PanelData,
  PanelProps,
} from '@grafana/data';
import { render } from '@testing-library/react';
import React from 'react';

import { LeaderboardPanel } from '../LeaderboardPanel';
import { DEFAULT_OPTIONS, LeaderboardOptions } from '../types';

/** One driver in the contract of FIELDS.md (snake_case, as the backend sends it). */
export interface Entry {
  position: number;
  driver: string;
  name?: string;
  team?: string;
  team_colour?: string;
  gap_to_leader_s?: number;
  interval_s?: number;
  lap?: number;
  last_lap_s?: number;
  best_lap_s?: number;
  fastest_lap?: boolean;
  personal_best?: boolean;
  tyre?: string;
  tyre_age_laps?: number;
  pit_stops?: number;
  status?: string;
  retired_lap?: number;
  drs_open?: boolean;
  avg_speed_kph?: number;
  positions_gained?: number;
  start_position?: number;
  penalty_s?: number;
}

export interface Race {
  race_id?: string;
  circuit?: string;
  race_lap?: number;
  total_laps?: number;
  elapsed_s?: number;
  flag?: string;
}

const NUMBER_FIELDS = new Set([
  'position',
  'gap_to_leader_s',
  'interval_s',
  'lap',
  'last_lap_s',
  'best_lap_s',
  'tyre_age_laps',
  'pit_stops',
  'avg_speed_kph',
  'positions_gained',
  'start_position',
  'penalty_s',
  'retired_lap',
  'race_lap',
  'total_laps',
  'elapsed_s',
]);
const BOOL_FIELDS = new Set(['fastest_lap', 'personal_best', 'drs_open']);

function typeOf(name: string): FieldType {
  return NUMBER_FIELDS.has(name) ? FieldType.number : BOOL_FIELDS.has(name) ? FieldType.boolean : FieldType.string;
}

/** A leaderboard frame as the backend sends it: the race columns repeated on each row. */
export function leaderboardFrame(entries: Entry[], race: Race = {}, refId = 'A'): DataFrame {
  const rows = entries.map((e) => ({ ...e, ...race }) as Record<string, unknown>);
  const names = Array.from(new Set(rows.flatMap((r) => Object.keys(r))));
  return createDataFrame({
    name: 'leaderboard',
    refId,
    fields: names.map((name) => ({ name, type: typeOf(name), values: rows.map((r) => r[name] ?? null) })),
  });
}

/** A short grid in a realistic state: lap 12 of 53 at Monza. */
export const MONZA: Entry[] = [
  {
    position: 1,
    driver: 'LEC',
    name: 'Charles Leclerc',
    team: 'Ferrari',
    team_colour: 'E80020',
    gap_to_leader_s: 0,
    interval_s: 0,
    lap: 12,
    last_lap_s: 84.912,
    best_lap_s: 84.501,
    tyre: 'HARD',
    tyre_age_laps: 12,
    pit_stops: 0,
    status: 'RUNNING',
    avg_speed_kph: 244.3,
    positions_gained: 3,
  },
  {
    position: 2,
    driver: 'PIA',
    name: 'Oscar Piastri',
    team: 'McLaren',
    team_colour: 'FF8000',
    gap_to_leader_s: 1.204,
    interval_s: 1.204,
    lap: 12,
    last_lap_s: 84.733,
    best_lap_s: 84.733,
    personal_best: true,
    tyre: 'MEDIUM',
    tyre_age_laps: 12,
    pit_stops: 0,
    status: 'RUNNING',
    drs_open: true,
    avg_speed_kph: 243.9,
    positions_gained: -1,
  },
  {
    position: 3,
    driver: 'NOR',
    name: 'Lando Norris',
    team: 'McLaren',
    team_colour: 'FF8000',
    gap_to_leader_s: 2.981,
    interval_s: 1.777,
    lap: 12,
    last_lap_s: 84.322,
    best_lap_s: 84.322,
    fastest_lap: true,
    personal_best: true,
    tyre: 'SOFT',
    tyre_age_laps: 2,
    pit_stops: 1,
    status: 'RUNNING',
    avg_speed_kph: 243.1,
    positions_gained: -2,
  },
  {
    position: 4,
    driver: 'VER',
    name: 'Max Verstappen',
    team: 'Red Bull Racing',
    team_colour: '3671C6',
    gap_to_leader_s: 25.6,
    interval_s: 22.619,
    lap: 12,
    last_lap_s: 106.2,
    best_lap_s: 85.05,
    tyre: 'HARD',
    tyre_age_laps: 0,
    pit_stops: 1,
    status: 'PIT',
    avg_speed_kph: 241.0,
    positions_gained: 0,
  },
  {
    position: 5,
    driver: 'HAM',
    name: 'Lewis Hamilton',
    team: 'Mercedes',
    team_colour: '27F4D2',
    lap: 9,
    tyre: 'MEDIUM',
    tyre_age_laps: 9,
    pit_stops: 0,
    status: 'OUT',
    retired_lap: 10,
    avg_speed_kph: 238.2,
    positions_gained: 0,
  },
];

export const MONZA_RACE: Race = {
  race_id: 'monza-2024-r1',
  circuit: 'monza',
  race_lap: 12,
  total_laps: 53,
  elapsed_s: 1021.4,
  flag: 'SAFETY_CAR',
};

export function panelData(series: DataFrame[], errors?: DataQueryError[], datasourceUid = 'pitwall-test'): PanelData {
  const from = dateTime(1_700_000_000_000);
  const to = dateTime(1_700_000_600_000);
  return {
    state: errors?.length ? LoadingState.Error : LoadingState.Done,
    series,
    errors,
    timeRange: { from, to, raw: { from, to } },
    request: {
      requestId: 'q',
      interval: '1s',
      intervalMs: 1000,
      range: { from, to, raw: { from, to } },
      scopedVars: {},
      targets: [{ refId: 'A', datasource: { type: 'pitwall-kafka-datasource', uid: datasourceUid } }],
      timezone: 'utc',
      app: 'dashboard',
      startTime: 0,
    },
  };
}

export interface PanelSetup {
  data: PanelData;
  options?: Partial<LeaderboardOptions>;
  width?: number;
  /** Values of dashboard variables, by name (multi-values joined with commas). */
  variables?: Record<string, string>;
}

export function panelProps({
  data,
  options,
  width = 1200,
  variables = {},
}: PanelSetup): PanelProps<LeaderboardOptions> {
  const replaceVariables = (text: string) =>
    text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a?: string, b?: string) => variables[(a ?? b)!] ?? whole);
  return {
    id: 1,
    data,
    timeRange: data.timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    transparent: false,
    width,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Leaderboard',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables,
    onChangeTimeRange: jest.fn(),
  };
}

export function renderPanel(setup: PanelSetup) {
  const props = panelProps(setup);
  const utils = render(<LeaderboardPanel {...props} />);
  return {
    ...utils,
    props,
    update: (next: Partial<PanelSetup>) => utils.rerender(<LeaderboardPanel {...panelProps({ ...setup, ...next })} />),
  };
}
