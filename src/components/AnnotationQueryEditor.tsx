import { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Text } from '@grafana/ui';
import React from 'react';

import type { PitwallDataSource } from '../datasource';
import { ANNOTATION_TYPES, DEFAULT_ANNOTATION_SEVERITY, DEFAULT_TOPICS, queryTypeInfo } from '../options';
import { PitwallOptions, PitwallQuery, QueryType } from '../types';
import { DriversField } from './DriversSelect';
import { LABEL_WIDTH } from './QueryOptions';
import { OverspeedField, SeverityField, SpinThresholdField } from './ThresholdFields';
import { TopicSelect } from './TopicSelect';
import { useQueryUpdate } from './useQueryUpdate';

type Props = QueryEditorProps<PitwallDataSource, PitwallQuery, PitwallOptions> & {
  annotation?: AnnotationQuery<PitwallQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<PitwallQuery>) => void;
};

const TYPE_OPTIONS = ANNOTATION_TYPES.map((t) => ({
  value: t,
  label: queryTypeInfo(t).label,
  description: queryTypeInfo(t).description,
}));

const HELP: Record<string, string> = {
  alerts:
    'Each alert of the chosen severity or higher becomes an annotation titled by driver and kind, tagged with driver, kind and severity. Wheel spins and gear anomalies that last are drawn as regions, the rest as points.',
  raceControl:
    'Each race event (lights out, flags, safety car, pit stops, fastest laps, finish) becomes an annotation.',
  wheelSpin: 'Each wheel-spin event becomes an annotation spanning its duration.',
  gearAnomalies: 'Each gear anomaly (lugging, over-rev, mismatch, skipped upshift) becomes an annotation.',
};

/** Annotation query editor: alerts (with the overspeed threshold), race control, wheel spin or gear anomalies. */
export function AnnotationQueryEditor({ query, datasource, onChange }: Props) {
  const type: QueryType = query.queryType && ANNOTATION_TYPES.includes(query.queryType) ? query.queryType : 'alerts';
  const { update } = useQueryUpdate<PitwallQuery>({ ...query, queryType: type }, onChange);

  return (
    <div data-testid="pitwall-annotation-editor">
      <InlineFieldRow>
        <InlineField label="Events" labelWidth={LABEL_WIDTH} tooltip="Which events become annotations">
          <RadioButtonGroup<QueryType>
            options={TYPE_OPTIONS}
            value={type}
            onChange={(queryType) => update({ queryType, topic: '' })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Topic"
          labelWidth={LABEL_WIDTH}
          tooltip={`The topic to read; empty uses the default, ${DEFAULT_TOPICS[type]}`}
        >
          <TopicSelect
            datasource={datasource}
            id="pitwall-annotation-topic"
            value={query.topic}
            placeholder={`default: ${DEFAULT_TOPICS[type]}`}
            onChange={(topic) => update({ topic })}
          />
        </InlineField>
      </InlineFieldRow>
      {type !== 'raceControl' && (
        <InlineFieldRow>
          <DriversField
            datasource={datasource}
            id="pitwall-annotation-drivers"
            value={query.drivers}
            onChange={(drivers) => update({ drivers })}
            labelWidth={LABEL_WIDTH}
            tooltip="Only these drivers' events (codes or $driver); empty means all"
          />
          {type === 'alerts' && <OverspeedField query={query} update={update} idPrefix="pitwall-annotation" />}
          {type === 'alerts' && <SeverityField query={query} update={update} fallback={DEFAULT_ANNOTATION_SEVERITY} />}
          {type === 'wheelSpin' && <SpinThresholdField query={query} update={update} idPrefix="pitwall-annotation" />}
        </InlineFieldRow>
      )}
      <Text color="secondary" variant="bodySmall">
        {HELP[type] ?? ''}
      </Text>
    </div>
  );
}
