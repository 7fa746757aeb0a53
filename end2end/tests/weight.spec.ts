import { test, expect, Page, CDPSession } from '@playwright/test';
import { waitForHydration } from './helpers';

/**
 * What Chromium transfers for the signed-in dashboard, cold and on a repeat visit, and
 * when it becomes interactive on a throttled mid-range phone (4× slower CPU, 1.6 Mbit/s,
 * 150 ms round trip). Prints the figures and whether the goals (150 KB cold, 25 KB
 * repeat) are met; the repeat visit's 25 KB is asserted on a release build
 * (`scripts/bench-page` sets E2E_RELEASE=1; a debug build's pages are larger). Time is
 * printed, never asserted.
 */
const release = process.env.E2E_RELEASE === '1';
const PAGE = '/?range=30d&lang=zh';
/** Which build the figures are of. */
const BUILD = release ? 'release build' : 'debug build: see scripts/bench-page for the release figures';

/** Counts the bytes Chromium receives over the network (headers and bodies, compressed). */
async function meter(page: Page): Promise<{ cdp: CDPSession; bytes: () => number; byType: () => Record<string, number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const types = new Map<string, string>();
  const sizes: Record<string, number> = {};
  let total = 0;
  cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    total += e.encodedDataLength;
    const type = types.get(e.requestId) ?? 'Other';
    sizes[type] = (sizes[type] ?? 0) + e.encodedDataLength;
  });
  return { cdp, bytes: () => total, byType: () => ({ ...sizes }) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

test('page weight: cold, repeat, and a throttled phone', async ({ browser }) => {
  // Cold: a fresh profile (signed in by the simulator without a chooser), nothing cached.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/?lang=zh'); // signs in; the session cookie is then set
  await waitForHydration(page);
  const cdpClear = await context.newCDPSession(page);
  await cdpClear.send('Network.clearBrowserCache');
  const cold = await meter(page);
  await page.goto(PAGE);
  await waitForHydration(page);
  await page.waitForLoadState('networkidle');
  const coldBytes = cold.bytes();
  console.log(`[${BUILD}] cold visit: ${kb(coldBytes)} in all; by type: ${JSON.stringify(Object.fromEntries(Object.entries(cold.byType()).map(([k, v]) => [k, kb(v)])))}`);

  const repeat = await meter(page);
  await page.goto(PAGE);
  await waitForHydration(page);
  await page.waitForLoadState('networkidle');
  const repeatBytes = repeat.bytes();
  console.log(`repeat visit: ${kb(repeatBytes)}`);

  // A mid-range phone: Chromium's throttling, cache cold again.
  await cdpClear.send('Network.clearBrowserCache');
  const phone = await meter(page);
  await phone.cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8,
  });
  await phone.cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const started = Date.now();
  await page.goto(PAGE);
  await waitForHydration(page);
  console.log(`throttled phone (4× CPU, 1.6 Mbit/s, 150 ms): interactive after ${((Date.now() - started) / 1000).toFixed(2)} s`);
  await phone.cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await context.close();

  console.log(`goals: cold ${kb(coldBytes)} of 150 KB ${coldBytes <= 150 * 1024 ? 'met' : 'NOT met'}; repeat ${kb(repeatBytes)} of 25 KB ${repeatBytes <= 25 * 1024 ? 'met' : 'NOT met'}`);
  // The repeat visit fetches no asset again (they are kept as immutable): only the page.
  expect(repeatBytes, 'a repeat visit within 25 KB').toBeLessThanOrEqual(release ? 25 * 1024 : 100 * 1024);
});

test('page weight of a large tenant: the signed-in cold visit on a phone, 2,000 blocks', async ({ browser }) => {
  const port = process.env.E2E_LARGE_PORT;
  test.skip(!port, 'the large tenant runs through scripts/test and scripts/bench-page (E2E_LARGE_PORT)');
  const base = `http://127.0.0.1:${port}`;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/?lang=zh`); // signs in, and warms the month's days
  await waitForHydration(page);
  const cdpClear = await context.newCDPSession(page);
  await cdpClear.send('Network.clearBrowserCache');
  const cold = await meter(page);
  await page.goto(`${base}${PAGE}`);
  await waitForHydration(page);
  await page.waitForLoadState('networkidle');
  const coldBytes = cold.bytes();
  console.log(`[${BUILD}] 2,000 blocks, cold visit at 390 px: ${kb(coldBytes)} in all; by type: ${JSON.stringify(Object.fromEntries(Object.entries(cold.byType()).map(([k, v]) => [k, kb(v)])))}`);
  console.log(`goal: cold ${kb(coldBytes)} of 150 KB ${coldBytes <= 150 * 1024 ? 'met' : 'NOT met'}`);
  await context.close();
});
