import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { Flag, RaceInfo } from '../frame';
import { formatElapsed } from '../format';

const FLAG_LABELS: Record<Flag, string> = {
  GREEN: 'Green flag',
  YELLOW: 'Yellow flag',
  SC: 'Safety car',
  VSC: 'Virtual safety car',
  RED: 'Red flag',
  CHEQUERED: 'Chequered flag',
};

const getStyles = (theme: GrafanaTheme2) => {
  const chequer = `repeating-conic-gradient(${theme.colors.text.primary} 0% 25%, ${theme.colors.background.primary} 0% 50%)`;
  return {
    header: css({
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1, 2),
      padding: theme.spacing(0.5, 1),
      borderRadius: theme.shape.radius.default,
      background: theme.colors.background.secondary,
    }),
    circuit: css({
      fontSize: theme.typography.h5.fontSize,
      fontWeight: theme.typography.fontWeightMedium,
      margin: 0,
    }),
    raceId: css({
      color: theme.colors.text.secondary,
      fontSize: theme.typography.bodySmall.fontSize,
      fontFamily: theme.typography.fontFamilyMonospace,
    }),
    laps: css({
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      flex: '1 1 160px',
      minWidth: 120,
    }),
    track: css({
      flex: '1 1 auto',
      height: 6,
      borderRadius: 3,
      background: theme.colors.border.weak,
      overflow: 'hidden',
    }),
    fill: css({
      height: '100%',
      background: theme.colors.primary.main,
      [theme.transitions.handleMotion('no-preference')]: {
        transition: theme.transitions.create('width', { duration: 400 }),
      },
    }),
    lapText: css({
      whiteSpace: 'nowrap',
      fontVariantNumeric: 'tabular-nums',
    }),
    elapsed: css({
      fontFamily: theme.typography.fontFamilyMonospace,
      color: theme.colors.text.secondary,
    }),
    flag: css({
      display: 'inline-flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
      padding: theme.spacing(0.25, 1),
      borderRadius: theme.shape.radius.pill,
      fontSize: theme.typography.bodySmall.fontSize,
      fontWeight: theme.typography.fontWeightBold,
      whiteSpace: 'nowrap',
    }),
    GREEN: css({ background: theme.colors.success.main, color: theme.colors.success.contrastText }),
    YELLOW: css({ background: theme.colors.warning.main, color: theme.colors.warning.contrastText }),
    SC: css({ background: theme.colors.warning.main, color: theme.colors.warning.contrastText }),
    VSC: css({
      background: theme.colors.warning.transparent,
      color: theme.colors.warning.text,
      border: `1px solid ${theme.colors.warning.border}`,
    }),
    RED: css({ background: theme.colors.error.main, color: theme.colors.error.contrastText }),
    CHEQUERED: css({
      background: theme.colors.background.primary,
      color: theme.colors.text.primary,
      border: `1px solid ${theme.colors.border.strong}`,
    }),
    chequer: css({
      width: 12,
      height: 12,
      background: chequer,
      backgroundSize: '6px 6px',
    }),
  };
};

/** The race header: circuit, race id, lap X of Y with a progress bar, elapsed time and flag. */
export function RaceHeader({ race }: { race: RaceInfo }) {
  const styles = useStyles2(getStyles);
  const { lap, totalLaps } = race;
  const progress = lap !== undefined && totalLaps ? Math.min(100, Math.max(0, (lap / totalLaps) * 100)) : 0;

  return (
    <div className={styles.header} data-testid="race-header">
      <h3 className={styles.circuit}>{race.circuitName ?? race.circuit ?? 'Race'}</h3>
      {race.raceId && <span className={styles.raceId}>{race.raceId}</span>}
      <div className={styles.laps}>
        <span className={styles.lapText}>
          Lap {lap ?? '–'}
          {totalLaps ? ` of ${totalLaps}` : ''}
        </span>
        {totalLaps ? (
          <div
            className={styles.track}
            role="progressbar"
            aria-label="Race progress"
            aria-valuemin={0}
            aria-valuemax={totalLaps}
            aria-valuenow={lap ?? 0}
          >
            <div className={styles.fill} style={{ width: `${progress}%` }} />
          </div>
        ) : null}
      </div>
      {race.elapsedS !== undefined && (
        <span className={styles.elapsed} title="Elapsed race time">
          {formatElapsed(race.elapsedS)}
        </span>
      )}
      {race.flag && (
        <span className={cx(styles.flag, styles[race.flag])} data-testid="flag" data-flag={race.flag}>
          {race.flag === 'CHEQUERED' && <span className={styles.chequer} />}
          {FLAG_LABELS[race.flag]}
        </span>
      )}
    </div>
  );
}
