/** Says up front when the suite cannot run, so a skipped run is not mistaken for a green one. */
export default function globalSetup() {
  if (!process.env.GRAFANA_URL) {
    console.log(
      'e2e: GRAFANA_URL is not set, so every browser test is skipped. ' +
        'Set it to a Grafana (12.4+) with Pitwall installed and provisioned, a race feeding it, and run npm run e2e (see tests/README.md).'
    );
  }
}
