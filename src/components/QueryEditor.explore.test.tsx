/**
 * The query editor driven as Explore drives it, with Grafana's real
 * components: switching the query type with the mouse through every type must
 * change the query once and run it once per switch, leave no React error (an
 * update loop ends in "Maximum update depth exceeded"), and leave no picker
 * spinning once its resource has answered.
 */
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PitwallDataSource } from '../datasource';
import { QUERY_TYPES } from '../options';
import { FixedTemplateSrv, instanceSettings } from '../testing/datasources';
import { renderExploreLike } from '../testing/editorHarness';
import { FakeBackend } from '../testing/fakeBackend';

let backend: FakeBackend;
let ds: PitwallDataSource;
let errors: string[];
let consoleError: jest.SpyInstance;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend
    .on('GET', '/resources/topics', { data: [{ name: 'f1-telemetry', partitions: 4 }] })
    .on('GET', '/resources/drivers', { data: ['VER', 'LEC'] })
    .on('GET', /\/resources\/topics\/[^/]+\/partitions$/, { data: [0, 1, 2, 3] });
  const templates = new FixedTemplateSrv({}) as unknown as TemplateSrv;
  setTemplateSrv(templates);
  ds = new PitwallDataSource(instanceSettings(), templates);
  errors = [];
  consoleError = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.map(String).join(' '));
  });
});

afterEach(() => consoleError.mockRestore());

/** The pickers show a spinner icon while their resource loads. */
function spinners(): HTMLElement[] {
  return within(screen.getByTestId('pitwall-query-editor')).queryAllByTestId('icon-spinner');
}

it('switches through every query type once each, runs once each, and settles', async () => {
  const { calls } = renderExploreLike(ds, { refId: 'A', queryType: 'alerts' });
  await waitFor(() => expect(spinners()).toHaveLength(0));
  const order = [...QUERY_TYPES.map((t) => t.label).filter((l) => l !== 'Alerts'), 'Alerts', 'Wheel spin'];
  for (const [i, label] of order.entries()) {
    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(await screen.findByRole('option', { name: new RegExp(`^${label}`) }));
    // Let the run's answer and the pickers' resource calls come back.
    await act(async () => new Promise((r) => setTimeout(r, 50)));
    expect(screen.getByLabelText('Query type')).toHaveValue(label);
    expect(calls.changes).toHaveLength(i + 1);
    expect(calls.runs).toBe(i + 1);
    await waitFor(() => expect(spinners()).toHaveLength(0));
  }
  // Each switch renders the editor a handful of times, not hundreds.
  expect(calls.renders).toBeLessThan(order.length * 15);
  expect(errors).toEqual([]);
  // Nine switches through @grafana/ui on a busy machine: a hang guard, not a speed check.
}, 180_000);

it('lists topics, partitions and drivers once each, and stops loading when they answer', async () => {
  renderExploreLike(ds, { refId: 'A', queryType: 'telemetry' });
  await waitFor(() => expect(spinners()).toHaveLength(0));
  await act(async () => new Promise((r) => setTimeout(r, 100)));
  expect(backend.to('GET', '/resources/topics')).toHaveLength(1);
  expect(backend.to('GET', '/resources/drivers')).toHaveLength(1);
  expect(backend.to('GET', '/resources/topics/f1-telemetry/partitions')).toHaveLength(1);
  expect(errors).toEqual([]);
});
