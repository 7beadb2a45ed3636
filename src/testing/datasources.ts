import {
  CoreApp,
  DataQueryRequest,
  DataSourceApi,
  DataSourceInstanceSettings,
  dateTime,
  PluginType,
} from '@grafana/data';
import { DataSourceSrv, setDataSourceSrv, TemplateSrv } from '@grafana/runtime';

import { PitwallDataSource } from '../datasource';
import { PitwallOptions, PitwallQuery } from '../types';

export const DS_UID = 'pitwall-test';

export function instanceSettings(uid = DS_UID): DataSourceInstanceSettings<PitwallOptions> {
  return {
    // Required by the settings type, though deprecated.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: 1,
    uid,
    type: 'pitwall-kafka-datasource',
    name: 'Pitwall',
    access: 'proxy',
    readOnly: false,
    jsonData: { bootstrapServers: 'localhost:9092' },
    meta: {
      id: 'pitwall-kafka-datasource',
      name: 'Pitwall Kafka',
      type: PluginType.datasource,
      module: 'public/plugins/pitwall-kafka-datasource/module.js',
      baseUrl: 'public/plugins/pitwall-kafka-datasource',
      info: {
        author: { name: 'Pitwall' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '0.1.0',
      },
    },
  };
}

/** A template service with fixed variables, formatting multi-values as Grafana does for 'csv'. */
export class FixedTemplateSrv implements Partial<TemplateSrv> {
  constructor(private vars: Record<string, string | string[]>) {}

  getVariables() {
    return Object.keys(this.vars).map((name) => ({ name })) as unknown as ReturnType<TemplateSrv['getVariables']>;
  }

  replace(target?: string): string {
    if (!target) {
      return '';
    }
    return target.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      const v = this.vars[name];
      if (v === undefined) {
        return whole;
      }
      return Array.isArray(v) ? v.join(',') : v;
    });
  }

  containsTemplate(target?: string) {
    return Boolean(target && /\$\w+/.test(target));
  }

  updateTimeRange() {}
}

/** Installs a DataSourceSrv that knows one Pitwall datasource (and optionally another type). */
export function installDataSourceSrv(
  ds: PitwallDataSource,
  others: Array<{ uid: string; type: string; name: string }> = [],
  jsonData: Record<string, unknown> = {}
) {
  const own = instanceSettings(ds.uid);
  own.jsonData = { ...own.jsonData, ...jsonData };
  const list = [own, ...others.map((o) => ({ ...instanceSettings(o.uid), type: o.type, name: o.name }))];
  const srv: Partial<DataSourceSrv> = {
    get: async (ref) => {
      const uid = typeof ref === 'string' ? ref : ref?.uid;
      if (uid === ds.uid) {
        return ds as unknown as DataSourceApi;
      }
      const other = others.find((o) => o.uid === uid);
      if (other) {
        return { uid: other.uid, type: other.type, name: other.name } as never;
      }
      throw new Error(`datasource ${uid} not found`);
    },
    getList: (filters) => list.filter((s) => !filters?.pluginId || s.type === filters.pluginId),
    getInstanceSettings: (ref) => list.find((s) => s.uid === (typeof ref === 'string' ? ref : ref?.uid)),
  };
  setDataSourceSrv(srv as DataSourceSrv);
}

/** A dashboard's query request over 10 minutes (1,700,000,000,000 to 1,700,000,600,000 ms), extra laid over it. */
export function queryRequest(
  targets: PitwallQuery[],
  extra: Partial<DataQueryRequest<PitwallQuery>> = {}
): DataQueryRequest<PitwallQuery> {
  const to = dateTime(1_700_000_600_000);
  const from = dateTime(1_700_000_000_000);
  return {
    requestId: 'r1',
    interval: '1s',
    intervalMs: 1000,
    range: { from, to, raw: { from: 'now-10m', to: 'now' } },
    rangeRaw: { from: 'now-10m', to: 'now' },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: 0,
    ...extra,
  } as DataQueryRequest<PitwallQuery>;
}
