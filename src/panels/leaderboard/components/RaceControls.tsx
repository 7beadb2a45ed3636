import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Combobox, ComboboxOption, InlineField, Input, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useCallback, useEffect, useId, useState } from 'react';

import { errorMessage } from '../../../resources';
import { parseRaceStatus, RaceApi, RaceStart, RaceStatus } from '../api';
import { CIRCUITS, circuitName, GRID_2024 } from '../grid';
import { LeaderboardOptions } from '../types';
import { StartLights, useStartLights } from './StartLights';

export interface RaceControlsProps {
  /** Resolves the datasource's race resources (may fail with a message to show). */
  getApi: () => Promise<RaceApi>;
  options: LeaderboardOptions;
  /** Drivers on the current leaderboard, offered as "driver to follow". */
  drivers: string[];
  /** Called with the followed driver after a successful start. */
  onFollow: (driver: string) => void;
  /** Narrow panels: the race settings fold away behind a button. */
  compact?: boolean;
}

export const SPEEDS: Array<ComboboxOption<number>> = [
  { value: 1, label: '1×', description: 'Real time' },
  { value: 2, label: '2×' },
  { value: 5, label: '5×' },
  { value: 10, label: '10×' },
  { value: 20, label: '20×' },
  { value: 0, label: 'Max', description: 'As fast as possible' },
];

const MAX_LAPS = 100;

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
  alert: css({
    marginBottom: 0,
  }),
  field: css({
    marginBottom: 0,
    marginRight: 0,
  }),
});

/** Parses the race drivers option ("VER, LEC") into codes; empty means the full grid. */
export function parseDriverList(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
}

/** Start and stop races from the panel: POST race/start and race/stop on the Pitwall datasource. */
export function RaceControls({ getApi, options, drivers, onFollow, compact = false }: RaceControlsProps) {
  const styles = useStyles2(getStyles);
  const idPrefix = `pitwall-race-${useId().replace(/:/g, '')}`;
  const [circuit, setCircuit] = useState(options.defaultCircuit || CIRCUITS[0].key);
  const [laps, setLaps] = useState(String(options.defaultLaps || 10));
  const [follow, setFollow] = useState('');
  const [speed, setSpeed] = useState(options.defaultSpeed ?? 1);
  const [busy, setBusy] = useState<'start' | 'stop' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<RaceStatus | undefined>();
  const [statusError, setStatusError] = useState<string | undefined>();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const showSettings = !compact || settingsOpen;
  const lights = useStartLights();

  const refreshStatus = useCallback(async () => {
    try {
      const api = await getApi();
      setStatus(parseRaceStatus(await api.status()));
      setStatusError(undefined);
    } catch (err) {
      setStatusError(errorMessage(err));
    }
  }, [getApi]);

  useEffect(() => {
    let current = true;
    getApi()
      .then((api) => api.status())
      .then(
        (body) => current && (setStatus(parseRaceStatus(body)), setStatusError(undefined)),
        (err: unknown) => current && setStatusError(errorMessage(err))
      );
    return () => {
      current = false;
    };
  }, [getApi]);

  const lapsNumber = Number(laps);
  const lapsValid = Number.isInteger(lapsNumber) && lapsNumber >= 1 && lapsNumber <= MAX_LAPS;

  const onStart = async () => {
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
      const api = await getApi();
      await api.start(body);
      if (follow) {
        onFollow(follow);
      }
      refreshStatus();
    } catch (err) {
      lights.abort();
      setError(`Could not start the race: ${errorMessage(err)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const onStop = async () => {
    setError(undefined);
    setBusy('stop');
    lights.abort();
    try {
      const api = await getApi();
      await api.stop();
      refreshStatus();
    } catch (err) {
      setError(`Could not stop the race: ${errorMessage(err)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const circuitOptions: Array<ComboboxOption<string>> = CIRCUITS.map((c) => ({
    value: c.key,
    label: c.name,
    description: `${c.laps} laps in a full race`,
  }));
  if (!CIRCUITS.some((c) => c.key === circuit)) {
    circuitOptions.push({ value: circuit, label: circuit });
  }
  const followCodes = drivers.length ? drivers : GRID_2024.map((d) => d.code);
  const followOptions: Array<ComboboxOption<string>> = [
    { value: '', label: 'No one' },
    ...followCodes.map((c) => ({ value: c, label: c })),
  ];

  return (
    <Stack direction="column" gap={1}>
      <div className={styles.bar} data-testid="race-controls">
        {compact && (
          <Button
            icon="cog"
            variant="secondary"
            fill="text"
            aria-expanded={settingsOpen}
            onClick={() => setSettingsOpen(!settingsOpen)}
          >
            Race settings
          </Button>
        )}
        {showSettings && (
          <>
            <InlineField label="Circuit" className={styles.field}>
              <Combobox<string>
                id={`${idPrefix}-circuit`}
                width={20}
                options={circuitOptions}
                value={circuit}
                createCustomValue
                onChange={(v) => setCircuit(v.value.trim().toLowerCase())}
              />
            </InlineField>
            <InlineField label="Laps" className={styles.field} invalid={!lapsValid}>
              <Input
                id={`${idPrefix}-laps`}
                type="number"
                width={8}
                min={1}
                max={MAX_LAPS}
                value={laps}
                onChange={(e) => setLaps(e.currentTarget.value)}
              />
            </InlineField>
            <InlineField
              label="Follow"
              className={styles.field}
              tooltip="The driver to follow: sets the driver variable"
            >
              <Combobox<string>
                id={`${idPrefix}-follow`}
                width={14}
                options={followOptions}
                value={follow}
                onChange={(v) => setFollow(v.value)}
              />
            </InlineField>
            <InlineField label="Speed" className={styles.field}>
              <Combobox<number>
                id={`${idPrefix}-speed`}
                width={10}
                options={SPEEDS}
                value={speed}
                onChange={(v) => setSpeed(v.value)}
              />
            </InlineField>
          </>
        )}
        <Button icon="play" onClick={onStart} disabled={busy !== undefined} tooltip="Start a race (POST race/start)">
          {busy === 'start' ? 'Starting…' : 'Start race'}
        </Button>
        <Button
          icon="square-shape"
          variant="destructive"
          fill="outline"
          onClick={onStop}
          disabled={busy !== undefined}
          tooltip="Stop the race (POST race/stop)"
        >
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </Button>
        {status?.running && (
          <Text color="secondary" variant="bodySmall">
            Running{status.circuit ? `: ${circuitName(status.circuit)}` : ''}
            {status.totalLaps ? `, ${status.totalLaps} laps` : ''}
          </Text>
        )}
        {statusError && (
          <Text color="warning" variant="bodySmall">
            Race status unavailable: {statusError}
          </Text>
        )}
      </div>
      <StartLights phase={lights.phase} />
      {error && <Alert className={styles.alert} severity="error" title={error} onRemove={() => setError(undefined)} />}
    </Stack>
  );
}
