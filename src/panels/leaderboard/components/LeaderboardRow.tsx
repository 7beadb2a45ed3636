import { cx } from '@emotion/css';
import { Icon, useStyles2 } from '@grafana/ui';
import React from 'react';

import { DriverRow } from '../frame';
import { formatGap, formatLapTime, formatSpeed } from '../format';
import { Column, Layout } from '../layout';
import { getStyles, ROW_HEIGHT } from '../styles';
import { compound } from '../tyres';

/** Columns whose values line up on the right, like a timing screen. */
export const RIGHT = new Set<Column>(['pos', 'gap', 'interval', 'last', 'best', 'pits', 'avg']);

export interface RowProps {
  row: DriverRow;
  index: number;
  layout: Layout;
  /** Places gained (+) or lost (−) at the last change of order. */
  change: number;
  /** Places gained (+) or lost (−) since the start, when known. */
  sinceStart?: number;
  selected: boolean;
  animate: boolean;
  onSelect: (driver: string) => void;
}

function Change({ n, styles }: { n: number; styles: ReturnType<typeof getStyles> }) {
  if (n > 0) {
    return (
      <span className={styles.up} title={`Up ${n} at the last change`} data-testid="change-up">
        <Icon name="arrow-up" size="sm" />
        {n}
      </span>
    );
  }
  if (n < 0) {
    return (
      <span className={styles.down} title={`Down ${-n} at the last change`} data-testid="change-down">
        <Icon name="arrow-down" size="sm" />
        {-n}
      </span>
    );
  }
  return <span className={styles.same}>–</span>;
}

function SinceStart({ n, styles }: { n?: number; styles: ReturnType<typeof getStyles> }) {
  if (n === undefined) {
    return <span className={styles.same}>·</span>;
  }
  const text = n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
  const cls = n > 0 ? styles.up : n < 0 ? styles.down : styles.same;
  return (
    <span className={cls} title={`${text} since the start`} data-testid="since-start">
      {text}
    </span>
  );
}

function Status({
  status,
  retiredLap,
  styles,
}: {
  status?: string;
  retiredLap?: number;
  styles: ReturnType<typeof getStyles>;
}) {
  switch (status) {
    case 'PIT':
      return <span className={cx(styles.status, styles.statusPit)}>PIT</span>;
    case 'OUT':
      return (
        <span title={retiredLap ? `Retired on lap ${retiredLap}` : 'Retired'}>
          <span className={cx(styles.status, styles.statusOut)}>OUT</span>
          {retiredLap !== undefined && <span data-testid="retired-lap"> L{retiredLap}</span>}
        </span>
      );
    case 'FINISHED':
      return (
        <span className={cx(styles.status, styles.statusFinished)} title="Finished">
          FIN
        </span>
      );
    case undefined:
    case 'RUNNING':
      return null;
    default:
      return <span className={styles.status}>{status}</span>;
  }
}

/** Pit windows below this are not shown: a stop within 3 laps is rare, so small values are noise on the board. */
export const PIT_WINDOW_SHOWN = 0.2;

/** A small pit-window badge: the chance of a stop within 3 laps (from a predictions query), strong from 50 %. */
function PitWindow({ p, styles }: { p?: number; styles: ReturnType<typeof getStyles> }) {
  if (p === undefined || p < PIT_WINDOW_SHOWN) {
    return null;
  }
  const pct = Math.round(p * 100);
  return (
    <span
      className={cx(styles.pitWindow, p >= 0.5 && styles.pitWindowLikely)}
      title={`Pit window: ${pct} % chance of a stop within 3 laps`}
      data-testid="pit-window"
    >
      BOX {pct}%
    </span>
  );
}

/** One driver's line in the order. Clicking it (or Enter) selects the driver. */
export function LeaderboardRow({ row, index, layout, change, sinceStart, selected, animate, onSelect }: RowProps) {
  const styles = useStyles2(getStyles);
  const tyre = compound(row.tyre);
  const lastIsFastest = row.fastestLap && row.lastLapS !== undefined && row.lastLapS === row.bestLapS;
  const lastTiming = lastIsFastest ? 'fastest' : row.personalBest ? 'personal-best' : undefined;
  const lastClass = lastIsFastest ? styles.fastest : row.personalBest ? styles.personalBest : undefined;
  const isLeader = index === 0 && row.position === 1;

  const cells: Record<Column, React.ReactNode> = {
    pos: <span className={styles.pos}>{row.position > 0 ? row.position : '–'}</span>,
    change: <Change n={change} styles={styles} />,
    start: <SinceStart n={sinceStart} styles={styles} />,
    bar: (
      <span
        className={styles.bar}
        style={row.teamColour ? { background: row.teamColour } : undefined}
        title={row.team}
        data-testid="team-bar"
      />
    ),
    driver: (
      <span title={[row.name, row.team].filter(Boolean).join(' · ')}>
        <span className={styles.code}>{row.driver}</span>
        {layout.showNames && row.name && <span className={styles.name}>{row.name}</span>}
      </span>
    ),
    gap: <span className={styles.num}>{isLeader ? 'Leader' : formatGap(row.gapToLeaderS, row.lapsDown)}</span>,
    interval: <span className={styles.num}>{isLeader ? '—' : formatGap(row.intervalS)}</span>,
    last: (
      <span className={cx(styles.num, lastClass)} data-testid="last-lap" data-timing={lastTiming}>
        {formatLapTime(row.lastLapS)}
      </span>
    ),
    best: (
      <span
        className={cx(styles.num, row.fastestLap && styles.fastest)}
        data-testid="best-lap"
        data-timing={row.fastestLap ? 'fastest' : undefined}
      >
        {formatLapTime(row.bestLapS)}
      </span>
    ),
    tyre: tyre ? (
      <span className={styles.tyre} title={`${tyre.code}, ${row.tyreAgeLaps ?? '?'} laps old`} data-testid="tyre">
        <span className={styles.tyreDot} style={{ background: tyre.colour, color: tyre.ink }}>
          {tyre.letter}
        </span>
        {row.tyreAgeLaps ?? ''}
      </span>
    ) : (
      <span className={styles.same}>{row.tyre ?? '—'}</span>
    ),
    pits: <span className={styles.num}>{row.pitStops ?? '—'}</span>,
    drs: (
      <span className={cx(styles.drs, row.drsOpen && styles.drsOpen)} title={row.drsOpen ? 'DRS open' : 'DRS closed'}>
        DRS
      </span>
    ),
    status: (
      <>
        <Status status={row.status} retiredLap={row.retiredLap} styles={styles} />
        {row.penaltyS !== undefined && row.penaltyS > 0 && (
          <span className={styles.penalty} title={`${row.penaltyS} s of penalties`} data-testid="penalty">
            +{row.penaltyS}s
          </span>
        )}
        {row.status !== 'PIT' && <PitWindow p={row.pitWindow} styles={styles} />}
      </>
    ),
    avg: <span className={styles.num}>{formatSpeed(row.avgSpeedKph)}</span>,
  };

  return (
    <div
      role="row"
      aria-selected={selected}
      aria-label={`P${row.position} ${row.driver}`}
      tabIndex={0}
      data-driver={row.driver}
      className={cx(
        styles.row,
        animate && styles.animated,
        selected && styles.selected,
        row.status === 'OUT' && styles.out
      )}
      style={{ gridTemplateColumns: layout.template, transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onSelect(row.driver)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(row.driver);
        }
      }}
    >
      {layout.columns.map((c) => (
        <span role="cell" key={c} className={cx(styles.cell, RIGHT.has(c) && styles.right)}>
          {cells[c]}
        </span>
      ))}
    </div>
  );
}
