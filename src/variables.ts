import {
  createDataFrame,
  CustomVariableSupport,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  FieldType,
} from '@grafana/data';
import { from, map, Observable, of, catchError } from 'rxjs';

import type { PitwallDataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { errorMessage } from './resources';
import { PitwallQuery, PitwallVariableQuery } from './types';

/** A one-column frame of variable values (Grafana reads the `text` field). */
export function valuesFrame(values: string[]): DataFrame {
  return createDataFrame({ fields: [{ name: 'text', type: FieldType.string, values }] });
}

/** Distinct `race_id` values in frames, most recent first (rows are in time order). */
export function raceIdsOf(frames: DataFrame[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const frame of frames) {
    const field = frame.fields.find((f) => f.name === 'race_id');
    const values = (field?.values ?? []) as unknown[];
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i];
      if (typeof v === 'string' && v !== '' && !seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
  }
  return out;
}

/**
 * Query variables: drivers (resource `drivers`), topics (resource `topics`) and
 * race ids (the race_id values of race-control events in the dashboard's time range).
 */
export class PitwallVariableSupport extends CustomVariableSupport<
  PitwallDataSource,
  PitwallVariableQuery,
  PitwallQuery
> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: PitwallDataSource) {
    super();
  }

  query(request: DataQueryRequest<PitwallVariableQuery>): Observable<DataQueryResponse> {
    const vq = request.targets[0];
    const fail = (err: unknown): Observable<DataQueryResponse> =>
      of({ data: [], errors: [{ message: `Listing ${vq?.kind ?? 'values'} failed: ${errorMessage(err)}` }] });

    switch (vq?.kind) {
      case 'topics':
        return from(this.datasource.getTopics()).pipe(
          map((topics) => ({ data: [valuesFrame(topics.map((t) => t.name))] })),
          catchError(fail)
        );
      case 'raceIds': {
        const target: PitwallQuery = {
          refId: vq.refId || 'raceIds',
          queryType: 'raceControl',
          topic: vq.topic ?? '',
          offset: 'timeRange',
          stream: false,
        };
        return this.datasource.query({ ...request, targets: [target] }).pipe(
          map((rsp) => {
            if (rsp.errors?.length) {
              return { data: [], errors: rsp.errors };
            }
            return { data: [valuesFrame(raceIdsOf(rsp.data as DataFrame[]))] };
          }),
          catchError(fail)
        );
      }
      case 'drivers':
      default:
        return from(this.datasource.getDrivers()).pipe(
          map((drivers) => ({ data: [valuesFrame(drivers.map((d) => d.code))] })),
          catchError(fail)
        );
    }
  }
}
