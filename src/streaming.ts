import { DataFrame } from '@grafana/data';
import { StreamingFrameAction, StreamingFrameOptions, StreamOptionsProvider } from '@grafana/runtime';

import { PitwallQuery, QueryType } from './types';

/** Query types whose stream sends whole snapshots: each frame replaces the previous one. */
const SNAPSHOT_TYPES: QueryType[] = ['leaderboard'];

/** Queries whose stream sends whole snapshots: the types above, and the latest table of predictions. */
function isSnapshotQuery(q?: PitwallQuery): boolean {
  return Boolean(
    q?.queryType && (SNAPSHOT_TYPES.includes(q.queryType) || (q.queryType === 'predictions' && q.view === 'latest'))
  );
}

/** The most rows one snapshot may hold (a grid is ~20; leave room for a race frame or odd grids). */
const SNAPSHOT_MAX_ROWS = 1000;

/** Rows kept by an appending stream when the request sets no max data points (as Grafana's default). */
const DEFAULT_MAX_LENGTH = 500;

/**
 * Series a stream in Grafana Live's labels layout (a leading "labels" field, one
 * series per value, as telemetry sends all drivers) is counted for at least: a grid.
 */
const MIN_LABELLED_SERIES = 20;

/**
 * How many series share a frame's rows: in the labels layout, the distinct values
 * of its labels field (at least a grid, as the first frame may hold only a few
 * drivers); otherwise one.
 */
function seriesIn(frame: DataFrame): number {
  const labels = frame.fields.find((f) => f.name === 'labels');
  if (!labels) {
    return 1;
  }
  return Math.max(MIN_LABELLED_SERIES, new Set(Array.from(labels.values ?? [])).size);
}

function isSnapshotFrame(frame: DataFrame): boolean {
  const custom = frame.meta?.custom as Record<string, unknown> | undefined;
  return custom?.snapshot === true;
}

/**
 * Leaderboard and latest-predictions streams replace (each message is the whole table); every other
 * stream appends within the panel's max data points and time window, like
 * Grafana's standard provider (which @grafana/runtime does not export).
 */
export const pitwallStreamOptionsProvider: StreamOptionsProvider<PitwallQuery> = (request, frame) => {
  const target = request.targets.find((t) => t.refId === frame.refId);
  if (isSnapshotQuery(target) || isSnapshotFrame(frame)) {
    return { action: StreamingFrameAction.Replace, maxLength: SNAPSHOT_MAX_ROWS };
  }
  const opts: Partial<StreamingFrameOptions> = {
    action: StreamingFrameAction.Append,
    // Max data points is per series: a labels-layout frame holds every driver's
    // rows in one buffer, so one series' budget would keep only the last second of 20 cars.
    maxLength: (request.maxDataPoints ?? DEFAULT_MAX_LENGTH) * seriesIn(frame),
  };
  if (request.rangeRaw?.to === 'now') {
    // Keep just the visible window of a "last N minutes" range.
    opts.maxDelta = request.range.to.valueOf() - request.range.from.valueOf();
  }
  return opts;
};
