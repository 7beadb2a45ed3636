import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import type { PitwallDataSource } from '../datasource';
import { DEFAULT_TOPICS } from '../options';
import { PitwallOptions, PitwallQuery, PitwallVariableQuery, VariableKind } from '../types';
import { TopicSelect } from './TopicSelect';
import { useQueryUpdate } from './useQueryUpdate';

type Props = QueryEditorProps<PitwallDataSource, PitwallQuery, PitwallOptions, PitwallVariableQuery>;

const KIND_OPTIONS: Array<{ value: VariableKind; label: string; description: string }> = [
  { value: 'drivers', label: 'Drivers', description: 'Driver codes seen on the telemetry topic' },
  { value: 'topics', label: 'Topics', description: 'Topic names on the cluster' },
  { value: 'raceIds', label: 'Race ids', description: 'Races with events in the time range, newest first' },
];

/** Editor for query variables: drivers, topics or race ids. */
export function VariableQueryEditor({ query, datasource, onChange }: Props) {
  const kind: VariableKind = query?.kind ?? 'drivers';
  const refId = query?.refId ?? 'variable';
  const { update } = useQueryUpdate<PitwallVariableQuery>({ ...query, refId, kind }, onChange);
  return (
    <div data-testid="pitwall-variable-editor">
      <InlineFieldRow>
        <InlineField label="Values" labelWidth={14} tooltip="What the variable lists">
          <RadioButtonGroup
            options={KIND_OPTIONS}
            value={kind}
            onChange={(next) => update({ kind: next, topic: '' })}
          />
        </InlineField>
      </InlineFieldRow>
      {kind === 'raceIds' && (
        <InlineFieldRow>
          <InlineField
            label="Topic"
            labelWidth={14}
            tooltip={`The race-control topic; empty uses the default, ${DEFAULT_TOPICS.raceControl}`}
          >
            <TopicSelect
              datasource={datasource}
              id="pitwall-variable-topic"
              value={query.topic}
              placeholder={`default: ${DEFAULT_TOPICS.raceControl}`}
              onChange={(topic) => update({ topic })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
    </div>
  );
}
