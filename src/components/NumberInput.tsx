import { Input } from '@grafana/ui';
import React, { useState } from 'react';

interface Props {
  id: string;
  value?: number;
  placeholder?: string;
  min?: number;
  max?: number;
  width?: number;
  suffix?: string;
  /** Called on blur or Enter with a valid number, or undefined when cleared. */
  onCommit: (value: number | undefined) => void;
}

/** A number input that commits on blur or Enter, so a query runs once per edit, not per keystroke. */
export function NumberInput({ id, value, placeholder, min, max, width = 12, suffix, onCommit }: Props) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed from outside (another editor, undo): show it.
    setShown(value);
    setText(value === undefined ? '' : String(value));
  }

  const parsed = text.trim() === '' ? undefined : Number(text);
  const invalid =
    parsed !== undefined &&
    (!Number.isFinite(parsed) || (min !== undefined && parsed < min) || (max !== undefined && parsed > max));

  const commit = () => {
    if (!invalid && parsed !== value) {
      onCommit(parsed);
    }
  };

  return (
    <Input
      id={id}
      type="number"
      width={width}
      min={min}
      max={max}
      value={text}
      placeholder={placeholder}
      invalid={invalid}
      suffix={suffix}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          commit();
        }
      }}
    />
  );
}
