import { Combobox, ComboboxOption, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import React, { useMemo } from 'react';

import { ISOLATION_OPTIONS, KEY_FORMAT_OPTIONS, PRECISION_OPTIONS } from '../options';
import { Isolation, KeyFormat, PitwallQuery, Precision, QueryTypeEditorFields } from '../types';
import { NamesPicker } from './NamesPicker';
import { LABEL_WIDTH } from './QueryOptions';

/** Stable empty list: a new [] on every render is a new value for the picker. */
const NONE: string[] = [];

interface Props {
  query: PitwallQuery;
  show: QueryTypeEditorFields;
  update: (patch: Partial<PitwallQuery>) => void;
}

/**
 * How records are read and shown: the isolation level (every query type), and for raw
 * queries the key format, the columns that split rows into series, and the unit of
 * line-protocol timestamps.
 */
export function RecordOptions({ query: q, show, update }: Props) {
  const seriesBy = q.seriesBy ?? NONE;
  const seriesOptions = useMemo<Array<ComboboxOption<string>>>(
    () => [
      ...['kafka.key', 'kafka.partition'].map((v) => ({ value: v, label: v })),
      ...seriesBy.filter((s) => s !== 'kafka.key' && s !== 'kafka.partition').map((v) => ({ value: v, label: v })),
    ],
    [seriesBy]
  );
  return (
    <>
      {show.columns && (
        <InlineFieldRow>
          <InlineField
            label="Key format"
            labelWidth={LABEL_WIDTH}
            tooltip="How the key column shows record keys: text, base64 of the bytes, or decoded (JSON, or by the Schema Registry's <topic>-key subject) into kafka.key.<field> columns"
          >
            <Combobox<KeyFormat>
              id="pitwall-key-format"
              width={18}
              options={KEY_FORMAT_OPTIONS}
              value={q.keyFormat ?? 'string'}
              onChange={(v) => update({ keyFormat: v.value })}
            />
          </InlineField>
          <InlineField
            label="Series by"
            tooltip="Split the rows into one labelled series per value of these columns: kafka.key, kafka.key.<field>, kafka.header.<name>, kafka.partition or a payload field (at most 4)"
          >
            <NamesPicker
              id="pitwall-series-by"
              options={seriesOptions}
              value={seriesBy}
              customValueDescription="Split by this column"
              placeholder="One series"
              max={4}
              onChange={(seriesBy) => update({ seriesBy })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField
          label="Transactions"
          labelWidth={LABEL_WIDTH}
          tooltip="Committed (default): records of aborted transactions never show and reads stop before open ones. Uncommitted: every record as written."
        >
          <RadioButtonGroup<Isolation>
            options={ISOLATION_OPTIONS}
            value={q.isolation ?? 'read_committed'}
            onChange={(isolation) => update({ isolation })}
          />
        </InlineField>
        {q.format === 'influx' && (
          <InlineField label="Precision" tooltip="The unit of the lines' timestamps (Telegraf's precision); default ns">
            <Combobox<Precision>
              id="pitwall-precision"
              width={10}
              options={PRECISION_OPTIONS}
              value={q.precision ?? 'ns'}
              onChange={(v) => update({ precision: v.value })}
            />
          </InlineField>
        )}
      </InlineFieldRow>
    </>
  );
}
