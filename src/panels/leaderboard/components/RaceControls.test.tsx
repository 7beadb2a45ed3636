import { locationService } from '@grafana/runtime';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PitwallDataSource } from '../../../datasource';
import { FakeBackend } from '../../../testing/fakeBackend';
import { installDataSourceSrv, instanceSettings } from '../../../testing/datasources';
import { leaderboardFrame, MONZA, panelData, renderPanel } from '../testing/fixtures';
import { HOLD_MS, LIGHT_MS, OUT_MS } from './StartLights';

let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend
    .on('GET', '/resources/race/status', { data: { running: false } })
    .on('POST', '/resources/race/start', { data: { race_id: 'r-42' } })
    .on('POST', '/resources/race/stop', { data: {} });
  installDataSourceSrv(new PitwallDataSource(instanceSettings('pitwall-a')), [
    { uid: 'prom', type: 'prometheus', name: 'Prometheus' },
  ]);
  locationService.partial({ 'var-driver': null }, true);
});

async function settled() {
  await waitFor(() => expect(backend.to('GET', '/resources/race/status').length).toBeGreaterThan(0));
  await act(async () => {});
}

async function choose(label: string, option: RegExp) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('race controls', () => {
  it('start POSTs race/start on the panel datasource with the defaults from the options', async () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a'),
      options: { defaultCircuit: 'silverstone', defaultLaps: 7, defaultSpeed: 5, raceDrivers: 'ver, lec  nor' },
    });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/start')).toHaveLength(1));
    const [sent] = backend.to('POST', '/resources/race/start');
    expect(sent.url).toBe('/api/datasources/uid/pitwall-a/resources/race/start');
    expect(sent.data).toEqual({
      circuit: 'silverstone',
      laps: 7,
      drivers: ['VER', 'LEC', 'NOR'],
      speed: 5,
      selectedDriver: '',
    });
  });

  it('sends the circuit, laps, driver to follow and speed chosen, and follows that driver', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await choose('Circuit', /Spa-Francorchamps/);
    const laps = screen.getByLabelText('Laps');
    await userEvent.clear(laps);
    await userEvent.type(laps, '12');
    await choose('Follow', /^VER$/);
    await choose('Speed', /^10×$/);
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/start')).toHaveLength(1));
    expect(backend.to('POST', '/resources/race/start')[0].data).toEqual({
      circuit: 'spa',
      laps: 12,
      drivers: [],
      speed: 10,
      selectedDriver: 'VER',
    });
    await waitFor(() => expect(locationService.getSearchObject()['var-driver']).toBe('VER'));
  });

  it('stop POSTs race/stop', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Stop/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/stop')).toHaveLength(1));
    expect(backend.to('POST', '/resources/race/stop')[0].url).toBe(
      '/api/datasources/uid/pitwall-a/resources/race/stop'
    );
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('shows the backend error of a refused start, with its status', async () => {
    backend.on('POST', '/resources/race/start', {
      status: 400,
      data: { error: 'unknown circuit "imola": known circuits are bahrain, monaco, monza, silverstone, spa' },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(
      await screen.findByText(
        'Could not start the race: unknown circuit "imola": known circuits are bahrain, monaco, monza, silverstone, spa (HTTP 400)'
      )
    ).toBeInTheDocument();
    // The countdown stops with the error.
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows a stop error given as {"message": ...}', async () => {
    backend.on('POST', '/resources/race/stop', {
      status: 503,
      data: { message: 'f1-race-commands: not leader for partition' },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Stop/ }));
    expect(
      await screen.findByText('Could not stop the race: f1-race-commands: not leader for partition (HTTP 503)')
    ).toBeInTheDocument();
  });

  it('refuses laps out of range without calling the backend', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    const laps = screen.getByLabelText('Laps');
    await userEvent.clear(laps);
    await userEvent.type(laps, '0');
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(screen.getByText(/Laps must be a whole number from 1 to 100/)).toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('says so when the panel datasource is not Pitwall', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { raceDatasource: 'prom' } });
    expect(
      await screen.findByText(/Race status unavailable: The race controls need a Pitwall datasource/)
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(
      await screen.findByText(
        /Could not start the race: The race controls need a Pitwall datasource, and "Prometheus" is prometheus/
      )
    ).toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('finds the Pitwall datasource when the query does not name one', async () => {
    const data = panelData([leaderboardFrame(MONZA)]);
    data.request!.targets = [{ refId: 'A' }];
    renderPanel({ data });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() =>
      expect(backend.to('POST', '/api/datasources/uid/pitwall-a/resources/race/start')).toHaveLength(1)
    );
  });

  it('folds the race settings away on narrow panels', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a'), width: 500 });
    await settled();
    expect(screen.queryByLabelText('Circuit')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Start race/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Race settings/ }));
    expect(screen.getByLabelText('Circuit')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Race settings/ })).toHaveAttribute('aria-expanded', 'true');
  });

  it('can be switched off', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { showControls: false } });
    expect(screen.queryByRole('button', { name: /Start race/ })).not.toBeInTheDocument();
    expect(backend.to('GET', '/resources/race/status')).toHaveLength(0);
  });
});

/** Runs pending promise callbacks inside act, without moving the fake clock. */
async function flushPromises() {
  await act(async () => {
    for (let i = 0; i < 50; i++) {
      await Promise.resolve();
    }
  });
}

describe('five lights', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts five red lights, then lights out, then clears', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await flushPromises();
    fireEvent.click(screen.getByRole('button', { name: /Start race/ }));
    // Let the POST and the status refresh after it resolve (promises only; the clock stays put).
    await flushPromises();
    expect(backend.to('GET', '/resources/race/status')).toHaveLength(2);
    await flushPromises();
    expect(screen.getByRole('status')).toHaveAccessibleName('1 of 5 lights on');
    for (let n = 2; n <= 5; n++) {
      await act(async () => jest.advanceTimersByTime(LIGHT_MS));
      expect(screen.getByRole('status')).toHaveAccessibleName(`${n} of 5 lights on`);
      expect(screen.getAllByTestId('light-on')).toHaveLength(n);
    }
    await act(async () => jest.advanceTimersByTime(HOLD_MS));
    expect(screen.getByRole('status')).toHaveAccessibleName('Lights out');
    expect(screen.getByText('LIGHTS OUT')).toBeInTheDocument();
    expect(screen.queryAllByTestId('light-on')).toHaveLength(0);
    await act(async () => jest.advanceTimersByTime(OUT_MS));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(1);
  });
});
