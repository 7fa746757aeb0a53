import { test, expect } from '@playwright/test';
import { addDays, card, expectAccessible, groundTruth, screenshot, simToday, sum, waitForHydration } from './helpers';

test('a custom range chosen in the form shows the simulator\'s numbers; the next page fetches no asset again', async ({ page }) => {
  const today = await simToday();
  const from = addDays(today, -20);
  const to = addDays(today, -14);
  const truth = await groundTruth(from, to);

  await page.goto('/?lang=en');
  await waitForHydration(page);
  // The page is server-rendered: the choice loads the next page, whose script, WASM and
  // stylesheet (named by their content hash, kept for a year) come from the browser's cache.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  let assetBytes = 0;
  cdp.on('Network.responseReceived', (e: { requestId: string; response: { url: string } }) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    if ((urls.get(e.requestId) ?? '').includes('/pkg/')) assetBytes += e.encodedDataLength;
  });
  await page.fill('[data-testid=custom-range] input[name=from]', from);
  await page.fill('[data-testid=custom-range] input[name=to]', to);
  await page.click('[data-testid=custom-range] button[type=submit]');

  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(truth, 'pv'));
  expect(await card(page, 'card-uv-sum')).toBe(sum(truth, 'uv'));
  await waitForHydration(page);
  expect(assetBytes, 'no asset is transferred again').toBeLessThan(1024);
  await screenshot(page, 'custom-range');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('reading works: presets are links, the range form submits, the rows tab lists every row', async ({ page }) => {
    const today = await simToday();
    const from = addDays(today, -9);
    const to = addDays(today, -3);
    const truth = await groundTruth(from, to);
    await page.goto('/?lang=en');
    await page.fill('[data-testid=custom-range] input[name=from]', from);
    await page.fill('[data-testid=custom-range] input[name=to]', to);
    await page.click('[data-testid=custom-range] button[type=submit]');
    await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
    expect(await card(page, 'card-pv')).toBe(sum(truth, 'pv'));
    await page.getByRole('link', { name: 'Rows', exact: true }).click();
    await expect(page.locator('[data-testid=rows] tbody tr')).toHaveCount(truth.length);
    await screenshot(page, 'no-javascript-rows');
    await page.getByRole('link', { name: 'Last 7 days', exact: true }).click();
    await expect(page).toHaveURL(/range=7d/);
    await screenshot(page, 'no-javascript-preset');
  });
});

test('light and dark themes follow the system', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto('/?lang=en&range=14d');
    await waitForHydration(page);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    const luminance = (r + g + b) / 3;
    if (colorScheme === 'dark') expect(luminance).toBeLessThan(60); else expect(luminance).toBeGreaterThan(200);
    await screenshot(page, `theme-${colorScheme}`);
    await expectAccessible(page);
    await context.close();
  }
});

test('accessibility: no serious or critical violations on the overview, in both languages, and on the rows tab', async ({ page }) => {
  for (const url of ['/?lang=en', '/?lang=zh', '/?lang=en&tab=rows&range=7d']) {
    await page.goto(url);
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await screenshot(page, 'accessibility-rows');
});
