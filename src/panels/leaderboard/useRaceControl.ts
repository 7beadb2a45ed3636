import { useCallback, useEffect, useRef, useState } from 'react';

import { errorMessage } from '../../resources';
import { parseRaceStatus, RaceApi, RaceStart, RaceStatus } from './api';
import { CIRCUITS } from './grid';
import { raceControlAccess, RaceControlAccess } from './permissions';
import { LeaderboardOptions } from './types';

export const MAX_LAPS = 100;

/** While a race is starting or stopping, its status is asked again this often. */
export const TRANSITION_POLL_MS = 3000;

export interface UseRaceControlArgs {
  /** Resolves the datasource's race resources (may fail with a message to show). */
  getApi: () => Promise<RaceApi>;
  options: LeaderboardOptions;
  /** Called with the followed driver after a successful start. */
  onFollow: (driver: string) => void;
  /**
   * What the panel's data says about the race (e.g. race id and flag): when
   * it changes, the status is asked again, so a finished race stops showing
   * as running.
   */
  raceKey?: string;
  /** The start lights of the panel. */
  lights: { start: () => void; abort: () => void };
  /** The user's organisation role (defaults to the signed-in user's). */
  orgRole?: string;
}

export interface RaceControl {
  circuit: string;
  setCircuit: (c: string) => void;
  laps: string;
  setLaps: (l: string) => void;
  lapsValid: boolean;
  follow: string;
  setFollow: (d: string) => void;
  speed: number;
  setSpeed: (s: number) => void;
  busy?: 'start' | 'stop';
  error?: string;
  clearError: () => void;
  status?: RaceStatus;
  statusError?: string;
  access: RaceControlAccess;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Parses the race drivers option ("VER, LEC") into codes; empty means the full grid. */
export function parseDriverList(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

function isForbidden(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 403;
}

/**
 * The race controls' state and actions: the settings of the next race, the
 * current race's status (asked on mount, after start and stop, when the
 * panel's race changes, and while a race is starting or stopping), whether
 * this user may control races, and start/stop through the datasource.
 */
export function useRaceControl({
  getApi,
  options,
  onFollow,
  raceKey,
  lights,
  orgRole,
}: UseRaceControlArgs): RaceControl {
  const [circuit, setCircuit] = useState(options.defaultCircuit || CIRCUITS[0].key);
  const [laps, setLaps] = useState(String(options.defaultLaps || 10));
  const [follow, setFollow] = useState('');
  const [speed, setSpeed] = useState(options.defaultSpeed ?? 1);
  const [busy, setBusy] = useState<'start' | 'stop' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<{ value?: RaceStatus; error?: string }>({});
  const [api, setApi] = useState<{ viewersAllowed: boolean; forbidden?: string }>({ viewersAllowed: false });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refreshStatus = useCallback(async () => {
    try {
      const a = await getApi();
      const body = await a.status();
      if (mounted.current) {
        setApi((prev) =>
          prev.viewersAllowed === a.viewersAllowed ? prev : { ...prev, viewersAllowed: a.viewersAllowed }
        );
        setStatus({ value: parseRaceStatus(body) });
      }
    } catch (err) {
      if (mounted.current) {
        setStatus((prev) => ({ value: prev.value, error: errorMessage(err) }));
      }
    }
  }, [getApi]);

  // On mount, when the datasource changes, and when the panel's race changes (a new race, a flag, the finish).
  useEffect(() => {
    refreshStatus();
  }, [refreshStatus, raceKey]);

  // A start or stop takes a moment to show in Kafka: ask again until it has.
  const state = status.value?.state;
  useEffect(() => {
    if (state !== 'starting' && state !== 'stopping') {
      return;
    }
    const t = setInterval(refreshStatus, TRANSITION_POLL_MS);
    return () => clearInterval(t);
  }, [state, refreshStatus]);

  const lapsNumber = Number(laps);
  const lapsValid = Number.isInteger(lapsNumber) && lapsNumber >= 1 && lapsNumber <= MAX_LAPS;
  const role = raceControlAccess(orgRole, api.viewersAllowed);
  const access: RaceControlAccess = api.forbidden ? { allowed: false, reason: api.forbidden } : role;

  const refused = (what: string, err: unknown) => {
    const msg = errorMessage(err);
    if (isForbidden(err)) {
      // The backend has the last word on roles: keep the buttons off and say why.
      setApi((prev) => ({ ...prev, forbidden: msg }));
    }
    setError(`Could not ${what} the race: ${msg}`);
  };

  const start = async () => {
    if (!lapsValid || !circuit) {
      setError(`Laps must be a whole number from 1 to ${MAX_LAPS}, and a circuit must be chosen`);
      return;
    }
    const body: RaceStart = {
      circuit,
      laps: lapsNumber,
      drivers: parseDriverList(options.raceDrivers ?? ''),
      speed,
      selectedDriver: follow,
    };
    setError(undefined);
    setBusy('start');
    lights.start();
    try {
      const a = await getApi();
      await a.start(body);
      if (follow) {
        onFollow(follow);
      }
      refreshStatus();
    } catch (err) {
      lights.abort();
      refused('start', err);
    } finally {
      if (mounted.current) {
        setBusy(undefined);
      }
    }
  };

  const stop = async () => {
    setError(undefined);
    setBusy('stop');
    lights.abort();
    try {
      const a = await getApi();
      await a.stop();
      refreshStatus();
    } catch (err) {
      refused('stop', err);
    } finally {
      if (mounted.current) {
        setBusy(undefined);
      }
    }
  };

  return {
    circuit,
    setCircuit,
    laps,
    setLaps,
    lapsValid,
    follow,
    setFollow,
    speed,
    setSpeed,
    busy,
    error,
    clearError: () => setError(undefined),
    status: status.value,
    statusError: status.error,
    access,
    start,
    stop,
  };
}
