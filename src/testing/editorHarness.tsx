import { CoreApp, getDefaultTimeRange, LoadingState, PanelData } from '@grafana/data';
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

/**
 * Renders the query editor the way Explore drives it: the query lives in the
 * parent, every run answers with new panel data a moment later (which
 * re-renders the editor), and the time range is a new object on every render.
 * An editor that reacts to its own updates loops here.
 */
export function renderExploreLike(datasource: PitwallDataSource, initial: PitwallQuery) {
  const calls: EditorCalls & { renders: number } = { changes: [], runs: 0, renders: 0 };
  function Explore() {
    const [query, setQuery] = useState(initial);
    const [data, setData] = useState<PanelData>(() => panelData(LoadingState.Done));
    calls.renders++;
    return (
      <QueryEditor
        app={CoreApp.Explore}
        datasource={datasource}
        query={query}
        data={data}
        range={getDefaultTimeRange()}
        onChange={(q) => {
          calls.changes.push(q);
          setQuery(q);
        }}
        onRunQuery={() => {
          calls.runs++;
          setData(panelData(LoadingState.Loading));
          setTimeout(() => setData(panelData(LoadingState.Done)), 5);
        }}
      />
    );
  }
  const utils = render(<Explore />);
  return { ...utils, calls, last: () => calls.changes[calls.changes.length - 1] };
}

function panelData(state: LoadingState): PanelData {
  return { state, series: [], timeRange: getDefaultTimeRange() };
}
