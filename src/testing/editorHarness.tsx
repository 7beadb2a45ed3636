import { CoreApp, getDefaultTimeRange, LoadingState, PanelData } from '@grafana/data';
import { render } from '@testing-library/react';
import React, { useState, useSyncExternalStore } from 'react';

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

/** A store like Explore's Redux store: components read it with useSyncExternalStore, so a change re-renders at once. */
class ExploreStore {
  private listeners = new Set<() => void>();
  constructor(public state: { query: PitwallQuery; data: PanelData }) {}
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  get = () => this.state;
  set(patch: Partial<ExploreStore['state']>) {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }
}

/**
 * Renders the query editor the way Explore drives it: the query lives in a
 * store read with useSyncExternalStore (as react-redux does), so onChange
 * re-renders the editor synchronously, even from inside an effect; every run
 * sets the data to loading at once and answers a moment later; the time range
 * is a new object on every render. An editor that acts on its own updates, or
 * on a query its handler closed over, loops here.
 */
export function renderExploreLike(datasource: PitwallDataSource, initial: PitwallQuery) {
  const calls: EditorCalls & { renders: number } = { changes: [], runs: 0, renders: 0 };
  const store = new ExploreStore({ query: initial, data: panelData(LoadingState.Done) });
  function Explore() {
    const { query, data } = useSyncExternalStore(store.subscribe, store.get);
    return (
      <Row
        query={query}
        data={data}
        onChange={(q) => {
          calls.changes.push(q);
          store.set({ query: q });
        }}
        onRunQuery={() => {
          calls.runs++;
          store.set({ data: panelData(LoadingState.Loading) });
          setTimeout(() => store.set({ data: panelData(LoadingState.Done) }), 5);
        }}
      />
    );
  }
  // Grafana's QueryEditorRow: a class that copies new data into its state in componentDidUpdate.
  class Row extends React.Component<RowProps, { data: PanelData }> {
    state = { data: this.props.data };
    componentDidUpdate(prev: RowProps) {
      if (prev.data !== this.props.data) {
        this.setState({ data: { ...this.props.data } });
      }
    }
    render() {
      calls.renders++;
      return (
        <QueryEditor
          app={CoreApp.Explore}
          datasource={datasource}
          query={this.props.query}
          data={this.state.data}
          range={getDefaultTimeRange()}
          onChange={this.props.onChange}
          onRunQuery={this.props.onRunQuery}
        />
      );
    }
  }
  const utils = render(<Explore />);
  return { ...utils, calls, last: () => calls.changes[calls.changes.length - 1] };
}

interface RowProps {
  query: PitwallQuery;
  data: PanelData;
  onChange: (q: PitwallQuery) => void;
  onRunQuery: () => void;
}

function panelData(state: LoadingState): PanelData {
  return { state, series: [], timeRange: getDefaultTimeRange() };
}
