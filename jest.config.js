// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const [[, swcOptions]] = Object.values(base.transform);

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // Editor tests type and click through @grafana/ui; on a busy 2-core CI box a
  // test can take several seconds (12 s seen with four other jobs running).
  // This is a hang guard, not a speed check.
  testTimeout: 60000,
  // @grafana/ui pulls in d3 packages that ship only .mjs files; transform them too.
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', swcOptions],
    '^.+\\.mjs$': ['@swc/jest', swcOptions],
  },
};
