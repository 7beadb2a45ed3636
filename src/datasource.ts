import {
  CoreApp,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { Observable, map } from 'rxjs';

import { pitwallAnnotations } from './annotations';
import { FirstPaint } from './firstPaint';
import { DriverInfo, parseDrivers, parsePartitions, parseTopics, TopicInfo } from './resources';
import { pitwallStreamOptionsProvider } from './streaming';
import { expandList } from './templating';
import { DEFAULT_QUERY, queryTypeInfo } from './options';
import { PitwallOptions, PitwallQuery, QueryType, RaceStartBody } from './types';
import { PitwallVariableSupport } from './variables';

/** Query types whose rows are events or records, shown in Explore's logs view. */
export const LOGS_TYPES: QueryType[] = ['alerts', 'raceControl', 'raw'];

/**
 * A dashboard panel's answer without its frames that hold no rows (an
 * events table before the first event, say), but for the leaderboard
 * panel's queries: that panel draws its own waiting state. Grafana 12.4's
 * table panel draws a frame with fields but no rows as bare column headers
 * and the time series as empty axes; with no frame left, they (and every other panel) show the panel's
 * fieldConfig.defaults.noValue, or "No data". The dashboards set noValue
 * where an empty range is true ("No gear anomalies in this range"; checked
 * by internal/stackcheck). Explore keeps the empty frames: their columns
 * are worth seeing there. A stream's frames are left as they are (Grafana
 * Live keeps its buffer); only this answer's list of them is filtered.
 */
export function withoutEmptyFrames(rsp: DataQueryResponse, request: DataQueryRequest<PitwallQuery>): DataQueryResponse {
  if (request.targets.some((t) => t.queryType === 'leaderboard')) {
    return rsp;
  }
  const data = (rsp.data as DataFrame[]).filter((f) => f.length > 0);
  return data.length === rsp.data.length ? rsp : { ...rsp, data };
}

/** Pitwall's datasource: every query runs in the Go backend (QueryData and Live streams). */
export class PitwallDataSource extends DataSourceWithBackend<PitwallQuery, PitwallOptions> {
  private readonly firstPaint = new FirstPaint<PitwallQuery>();

  constructor(
    instanceSettings: DataSourceInstanceSettings<PitwallOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.annotations = pitwallAnnotations;
    this.variables = new PitwallVariableSupport(this);
    this.streamOptionsProvider = this.firstPaint.provider(pitwallStreamOptionsProvider);
  }

  getDefaultQuery(_app: CoreApp): Partial<PitwallQuery> {
    return DEFAULT_QUERY;
  }

  /** A raw query without a topic cannot run; hidden queries don't run either. */
  filterQuery(query: PitwallQuery): boolean {
    if (query.hide) {
      return false;
    }
    if ((query.queryType ?? DEFAULT_QUERY.queryType) === 'raw') {
      return Boolean(query.topic && query.topic.trim() !== '');
    }
    return true;
  }

  /** Expands template variables in the topic, the drivers (multi-value → list) and the fields. */
  applyTemplateVariables(query: PitwallQuery, scopedVars: ScopedVars): PitwallQuery {
    const out: PitwallQuery = { ...query };
    if (query.topic) {
      out.topic = this.templateSrv.replace(query.topic, scopedVars);
    }
    if (query.drivers) {
      out.drivers = expandList(query.drivers, scopedVars, this.templateSrv);
    }
    if (query.fields) {
      out.fields = expandList(query.fields, scopedVars, this.templateSrv);
    }
    return out;
  }

  /**
   * Runs queries in the backend; a streaming panel paints its answer at once
   * (FirstPaint). In Explore, event-like query types prefer the logs view;
   * elsewhere (dashboards) see withoutEmptyFrames.
   */
  query(request: DataQueryRequest<PitwallQuery>): Observable<DataQueryResponse> {
    const response = this.firstPaint.run(request, () => super.query(request));
    if (request.app !== CoreApp.Explore) {
      return response.pipe(map((rsp) => withoutEmptyFrames(rsp, request)));
    }
    const logsRefIds = new Set(
      request.targets.filter((t) => t.queryType && LOGS_TYPES.includes(t.queryType)).map((t) => t.refId)
    );
    return response.pipe(
      map((rsp) => {
        (rsp.data as DataFrame[]).forEach((frame) => {
          if (frame.refId && logsRefIds.has(frame.refId) && !frame.meta?.preferredVisualisationType) {
            // Mutated in place: streaming frames are class instances that must stay so.
            frame.meta = { ...frame.meta, preferredVisualisationType: 'logs' };
          }
        });
        return rsp;
      })
    );
  }

  getQueryDisplayText(query: PitwallQuery): string {
    const parts = [queryTypeInfo(query.queryType).label];
    if (query.topic) {
      parts.push(query.topic);
    }
    if (query.drivers?.length) {
      parts.push(query.drivers.join(','));
    }
    if (query.stream) {
      parts.push('(live)');
    }
    return parts.join(' · ');
  }

  async getTopics(): Promise<TopicInfo[]> {
    return parseTopics(await this.getResource('topics'));
  }

  async getPartitions(topic: string): Promise<number[]> {
    return parsePartitions(await this.getResource(`topics/${encodeURIComponent(topic)}/partitions`));
  }

  async getDrivers(): Promise<DriverInfo[]> {
    return parseDrivers(await this.getResource('drivers'));
  }

  startRace(body: RaceStartBody): Promise<unknown> {
    return this.postResource('race/start', body, { showErrorAlert: false });
  }

  stopRace(): Promise<unknown> {
    return this.postResource('race/stop', {}, { showErrorAlert: false });
  }

  raceStatus(): Promise<unknown> {
    return this.getResource('race/status', undefined, { showErrorAlert: false });
  }
}
