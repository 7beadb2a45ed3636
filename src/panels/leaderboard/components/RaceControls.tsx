import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Button,
  Combobox,
  ComboboxOption,
  Icon,
  InlineField,
  Input,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import React, { useId, useState } from 'react';

import { RaceApi, RaceStatus } from '../api';
import { CIRCUITS, circuitName, GRID_2024 } from '../grid';
import { LeaderboardOptions } from '../types';
import { MAX_LAPS, useRaceControl } from '../useRaceControl';
import { StartLights, useStartLights } from './StartLights';

export { parseDriverList } from '../useRaceControl';

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
  /** The race the panel's data shows (id and flag): when it changes, the status is asked again. */
  raceKey?: string;
}

export const SPEEDS: Array<ComboboxOption<number>> = [
  { value: 1, label: '1×', description: 'Real time' },
  { value: 2, label: '2×' },
  { value: 5, label: '5×' },
  { value: 10, label: '10×' },
  { value: 20, label: '20×' },
  { value: 0, label: 'Max', description: 'As fast as possible' },
];

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
  denied: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
});

/** "1×", "10×", "max speed": what the Start button says it will do. */
export function speedLabel(speed: number): string {
  return speed > 0 ? `${speed}×` : 'max speed';
}

/** The status line: what the race is doing, from GET race/status. */
export function statusText(status: RaceStatus | undefined): string | undefined {
  if (!status) {
    return undefined;
  }
  const where = status.circuit ? `: ${circuitName(status.circuit)}` : '';
  const laps = status.totalLaps ? `, ${status.totalLaps} laps` : '';
  switch (status.state) {
    case 'running':
      return `Running${where}${laps}`;
    case 'starting':
      return `Starting${where}…`;
    case 'not_started':
      return status.message ?? 'The start command is not being picked up: is producer serve running?';
    case 'stopping':
      return 'Stopping…';
    case 'finished':
      return `Finished${where}${laps}`;
    case 'aborted':
      return `Stopped${where}`;
    default:
      return undefined;
  }
}

/** Start and stop races from the panel: POST race/start and race/stop on the Pitwall datasource. */
export function RaceControls({ getApi, options, drivers, onFollow, compact = false, raceKey }: RaceControlsProps) {
  const styles = useStyles2(getStyles);
  const idPrefix = `pitwall-race-${useId().replace(/:/g, '')}`;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const showSettings = !compact || settingsOpen;
  const lights = useStartLights();
  const rc = useRaceControl({ getApi, options, onFollow, raceKey, lights });
  const { access, status, busy } = rc;

  const circuitOptions: Array<ComboboxOption<string>> = CIRCUITS.map((c) => ({
    value: c.key,
    label: c.name,
    description: `${c.laps} laps in a full race`,
  }));
  if (!CIRCUITS.some((c) => c.key === rc.circuit)) {
    circuitOptions.push({ value: rc.circuit, label: rc.circuit });
  }
  const followCodes = drivers.length ? drivers : GRID_2024.map((d) => d.code);
  const followOptions: Array<ComboboxOption<string>> = [
    { value: '', label: 'No one' },
    ...followCodes.map((c) => ({ value: c, label: c })),
  ];
  // Stop is for a race that is on; with the status unknown, leave it to the backend.
  const canStop = access.allowed && busy === undefined && (status === undefined || status.running);
  const line = statusText(status);

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
                value={rc.circuit}
                createCustomValue
                onChange={(v) => rc.setCircuit(v.value.trim().toLowerCase())}
              />
            </InlineField>
            <InlineField label="Laps" className={styles.field} invalid={!rc.lapsValid}>
              <Input
                id={`${idPrefix}-laps`}
                type="number"
                width={8}
                min={1}
                max={MAX_LAPS}
                value={rc.laps}
                onChange={(e) => rc.setLaps(e.currentTarget.value)}
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
                value={rc.follow}
                onChange={(v) => rc.setFollow(v.value)}
              />
            </InlineField>
            <InlineField label="Speed" className={styles.field}>
              <Combobox<number>
                id={`${idPrefix}-speed`}
                width={10}
                options={SPEEDS}
                value={rc.speed}
                onChange={(v) => rc.setSpeed(v.value)}
              />
            </InlineField>
          </>
        )}
        <Button
          icon="play"
          onClick={rc.start}
          disabled={busy !== undefined || !access.allowed}
          tooltip={access.reason ?? `Start a race at ${speedLabel(rc.speed)} (POST race/start)`}
        >
          {busy === 'start' ? 'Starting…' : `Start race at ${speedLabel(rc.speed)}`}
        </Button>
        <Button
          icon="square-shape"
          variant="destructive"
          fill="outline"
          onClick={rc.stop}
          disabled={!canStop}
          tooltip={access.reason ?? (canStop ? 'Stop the race (POST race/stop)' : 'No race is running')}
        >
          {busy === 'stop' ? 'Stopping…' : 'Stop'}
        </Button>
        {line && (
          <Text color="secondary" variant="bodySmall" data-testid="race-status">
            {line}
          </Text>
        )}
        {!access.allowed && (
          <span className={styles.denied} data-testid="race-control-denied">
            <Icon name="lock" />
            <Text color="secondary" variant="bodySmall">
              {access.reason ?? ''}
            </Text>
          </span>
        )}
        {rc.statusError && (
          <Text color="warning" variant="bodySmall">
            Race status unavailable: {rc.statusError}
          </Text>
        )}
      </div>
      <StartLights phase={lights.phase} />
      {rc.error && <Alert className={styles.alert} severity="error" title={rc.error} onRemove={rc.clearError} />}
    </Stack>
  );
}
