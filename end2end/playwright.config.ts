import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

// scripts/test builds the server, picks free ports and exports them; nothing is hard-coded here.
const port = process.env.E2E_PORT;
const simPort = process.env.E2E_SIM_PORT;
if (!port || !simPort) {
  throw new Error('E2E_PORT and E2E_SIM_PORT must be set: run the end-to-end tests through scripts/test');
}
const root = path.resolve(__dirname, '..');
const serverBin = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/server');
const simBin = process.env.E2E_SIM_BIN ?? path.join(root, 'target/debug/feishu-sim');
/** feishu_sim::DEMO_ADMIN_OPEN_ID */
const DEMO_ADMIN = 'ou_e0466fb0a64ee3c41b4cc463c5c44311';

/** A simulator on `at`, with `flags`, signing every browser in as the demo admin. */
function simulator(at: string, flags: string) {
  return {
    command: `${simBin} --addr 127.0.0.1:${at} ${flags} --login-as ${DEMO_ADMIN}`,
    url: `http://127.0.0.1:${at}/_sim/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore' as const,
  };
}

/** The dashboard on `at` against the simulator on `sim`, keeping its data in `dataDir`. */
function dashboard(at: string, sim: string, dataDir: string, extra: Record<string, string>) {
  return {
    command: serverBin,
    url: `http://127.0.0.1:${at}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${at}`,
      // scripts/bench-page points this at the release build's site.
      LEPTOS_SITE_ROOT: process.env.E2E_SITE_ROOT ?? path.join(root, 'target/site'),
      LEPTOS_OUTPUT_NAME: 'block-insights',
      FEISHU_BASE_URL: `http://127.0.0.1:${sim}`,
      FEISHU_ACCOUNTS_URL: `http://127.0.0.1:${sim}`,
      DASHBOARD_ADMINS: DEMO_ADMIN,
      FEISHU_APP_ID: 'cli_demo_app',
      FEISHU_APP_SECRET: 'demo-secret',
      DASHBOARD_DATA_DIR: path.join(root, dataDir),
      // Every test signs in from 127.0.0.1 as the one demo admin, one test after
      // another: the default limits (30 sign-ins a minute per address, 600 requests a
      // minute per person) are for people, not for a suite. tests/it/security.rs checks them.
      DASHBOARD_SIGN_IN_PER_MINUTE: '0',
      DASHBOARD_REQUESTS_PER_MINUTE: '0',
      // The background history fetch would compete with the tests' own loads.
      DASHBOARD_HISTORY_MONTHS: '0',
      RUST_LOG: 'warn',
      ...extra,
    },
  };
}

/** A large tenant (2,000 blocks) on a simulator and server of its own, when scripts/test gives them ports. */
const largePort = process.env.E2E_LARGE_PORT;
const largeSimPort = process.env.E2E_LARGE_SIM_PORT;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Every test ends within 90 s, and the whole run within 20 minutes, whatever hangs.
  timeout: 90_000,
  globalTimeout: 20 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
  },
  webServer: [
    // The simulator as its own process, so that tests can read its ground truth.
    // Signs every browser in as the simulator's demo admin without the chooser page.
    simulator(simPort, '--latency-ms 30 --demo-anomalies'),
    dashboard(port, simPort, 'target/e2e-data', {
      // The simulator's stand-in for Feishu's JSSDK: a browser with the Feishu client's
      // user agent signs in through it (feishu-client.spec.ts); others never load it.
      FEISHU_JSSDK_URL: `http://127.0.0.1:${simPort}/_sim/jssdk.js`,
    }),
    ...(largePort && largeSimPort ? [
      // 2,000 blocks, Feishu's rate out of the way so that a first look at a month of
      // them takes seconds in a debug build (large.spec.ts).
      simulator(largeSimPort, '--blocks 2000 --rate-limit 0'),
      dashboard(largePort, largeSimPort, 'target/e2e-data-large', { FEISHU_MAX_REQUESTS_PER_SECOND: '1000' }),
    ] : []),
  ],
});
