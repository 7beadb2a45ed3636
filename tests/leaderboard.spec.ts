import { expect, F1_DASHBOARD, raceStatus, skipWithoutGrafana, stopRace, test } from './pitwall';

skipWithoutGrafana();

test('the leaderboard starts a race, follows a driver on a row click, and stops the race', async ({
  gotoDashboardPage,
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  await stopRace(page);
  await expect.poll(async () => (await raceStatus(page)).running, { timeout: 30_000 }).toBe(false);

  const dashboard = await gotoDashboardPage({ uid: F1_DASHBOARD });
  const board = dashboard.getPanelByTitle('Leaderboard').locator;
  const controls = board.getByTestId('race-controls');

  // Start at 10×: the button says the speed it will use. A narrow panel
  // folds the race settings behind a button.
  await expect(controls).toBeVisible();
  const settings = controls.getByRole('button', { name: 'Race settings' });
  if ((await settings.count()) > 0) {
    await settings.click();
  }
  await controls.getByLabel('Speed').click();
  await page.getByRole('option', { name: /^10×/ }).click();
  const start = controls.getByRole('button', { name: 'Start race at 10×' });
  await expect(start).toBeVisible();
  const started = page.waitForResponse((r) => r.url().endsWith('/resources/race/start'));
  await start.click();
  const startResponse = await started;
  // 202 Accepted: the command is on the topic; producer serve starts the race.
  expect(startResponse.status(), await startResponse.text()).toBe(202);
  await expect(board.getByTestId('race-status')).toHaveText(/^(Starting|Running)/, { timeout: 30_000 });
  await expect(board.getByTestId('race-status')).toHaveText(/^Running/, { timeout: 60_000 });

  // The race shows up as rows; a click follows that driver through the dashboard variable.
  const rows = board.getByRole('row', { name: /^P\d+ [A-Z]{3}$/ });
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  // The row is clicked by its driver, not by its place: at 10× the order changes between reading
  // the second row and clicking it, and rows.nth(1) would then be another driver.
  const label = (await rows.nth(1).getAttribute('aria-label')) ?? '';
  const code = label.split(' ')[1];
  const chosen = board.getByRole('row', { name: new RegExp(` ${code}$`) });
  await chosen.click();
  await expect(page).toHaveURL(new RegExp(`var-driver=${code}`));
  await expect(chosen).toHaveAttribute('aria-selected', 'true');

  // Stop: the backend stops the race and the status line says so.
  const stopped = page.waitForResponse((r) => r.url().endsWith('/resources/race/stop'));
  await controls.getByRole('button', { name: 'Stop' }).click();
  expect((await stopped).status()).toBe(202);
  await expect(board.getByTestId('race-status')).toHaveText(/^(Stopping|Stopped)/, { timeout: 30_000 });
  await expect.poll(async () => (await raceStatus(page)).state, { timeout: 60_000 }).toBe('aborted');
  await expect(controls.getByRole('button', { name: 'Stop' })).toHaveAttribute('aria-disabled', 'true', {
    timeout: 30_000,
  });
  expect(consoleErrors).toEqual([]);
});
