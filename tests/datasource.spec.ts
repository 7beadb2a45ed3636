import { DS_UID, expect, skipWithoutGrafana, test } from './pitwall';

skipWithoutGrafana();

test('the provisioned datasource answers its Test with Kafka and the Schema Registry reachable', async ({
  gotoDataSourceConfigPage,
  page,
}) => {
  const configPage = await gotoDataSourceConfigPage(DS_UID);
  const response = await configPage.saveAndTest();
  expect(response.ok(), `health check: HTTP ${response.status()}`).toBeTruthy();
  const body = await response.json();
  expect(body.status).toBe('OK');
  expect(body.message).toMatch(/Kafka at .* is reachable/);
  await expect(page.getByTestId('data-testid Alert success')).toBeVisible();
});
