import { AnnotationQuery, AnnotationSupport } from '@grafana/data';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { ANNOTATION_TYPES, DEFAULT_ANNOTATION_SEVERITY } from './options';
import { PitwallQuery } from './types';

/**
 * Annotations from alerts, race-control events, wheel spins and gear anomalies.
 * The query asks for the annotation view (`view: "annotations"`), which the
 * backend answers with one frame of time, timeEnd, title, text and tags;
 * Grafana's standard processing turns its rows into events. Annotations are
 * always read by time range, never streamed. Alert annotations default to
 * high severity (`minSeverity`), and the backend draws regions only for
 * spins and anomalies that last.
 */
export const pitwallAnnotations: AnnotationSupport<PitwallQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => ({ queryType: 'alerts', drivers: [], minSeverity: DEFAULT_ANNOTATION_SEVERITY }),
  prepareQuery: (anno: AnnotationQuery<PitwallQuery>) => {
    const target = anno.target;
    if (!target) {
      return undefined;
    }
    const queryType = target.queryType && ANNOTATION_TYPES.includes(target.queryType) ? target.queryType : 'alerts';
    return {
      ...target,
      refId: target.refId || 'Anno',
      queryType,
      offset: 'timeRange',
      stream: false,
      view: 'annotations',
      // Every alert as an annotation buries the graphs: unless the annotation says otherwise, high ones only.
      ...(queryType === 'alerts' ? { minSeverity: target.minSeverity ?? DEFAULT_ANNOTATION_SEVERITY } : {}),
    };
  },
};
