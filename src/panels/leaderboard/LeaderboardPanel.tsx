import { cx } from '@emotion/css';
import { PanelProps } from '@grafana/data';
import { Alert, Icon, Text, useStyles2 } from '@grafana/ui';
import React, { useCallback } from 'react';

import { resolveRaceApi } from './api';
import { LeaderboardRow, RIGHT } from './components/LeaderboardRow';
import { RaceControls } from './components/RaceControls';
import { RaceHeader } from './components/RaceHeader';
import { DriverRow, parseLeaderboard } from './frame';
import { HINTS, layoutFor, TITLES } from './layout';
import { getStyles, ROW_HEIGHT } from './styles';
import { LeaderboardOptions } from './types';
import { usePositionChanges } from './usePositionChanges';
import { useSelection } from './useSelection';

export type Props = PanelProps<LeaderboardOptions>;

const NO_ROWS: DriverRow[] = [];

/** Below this width the race settings fold away. */
const COMPACT_WIDTH = 900;

/** Messages of the query errors in the panel's data. */
function queryErrors(data: Props['data']): string[] {
  return (data.errors ?? []).map((e) => e.message || e.data?.message || 'The query failed');
}

/** The live race order: one row per driver, race header, and race controls. */
export function LeaderboardPanel({ data, options, width, replaceVariables }: Props) {
  const styles = useStyles2(getStyles);
  // Parsed on every render: a live frame may be updated in place, and 20 rows are cheap.
  const board = parseLeaderboard(data.series);
  const rows = board.kind === 'ok' ? board.rows : NO_ROWS;
  const race = board.kind === 'ok' ? board.race : undefined;
  const changes = usePositionChanges(rows, race?.raceId);
  const codes = rows.map((r) => r.driver);
  const { selected, select } = useSelection(options.selectedDriver, replaceVariables, codes);
  const layout = layoutFor(width);
  const errors = queryErrors(data);

  const queryRef = data.request?.targets?.[0]?.datasource;
  const getApi = useCallback(
    () => resolveRaceApi(options.raceDatasource, queryRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [options.raceDatasource, queryRef?.uid, queryRef?.type]
  );

  return (
    <div className={styles.root} data-testid="pitwall-leaderboard">
      {options.showHeader && race && <RaceHeader race={race} />}
      {options.showControls && (
        <RaceControls
          getApi={getApi}
          options={options}
          drivers={codes}
          onFollow={select}
          compact={width < COMPACT_WIDTH}
          raceKey={race ? `${race.raceId ?? ''}/${race.flag ?? ''}` : undefined}
        />
      )}
      {errors.length > 0 && (
        <Alert severity="error" title="The leaderboard query failed">
          {errors.map((e, i) => (
            <div key={i}>{e}</div>
          ))}
        </Alert>
      )}
      {board.kind === 'invalid' && <Alert severity="warning" title={board.message} />}
      {board.kind === 'empty' && errors.length === 0 && (
        <div className={styles.message} data-testid="leaderboard-empty">
          <Icon name="stopwatch" size="xxl" />
          <Text element="h4">No race data yet</Text>
          <Text color="secondary">
            {options.showControls
              ? 'Start a race above, or check that the query type is Leaderboard and the time range covers a race.'
              : 'Check that the query type is Leaderboard and that the time range covers a race.'}
          </Text>
        </div>
      )}
      {rows.length > 0 && (
        <div className={styles.scroller}>
          <div role="table" aria-label="Leaderboard" aria-rowcount={rows.length}>
            <div role="row" className={styles.headerRow} style={{ gridTemplateColumns: layout.template }}>
              {layout.columns.map((c) => (
                <span
                  role="columnheader"
                  key={c}
                  title={HINTS[c]}
                  className={cx(styles.cell, RIGHT.has(c) && styles.right)}
                >
                  {TITLES[c]}
                </span>
              ))}
            </div>
            <div className={styles.body} style={{ height: rows.length * ROW_HEIGHT }}>
              {rows.map((row, index) => (
                <LeaderboardRow
                  key={row.driver}
                  row={row}
                  index={index}
                  layout={layout}
                  change={changes.sinceLast(row.driver)}
                  sinceStart={changes.sinceStart(row)}
                  selected={selected.has(row.driver)}
                  animate={options.animate}
                  onSelect={select}
                />
              ))}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
