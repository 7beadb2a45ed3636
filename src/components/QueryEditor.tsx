import { css } from '@emotion/css';
import { GrafanaTheme2, QueryEditorProps } from '@grafana/data';
import { Combobox, ComboboxOption, InlineField, InlineFieldRow, RadioButtonGroup, Text, useStyles2 } from '@grafana/ui';
import React from 'react';

import { PitwallDataSource } from '../datasource';
import {
  DEFAULT_QUERY,
  DEFAULT_TOPICS,
  FORMAT_OPTIONS,
  OFFSET_OPTIONS,
  QUERY_TYPES,
  editorFieldsFor,
  queryTypeInfo,
} from '../options';
import { PayloadFormat, PitwallOptions, PitwallQuery, QueryType } from '../types';
import { LABEL_WIDTH, QueryOptions } from './QueryOptions';
import { NumberInput } from './NumberInput';
import { PartitionSelect } from './PartitionSelect';
import { RecordOptions } from './RecordOptions';
import { TopicSelect } from './TopicSelect';
import { useQueryUpdate } from './useQueryUpdate';

export type Props = QueryEditorProps<PitwallDataSource, PitwallQuery, PitwallOptions>;

const typeOptions: Array<ComboboxOption<QueryType>> = QUERY_TYPES.map((t) => ({
  value: t.value,
  label: t.label,
  description: t.description,
}));

const getStyles = (theme: GrafanaTheme2) => ({
  description: css({
    alignSelf: 'center',
    marginBottom: theme.spacing(0.5),
  }),
});

/**
 * The query editor. It shows only what matters for the chosen query type; every
 * change is applied at once (onChange then onRunQuery, through useQueryUpdate:
 * once per real change), with no page reload.
 */
export function QueryEditor({ query, datasource, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const q: PitwallQuery = { ...DEFAULT_QUERY, ...query };
  const type = q.queryType ?? 'telemetry';
  const show = editorFieldsFor(type);
  const effectiveTopic = q.topic || DEFAULT_TOPICS[type];
  const missingTopic = show.topicRequired && !q.topic;

  const { update, latest } = useQueryUpdate(query, onChange, onRunQuery);

  const onTypeChange = (next: QueryType) => {
    // Against the latest query: a picker may call this again with the type already applied.
    const now = latest();
    if (next !== (now.queryType ?? DEFAULT_QUERY.queryType)) {
      // A topic or view chosen for one query type rarely fits another: use the new type's defaults.
      update({ queryType: next, topic: next === 'raw' ? now.topic : '', view: '' });
    }
  };

  return (
    <div data-testid="pitwall-query-editor">
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH} tooltip="What to read and compute">
          <Combobox<QueryType>
            id="pitwall-query-type"
            width={24}
            options={typeOptions}
            value={type}
            onChange={(v) => onTypeChange(v.value)}
          />
        </InlineField>
        <div className={styles.description}>
          <Text color="secondary" italic>
            {queryTypeInfo(type).description}
          </Text>
        </div>
      </InlineFieldRow>

      <InlineFieldRow>
        <InlineField
          label="Topic"
          labelWidth={LABEL_WIDTH}
          required={show.topicRequired}
          invalid={missingTopic}
          error={missingTopic ? 'A raw query needs a topic' : undefined}
          tooltip={
            show.topicRequired
              ? 'The Kafka topic to read'
              : `The Kafka topic to read; empty uses the default, ${DEFAULT_TOPICS[type]}`
          }
        >
          <TopicSelect
            datasource={datasource}
            id="pitwall-topic"
            value={q.topic}
            invalid={missingTopic}
            placeholder={show.topicRequired ? 'Choose or type a topic' : `default: ${DEFAULT_TOPICS[type]}`}
            onChange={(topic) => update({ topic })}
          />
        </InlineField>
        {show.partition && (
          <InlineField label="Partition" tooltip="One partition, or All (-1) to read every partition">
            <PartitionSelect
              datasource={datasource}
              id="pitwall-partition"
              topic={effectiveTopic}
              value={q.partition}
              onChange={(partition) => update({ partition })}
            />
          </InlineField>
        )}
        <InlineField
          label="Format"
          tooltip="How records are decoded. Auto decodes records with the Confluent wire header by their registered schema, others as JSON."
        >
          <Combobox<PayloadFormat>
            id="pitwall-format"
            width={18}
            options={FORMAT_OPTIONS}
            value={q.format ?? 'auto'}
            onChange={(v) => update({ format: v.value })}
          />
        </InlineField>
      </InlineFieldRow>

      <InlineFieldRow>
        <InlineField
          label="Offset"
          labelWidth={LABEL_WIDTH}
          tooltip="Where reading starts: the dashboard time range, the newest or oldest records, or the last N per partition"
        >
          <RadioButtonGroup options={OFFSET_OPTIONS} value={q.offset} onChange={(offset) => update({ offset })} />
        </InlineField>
        {q.offset === 'lastN' && (
          <InlineField label="N" tooltip="How many records to read from the end of each partition">
            <NumberInput
              id="pitwall-last-n"
              value={q.lastN}
              min={1}
              width={10}
              onCommit={(lastN) => update({ lastN: lastN ?? DEFAULT_QUERY.lastN })}
            />
          </InlineField>
        )}
      </InlineFieldRow>

      <RecordOptions query={q} show={show} update={update} />
      <QueryOptions datasource={datasource} query={q} show={show} update={update} />
    </div>
  );
}
