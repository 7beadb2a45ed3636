import { Combobox, ComboboxOption } from '@grafana/ui';
import React, { useMemo } from 'react';

import type { PitwallDataSource } from '../datasource';
import { isVariable } from '../templating';
import { useResource } from './useResource';

interface Props {
  datasource: PitwallDataSource;
  topic: string;
  value?: number;
  onChange: (partition: number) => void;
  id: string;
}

/** Partition picker: "All" (-1) or one partition of the topic, listed by `topics/{topic}/partitions`. */
export function PartitionSelect({ datasource, topic, value = -1, onChange, id }: Props) {
  const canList = topic !== '' && !isVariable(topic);
  const partitions = useResource(
    () => (canList ? datasource.getPartitions(topic) : Promise.resolve([] as number[])),
    `${datasource.uid}/topics/${canList ? topic : ''}/partitions`
  );

  const options = useMemo(() => {
    const out: Array<ComboboxOption<string>> = [
      { value: '-1', label: 'All', description: 'Read every partition' },
      ...(partitions.value ?? []).map((p) => ({ value: String(p), label: String(p) })),
    ];
    if (!out.some((o) => o.value === String(value))) {
      out.push({ value: String(value), label: String(value) });
    }
    return out;
  }, [partitions.value, value]);

  return (
    <Combobox<string>
      id={id}
      width={14}
      options={options}
      value={String(value)}
      loading={partitions.loading && canList}
      invalid={Boolean(partitions.error)}
      createCustomValue
      customValueDescription="Partition number"
      onChange={(v) => {
        const n = Number.parseInt(v.value, 10);
        if (Number.isInteger(n) && n >= -1) {
          onChange(n);
        }
      }}
    />
  );
}
