import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React, { useCallback, useEffect, useRef, useState } from 'react';

/** 'idle', 1–5 red lights on, or 'out' (all off: the race is on). */
export type LightsPhase = 'idle' | 1 | 2 | 3 | 4 | 5 | 'out';

export const LIGHT_MS = 700;
export const HOLD_MS = 900;
export const OUT_MS = 1800;

/** Runs the start sequence: a light every LIGHT_MS, a hold, lights out, then hides. */
export function useStartLights() {
  const [phase, setPhase] = useState<LightsPhase>('idle');
  const timers = useRef<Array<ReturnType<typeof setTimeout>>>([]);

  const clear = () => {
    timers.current.forEach(clearTimeout);
    timers.current = [];
  };

  const start = useCallback(() => {
    clear();
    setPhase(1);
    const at = (ms: number, p: LightsPhase) => timers.current.push(setTimeout(() => setPhase(p), ms));
    for (const n of [2, 3, 4, 5] as const) {
      at(LIGHT_MS * (n - 1), n);
    }
    at(LIGHT_MS * 4 + HOLD_MS, 'out');
    at(LIGHT_MS * 4 + HOLD_MS + OUT_MS, 'idle');
  }, []);

  const abort = useCallback(() => {
    clear();
    setPhase('idle');
  }, []);

  useEffect(() => clear, []);
  return { phase, start, abort };
}

const getStyles = (theme: GrafanaTheme2) => ({
  gantry: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  light: css({
    width: 22,
    height: 22,
    borderRadius: '50%',
    background: theme.colors.background.canvas,
    border: `2px solid ${theme.colors.border.medium}`,
  }),
  on: css({
    background: theme.colors.error.main,
    borderColor: theme.colors.error.border,
    boxShadow: `0 0 10px ${theme.colors.error.main}`,
  }),
  out: css({
    fontWeight: theme.typography.fontWeightBold,
    color: theme.colors.success.text,
    letterSpacing: '0.08em',
    marginLeft: theme.spacing(1),
  }),
});

/** The five red lights of a Formula 1 start. */
export function StartLights({ phase }: { phase: LightsPhase }) {
  const styles = useStyles2(getStyles);
  if (phase === 'idle') {
    return null;
  }
  const lit = phase === 'out' ? 0 : phase;
  return (
    <div className={styles.gantry} role="status" aria-label={phase === 'out' ? 'Lights out' : `${lit} of 5 lights on`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span
          key={n}
          className={cx(styles.light, n <= lit && styles.on)}
          data-testid={n <= lit ? 'light-on' : 'light-off'}
        />
      ))}
      {phase === 'out' && <span className={styles.out}>LIGHTS OUT</span>}
    </div>
  );
}
