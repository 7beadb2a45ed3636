import { DataSourceApi } from '@grafana/data';
import { BackendSrvRequest, getDataSourceSrv } from '@grafana/runtime';
import { DataSourceRef } from '@grafana/schema';

import { DATASOURCE_PLUGIN_ID, VIEWER_RACE_CONTROL_SETTING } from './types';

/** The body of POST race/start (see pkg/f1.RaceCommand and issue 4). */
export interface RaceStart {
  circuit: string;
  laps: number;
  drivers: string[];
  /** Speed factor; 0 is as fast as possible. */
  speed: number;
  selectedDriver: string;
}

/** What the panel needs from the datasource: its resource calls, and whether Viewers may use them. */
export interface RaceApi {
  start(body: RaceStart): Promise<unknown>;
  stop(): Promise<unknown>;
  status(): Promise<unknown>;
  /** The datasource opens race control to Viewers (a kiosk setting, off by default). */
  viewersAllowed: boolean;
}

interface WithResources {
  getResource(path: string, params?: unknown, options?: Partial<BackendSrvRequest>): Promise<unknown>;
  postResource(path: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<unknown>;
}

function hasResources(ds: unknown): ds is DataSourceApi & WithResources {
  const d = ds as Partial<WithResources> | undefined;
  return typeof d?.postResource === 'function' && typeof d?.getResource === 'function';
}

/** Errors are shown by the panel itself, so Grafana's toast is off. */
const quiet: Partial<BackendSrvRequest> = { showErrorAlert: false };

/**
 * Finds the Pitwall datasource for the race controls: the one named in the
 * panel options, else the panel's query datasource, else the first Pitwall
 * datasource. Says what to fix when there is none.
 */
export async function resolveRaceApi(optionUid: string, queryRef?: DataSourceRef | null): Promise<RaceApi> {
  const srv = getDataSourceSrv();
  let ref: DataSourceRef | string | undefined = optionUid || undefined;
  if (!ref && queryRef?.type === DATASOURCE_PLUGIN_ID) {
    ref = queryRef;
  }
  if (!ref) {
    const first = srv.getList({ pluginId: DATASOURCE_PLUGIN_ID })[0];
    if (!first) {
      throw new Error(
        `No Pitwall datasource (${DATASOURCE_PLUGIN_ID}) is configured: add one to use the race controls`
      );
    }
    ref = first.uid;
  }
  const ds = await srv.get(ref);
  if (ds.type !== DATASOURCE_PLUGIN_ID || !hasResources(ds)) {
    throw new Error(
      `The race controls need a Pitwall datasource, and "${ds.name}" is ${ds.type}: choose one in the panel options`
    );
  }
  const jsonData = srv.getInstanceSettings(ds.uid)?.jsonData as Record<string, unknown> | undefined;
  return {
    viewersAllowed: jsonData?.[VIEWER_RACE_CONTROL_SETTING] === true,
    start: (body) => ds.postResource('race/start', body, quiet),
    stop: () => ds.postResource('race/stop', {}, quiet),
    status: () => ds.getResource('race/status', undefined, quiet),
  };
}

/** The states of GET race/status (pkg/plugin racestatus.go). */
export type RaceState =
  'idle' | 'starting' | 'not_started' | 'running' | 'stopping' | 'finished' | 'aborted' | 'unknown';

export interface RaceStatus {
  /** A race is on or about to be: it can be stopped. */
  running: boolean;
  state: RaceState;
  raceId?: string;
  circuit?: string;
  lap?: number;
  totalLaps?: number;
  /** The backend's hint, e.g. that the producer is not picking up commands. */
  message?: string;
}

const STATES: RaceState[] = ['idle', 'starting', 'not_started', 'running', 'stopping', 'finished', 'aborted'];

/** States in which a Stop makes sense. */
const STOPPABLE: RaceState[] = ['starting', 'not_started', 'running'];

/**
 * Reads GET race/status leniently: `state` (one of the backend's states) or
 * `status`, else `running` (bool) or a word like "running"/"idle".
 */
export function parseRaceStatus(body: unknown): RaceStatus {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const word = String(b.state ?? b.status ?? '').toLowerCase();
  let state: RaceState = STATES.find((s) => s === word) ?? 'unknown';
  if (state === 'unknown' && (b.running === true || ['started', 'racing', 'active'].includes(word))) {
    state = 'running';
  } else if (state === 'unknown' && b.running === false) {
    state = 'idle';
  }
  const numOf = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    running: STOPPABLE.includes(state),
    state,
    raceId: typeof b.race_id === 'string' ? b.race_id : typeof b.raceId === 'string' ? b.raceId : undefined,
    circuit: typeof b.circuit === 'string' ? b.circuit : undefined,
    lap: numOf(b.lap),
    totalLaps: numOf(b.total_laps ?? b.totalLaps ?? b.laps),
    message: typeof b.message === 'string' && b.message !== '' ? b.message : undefined,
  };
}
