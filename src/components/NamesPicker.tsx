import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import React from 'react';

interface Props {
  id: string;
  options: Array<ComboboxOption<string>>;
  value: string[];
  /** What picking a typed name does, shown beside it ("Use this field name"). */
  customValueDescription: string;
  placeholder: string;
  /** Keep at most this many names. */
  max?: number;
  onChange: (names: string[]) => void;
}

/** A multi-picker of names (fields, columns) that also takes typed ones; names are trimmed, empty ones dropped. */
export function NamesPicker({ id, options, value, customValueDescription, placeholder, max, onChange }: Props) {
  return (
    <MultiCombobox<string>
      id={id}
      width={40}
      options={options}
      value={value}
      createCustomValue
      customValueDescription={customValueDescription}
      isClearable
      placeholder={placeholder}
      onChange={(items) =>
        onChange(
          items
            .map((v) => v.value.trim())
            .filter(Boolean)
            .slice(0, max)
        )
      }
    />
  );
}
