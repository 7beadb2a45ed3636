import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { dirname } from 'node:path';

/**
 * The browser suite (tests/*.spec.ts), the create-plugin way: Playwright with
 * @grafana/plugin-e2e, against the Grafana at GRAFANA_URL with Pitwall
 * installed and provisioned (see tests/README.md). Without GRAFANA_URL every
 * test is skipped and `npm run e2e` says so and exits 0: CI has no Grafana.
 *
 * Playwright's own browser download does not work everywhere; the suite runs
 * the system's Chromium (PITWALL_CHROMIUM, default /usr/bin/chromium).
 */
const grafanaURL = process.env.GRAFANA_URL;
const pluginE2eAuth = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;

export default defineConfig<PluginOptions>({
  testDir: './tests',
  globalSetup: require.resolve('./tests/globalSetup'),
  // One Grafana, one race: the specs share them, so they run one at a time.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: grafanaURL ?? 'http://localhost:3000',
    user: {
      user: process.env.GRAFANA_USER ?? 'admin',
      password: process.env.GRAFANA_PASSWORD ?? 'admin',
    },
    // Basic auth on every request as well: the signed-in session of the auth
    // project is rotated by Grafana after ~10 minutes, longer than the suite.
    httpCredentials: {
      username: process.env.GRAFANA_USER ?? 'admin',
      password: process.env.GRAFANA_PASSWORD ?? 'admin',
      send: 'always',
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1920, height: 1400 },
    launchOptions: {
      executablePath: process.env.PITWALL_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  projects: grafanaURL
    ? [
        // Signs in once and keeps the session for the other projects.
        { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
        {
          name: 'pitwall',
          use: {
            ...devices['Desktop Chrome'],
            viewport: { width: 1920, height: 1400 },
            storageState: 'playwright/.auth/admin.json',
          },
          dependencies: ['auth'],
        },
      ]
    : [{ name: 'pitwall' }],
});
