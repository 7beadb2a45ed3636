import { render } from '@testing-library/react';
import React, { useState } from 'react';

import { QueryEditor } from '../components/QueryEditor';
import { PitwallDataSource } from '../datasource';
import { PitwallQuery } from '../types';

export interface EditorCalls {
  changes: PitwallQuery[];
  runs: number;
}

/** Renders the query editor with state, as Grafana does, recording onChange and onRunQuery. */
export function renderQueryEditor(datasource: PitwallDataSource, initial: PitwallQuery) {
  const calls: EditorCalls = { changes: [], runs: 0 };
  function Harness() {
    const [query, setQuery] = useState(initial);
    return (
      <QueryEditor
        datasource={datasource}
        query={query}
        onChange={(q) => {
          calls.changes.push(q);
          setQuery(q);
        }}
        onRunQuery={() => {
          calls.runs++;
        }}
      />
    );
  }
  const utils = render(<Harness />);
  return { ...utils, calls, last: () => calls.changes[calls.changes.length - 1] };
}
