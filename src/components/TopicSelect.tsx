import { Combobox, ComboboxOption, Stack } from '@grafana/ui';
import React, { useMemo } from 'react';

import type { PitwallDataSource } from '../datasource';
import { ResourceError } from './ResourceError';
import { useResource } from './useResource';
import { variableOptions } from './variableOptions';

interface Props {
  datasource: PitwallDataSource;
  value?: string;
  onChange: (topic: string) => void;
  id: string;
  placeholder?: string;
  width?: number;
  invalid?: boolean;
}

/** A topic picker that autocompletes from the backend's `topics` resource; custom names and variables are allowed. */
export function TopicSelect({ datasource, value, onChange, id, placeholder, width = 30, invalid }: Props) {
  const topics = useResource(() => datasource.getTopics(), `${datasource.uid}/topics`);

  const options = useMemo(() => {
    const out: Array<ComboboxOption<string>> = (topics.value ?? []).map((t) => ({
      value: t.name,
      label: t.name,
      description: t.partitions !== undefined ? `${t.partitions} partition${t.partitions === 1 ? '' : 's'}` : undefined,
    }));
    if (value && !out.some((o) => o.value === value)) {
      out.unshift({ value, label: value });
    }
    return [...out, ...variableOptions()];
  }, [topics.value, value]);

  return (
    <Stack direction="row" gap={0.5} alignItems="center">
      <Combobox<string>
        id={id}
        width={width}
        options={options}
        value={value || null}
        loading={topics.loading}
        createCustomValue
        customValueDescription="Use this topic"
        isClearable
        placeholder={placeholder ?? 'Choose or type a topic'}
        invalid={invalid}
        onChange={(v) => onChange(v?.value.trim() ?? '')}
      />
      <ResourceError what="topics" error={topics.error} />
    </Stack>
  );
}
